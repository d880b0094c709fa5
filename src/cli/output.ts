// Terminal output: errors in human or JSON form, and progress that only a TTY sees (CI logs stay plain).

import { NslabError } from '../model/index.js';

export function printError(e: unknown, json: boolean): number {
  if (e instanceof NslabError) {
    if (json) process.stderr.write(JSON.stringify({ error: e.toJSON() }) + '\n');
    else {
      process.stderr.write(e.format() + '\n');
      const cmd = e.details.command;
      if (typeof cmd === 'string') process.stderr.write(`  command: ${cmd}\n`);
      const stderr = e.details.stderr;
      if (typeof stderr === 'string' && stderr.includes('\n')) process.stderr.write(`  stderr:\n    ${stderr.replace(/\n/g, '\n    ')}\n`);
    }
    return e.exitCode;
  }
  // Not one of ours: a bug. Show it fully so it can be reported.
  process.stderr.write(`nslab: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 2;
}

/**
 * Phase and count on one rewritten line, only when stderr is a terminal and only after the first second.
 * NSLAB_NO_PROGRESS=1 turns it off: nslab inside user-mode Linux writes to the guest's console, a terminal even
 * when the host's output goes to a file.
 */
export function progressReporter(stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr): ((phase: string, done: number, total: number) => void) & { end(): void } {
  const tty = stream.isTTY && !process.env.CI && !process.env.NSLAB_NO_PROGRESS;
  const started = Date.now();
  let shown = false;
  const fn = ((phase: string, done: number, total: number) => {
    if (!tty || Date.now() - started < 1000) return;
    shown = true;
    stream.write(`\r\x1b[K${phase} ${done}/${total}`);
  }) as ((phase: string, done: number, total: number) => void) & { end(): void };
  fn.end = () => {
    if (shown) stream.write('\r\x1b[K');
  };
  return fn;
}

/**
 * The signals that end a command early: Ctrl-C, kill, and SIGHUP (the terminal was closed; without a handler Node
 * dies at once and leaves a half-built lab and its processes behind).
 */
export const ABORT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Each of ABORT_SIGNALS aborts the work once (the caller rolls back); a second signal is ignored while teardown
 * runs. `done()` says the work has finished: a signal after it has nothing left to roll back, so it is only swallowed
 * until dispose() (it used to print "rolling back" after `up` had returned, and leave the lab up).
 */
export function abortOnSignals(): { signal: AbortSignal; done(): void; dispose(): void } {
  const ac = new AbortController();
  let finished = false;
  const handler = (sig: NodeJS.Signals) => {
    if (sig === 'SIGHUP') {
      // The terminal is gone: writing to it fails (EIO), and an unhandled stream error would end the process in
      // the middle of the rollback.
      const ignore = () => undefined;
      process.stdout.on('error', ignore);
      process.stderr.on('error', ignore);
    }
    if (!ac.signal.aborted && !finished) {
      // After SIGHUP the terminal is gone and this write may fail (EIO): the rollback must not depend on it.
      try {
        process.stderr.write(`\nnslab: ${sig} received, rolling back…\n`);
      } catch {
        /* no terminal */
      }
      ac.abort(new Error(sig));
    }
  };
  for (const s of ABORT_SIGNALS) process.on(s, handler);
  return {
    signal: ac.signal,
    done() {
      finished = true;
    },
    dispose() {
      for (const s of ABORT_SIGNALS) process.off(s, handler);
    },
  };
}
