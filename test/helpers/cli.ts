// Run the built CLI (dist/) as a user would, capturing output and exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { assertOwnState } from './sandbox.js';

export interface CliResult {
  /** The CLI's process id: names it made from its pid (a probe's namespace) can be looked for afterwards. */
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { env?: Record<string, string>; onStdout?: (text: string, child: ChildProcess) => void; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (args[0] === 'clean') assertOwnState(env, `nslab ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli/bin.js', ...args], { env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? 0, code, signal, stdout, stderr });
    });
  });
}
