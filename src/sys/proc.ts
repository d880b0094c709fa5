// The process runner: every external command nslab starts goes through here, with a timeout, and is counted
// (the process-count regression test reads the counter). Non-zero exits are results, not exceptions.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';
import { NslabError, shellQuote } from '../model/index.js';
import type { KernelCapabilities } from './probe.js';

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

/** A process nslab started and keeps an eye on (servers, background steps, captures). */
export interface ManagedProcess {
  readonly pid: number;
  readonly command: string;
  /** Resolves when a line of stdout/stderr matches (the server is listening): no polling. Rejects if it exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the result when the process exits (kill() makes it exit). */
  done: Promise<RunResult>;
  kill(signal?: NodeJS.Signals): void;
}

export interface Runner {
  start(file: string, args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): ManagedProcess;
  run(file: string, args: string[], opts?: RunOptions): Promise<RunResult>;
  /** Start a long-running process that outlives nslab, output appended to `logFile`; returns its pid. */
  spawnDetached(file: string, args: string[], opts: { env?: Record<string, string>; logFile: string }): number;
  /** How many processes this runner has started. */
  readonly spawned: number;
  /**
   * The commands run in a kernel of their own that nothing else uses and that dies with the lab (user-mode Linux,
   * sys/uml-agent.ts): no host root is needed, no other lab's names can clash there, and teardown is that kernel's
   * halt. Host paths under /tmp are the same inside (hostfs); /run, /proc and /sys are the kernel's own.
   */
  readonly privateKernel?: boolean;
  /** What that private kernel can do, when the runner knows it without a probe (see UmlAgent.capabilities). */
  readonly kernelCapabilities?: KernelCapabilities;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** SIGKILL a process group led by `pid` (a child started detached); gone already is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function renderCommand(file: string, args: string[]): string {
  return [file, ...args].map(shellQuote).join(' ');
}

export class ExecaRunner implements Runner {
  spawned = 0;
  start(file: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): ManagedProcess {
    this.spawned++;
    const started = performance.now();
    const command = renderCommand(file, args);
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const waiters: { re: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
    const scan = (text: string) => {
      for (const w of [...waiters]) {
        const line = text.split('\n').find((l) => w.re.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    };
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      scan(stdout);
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      scan(stderr);
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid);
        }, opts.timeoutMs)
      : undefined;
    const done = new Promise<RunResult>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (timer) clearTimeout(timer);
        for (const w of waiters.splice(0)) w.reject(new NslabError('E_PROCESS_EXITED', `${command} exited before printing what was awaited`, { details: { stdout, stderr } }));
        resolve({ command, exitCode: timedOut ? 124 : (code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1)), stdout, stderr, durationMs: performance.now() - started, timedOut });
      };
      child.on('close', finish);
      child.on('error', (e) => {
        stderr += e.message;
        finish(127, null);
      });
    });
    return {
      pid: child.pid ?? -1,
      command,
      done,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => killGroup(child.pid, signal),
      waitForOutput: (re, timeoutMs) =>
        new Promise<string>((resolve, reject) => {
          const already = (stdout + '\n' + stderr).split('\n').find((l) => re.test(l));
          if (already !== undefined) return resolve(already);
          if (child.exitCode !== null) return reject(new NslabError('E_PROCESS_EXITED', `${command} has exited`, { details: { stdout, stderr } }));
          const t = setTimeout(() => {
            waiters.splice(waiters.findIndex((w) => w.re === re), 1);
            reject(new NslabError('E_TIMEOUT', `${command} did not print ${re} within ${timeoutMs} ms`, { details: { stdout, stderr } }));
          }, timeoutMs);
          waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)), reject: (e) => (clearTimeout(t), reject(e)) });
        }),
    };
  }

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
    // The child leads its own process group (detached), so a timeout kills the whole group: a shell's children
    // would otherwise keep the output pipes open and the wait would last as long as they do.
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const sub = execa(file, args, {
      input: opts.input ?? '',
      reject: false,
      stripFinalNewline: false,
      env: opts.env,
      extendEnv: true,
      detached: true,
      cleanup: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(sub.pid);
      // A grandchild that made its own session (setsid) escapes the group kill and may hold our pipes open: stop
      // waiting for them shortly after the kill, or the timeout would last as long as that grandchild.
      setTimeout(() => {
        sub.stdout?.destroy();
        sub.stderr?.destroy();
      }, 200).unref();
    }, timeoutMs);
    const r = await sub;
    clearTimeout(timer);
    if (r.failed && r.exitCode === undefined && !timedOut) {
      const code = (r.cause as NodeJS.ErrnoException | undefined)?.code;
      throw new NslabError('E_SPAWN', `cannot run ${file}: ${code === 'ENOENT' ? 'not installed' : r.shortMessage}`, {
        cause: r.cause,
        hint: code === 'ENOENT' ? `install it (nslab doctor lists what is missing)` : undefined,
        details: { command },
      });
    }
    return {
      command,
      exitCode: timedOut ? 124 : (r.exitCode ?? 1),
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      durationMs: performance.now() - started,
      timedOut,
    };
  }
}
