// The process runner: every external command nslab starts goes through here, with a timeout, and is counted
// (the process-count regression test reads the counter). Non-zero exits are results, not exceptions.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';
import { NslabError, shellQuote } from '../model/index.js';

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface Runner {
  run(file: string, args: string[], opts?: RunOptions): Promise<RunResult>;
  /** Start a long-running process that outlives nslab, output appended to `logFile`; returns its pid. */
  spawnDetached(file: string, args: string[], opts: { env?: Record<string, string>; logFile: string }): number;
  /** How many processes this runner has started. */
  readonly spawned: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export function renderCommand(file: string, args: string[]): string {
  return [file, ...args].map(shellQuote).join(' ');
}

export class ExecaRunner implements Runner {
  spawned = 0;
  spawnDetached(file: string, args: string[], opts: { env?: Record<string, string>; logFile: string }): number {
    this.spawned++;
    const fd = openSync(opts.logFile, 'a', 0o600);
    try {
      // Its own session (detached), so a Ctrl-C at the terminal that ran `nslab up` does not reach it; it is
      // stopped at teardown by finding every process in the lab's namespaces.
      const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...opts.env } });
      child.on('error', () => undefined);
      child.unref();
      if (child.pid === undefined) throw new NslabError('E_SPAWN', `cannot start ${renderCommand(file, args)}`);
      return child.pid;
    } finally {
      closeSync(fd);
    }
  }

  async run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.spawned++;
    const started = performance.now();
    const command = renderCommand(file, args);
    const r = await execa(file, args, {
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      reject: false,
      stripFinalNewline: false,
      env: opts.env,
      extendEnv: true,
      // The whole process group goes at the timeout, so a shell's children do not outlive it.
      killSignal: 'SIGKILL',
    });
    if (r.failed && r.exitCode === undefined && !r.timedOut) {
      const code = (r.cause as NodeJS.ErrnoException | undefined)?.code;
      throw new NslabError('E_SPAWN', `cannot run ${file}: ${code === 'ENOENT' ? 'not installed' : r.shortMessage}`, {
        cause: r.cause,
        hint: code === 'ENOENT' ? `install it (nslab doctor lists what is missing)` : undefined,
        details: { command },
      });
    }
    return {
      command,
      exitCode: r.timedOut ? 124 : (r.exitCode ?? 1),
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      durationMs: performance.now() - started,
      timedOut: r.timedOut,
    };
  }
}
