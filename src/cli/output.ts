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

/** SIGINT/SIGTERM abort the work once (the caller rolls back); a second signal is ignored while teardown runs. */
export function abortOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (!ac.signal.aborted) {
      process.stderr.write(`\nnslab: ${sig} received, rolling back…\n`);
      ac.abort(new Error(sig));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
