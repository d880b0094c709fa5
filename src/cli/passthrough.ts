// Run a command with the terminal passed through (stdin, stdout, stderr, and the terminal's signals) and return its
// exit status the way a shell reports it. Light on imports: `nslab exec`'s fast path loads it.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export function passThrough(file: string, args: string[], env?: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    // Ctrl-C reaches the child from the terminal itself; nslab only waits for it to finish.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('error', (e) => {
      process.off('SIGINT', ignore);
      process.stderr.write(`nslab: cannot run ${file}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}
