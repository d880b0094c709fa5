// Node services at teardown, with a stand-in host: everyone still running gets SIGTERM at once (in reverse start
// order), whoever is left after the grace time gets SIGKILL, and a recorded pid that now belongs to another process
// (other start time) or has exited is left alone.
import t from 'tap';
import type { Journal } from '../../src/model/index.js';
import { stopServices, type ServiceHost } from '../../src/exec/services.js';
import { nodeEntryArgv } from '../../src/model/index.js';

function fakeHost(running: Map<number, string>, exitsOnTerm: Set<number>) {
  const log: string[] = [];
  const host: ServiceHost = {
    isRunning: (pid, st) => running.get(pid) === st,
    signal: (pid, sig) => {
      log.push(`${sig} ${pid}`);
      if (sig === 'SIGTERM' && exitsOnTerm.has(pid)) running.delete(pid);
    },
    killAll: (pids) => {
      for (const p of pids) {
        log.push(`SIGKILL ${p}`);
        running.delete(p);
      }
      return pids.length;
    },
    waitExited: async () => undefined,
  };
  return { host, log };
}

const journal = (procs: { pid: number; startTime: string; service?: string }[]) =>
  ({ processes: procs.map((p) => ({ node: 'r1', argv: ['x'], ...p })) }) as unknown as Journal;

t.test('SIGTERM to all at once, SIGKILL to the slow ones only', async (t) => {
  const running = new Map([[10, 'a'], [11, 'b'], [12, 'c']]);
  const { host, log } = fakeHost(running, new Set([11, 12]));
  const n = await stopServices(journal([{ pid: 10, startTime: 'a', service: 'zebra' }, { pid: 11, startTime: 'b', service: 'ospfd' }, { pid: 12, startTime: 'c', service: 'ospf6d' }]), host, 10);
  t.equal(n, 3);
  t.same(log, ['SIGTERM 12', 'SIGTERM 11', 'SIGTERM 10', 'SIGKILL 10'], 'reverse start order; zebra (slow to exit) is killed after the grace time');
});

t.test('pid reuse, exited daemons and non-service processes are left alone', async (t) => {
  const running = new Map([[20, 'other'], [21, 'x']]);
  const { host, log } = fakeHost(running, new Set());
  const n = await stopServices(journal([{ pid: 20, startTime: 'mine', service: 'zebra' }, { pid: 22, startTime: 'y', service: 'ospfd' }, { pid: 21, startTime: 'x' }]), host, 10);
  t.equal(n, 0);
  t.same(log, []);
});

t.test('a node with private directories is entered through one program that mounts them first (a shell where the architecture is unknown, and in printed plans)', async (t) => {
  t.same(nodeEntryArgv('ns1', [], '/run/nslab/lab', ['vtysh']), ['ip', 'netns', 'exec', 'ns1', 'vtysh']);
  const binds = [{ source: 'nodes/r1/etc_frr', target: '/etc/frr' }];
  const argv = nodeEntryArgv('ns1', binds, '/run/nslab/lab', ['vtysh', '-c', 'show ip route'], [], 'x64');
  t.same(argv.slice(0, 2), ['perl', '-e']);
  t.same(argv.slice(3), ['--', 'ns1', '/run/nslab/lab/nodes/r1/etc_frr', '/etc/frr', '--', 'vtysh', '-c', 'show ip route']);
  t.match(argv[2], /syscall\(308, /, "x86-64's setns");
  const shell = nodeEntryArgv('ns1', binds, '/run/nslab/lab', ['vtysh', '-c', 'show ip route'], [], null);
  t.same(shell.slice(0, 6), ['ip', 'netns', 'exec', 'ns1', 'sh', '-c']);
  t.same(shell.slice(7), ['sh', '/run/nslab/lab/nodes/r1/etc_frr', '/etc/frr', '--', 'vtysh', '-c', 'show ip route']);
  t.same(nodeEntryArgv('ns1', binds, '/d', ['true'], [], 'sparc64').slice(0, 4), ['ip', 'netns', 'exec', 'ns1'], 'an unknown architecture: the shell form');
});
