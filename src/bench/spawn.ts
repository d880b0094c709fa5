// One timed child process for the bench's own measurements (floor scripts, Mininet, the CLI). Async, so a Ctrl-C
// reaches the bench's handler while a run is in flight.

import { spawn } from 'node:child_process';

export interface TimedResult {
  wallMs: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runTimed(file: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<TimedResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      stderr += e.message;
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ wallMs: performance.now() - t0, exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
