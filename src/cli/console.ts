// `nslab console LAB` and `nslab up FILE --console`: a REPL on a running lab in the spirit of Mininet's CLI. On a
// terminal: a prompt, history (kept in ~/.nslab_history) and tab completion of commands and node names. From a pipe
// (`echo pingall | nslab console LAB`): plain lines, no prompt, one command after another, for scripts. Links and
// impairments change through the library (lab.setLink, lab.impair: the code path of `nslab link` and `nslab
// impair`, under the lab's lock); pingall is the reach prober's matrix; names resolve in nodes through the lab's
// hosts file.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { showLab, type Lab } from '../api/index.js';
import { textTree } from '../graph/text.js';
import { humanRate, NslabError, type ResolvedNode } from '../model/index.js';
import { impairmentSummary } from '../plan/index.js';
import { formatShow, formatShowLinks } from '../report/show.js';
import { findLink } from '../topology/index.js';
import { parseLinkWords } from './commands.js';
import { CONSOLE_HELP, completeConsoleLine, parseConsoleLine, pingSummary, type ConsoleCommand } from './console-parse.js';

export interface ConsoleOptions {
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  errors?: NodeJS.WriteStream;
  /** Where history is kept on a terminal (default ~/.nslab_history); null: not kept. */
  historyFile?: string | null;
}

const HISTORY_LINES = 1000;

function readHistory(file: string | null): string[] {
  if (!file) return [];
  try {
    // readline wants the newest first.
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** The hosts pingall uses: the lab's hosts, as Mininet's does (its routers when it has none). */
function pingNodes(nodes: readonly ResolvedNode[]): string[] {
  const hosts = nodes.filter((n) => n.kind === 'host');
  return (hosts.length ? hosts : nodes.filter((n) => n.kind !== 'switch')).map((n) => n.name);
}

/** Run the console until `exit`, end of input or a signal. Returns the exit code: from a pipe, 2 if a command failed. */
export async function runConsole(lab: Lab, opts: ConsoleOptions = {}): Promise<number> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const errors = opts.errors ?? process.stderr;
  const interactive = !!(input.isTTY && output.isTTY);
  const out = (s: string) => output.write(s.endsWith('\n') ? s : s + '\n');
  const t = () => lab.topology;
  const names = t().nodes.map((n) => n.name);
  const linkNames = t().links.map((l) => `${l.a.node}-${l.b.node}`);
  const historyFile = opts.historyFile === undefined ? join(homedir(), '.nslab_history') : opts.historyFile;
  const rl: Interface = createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    prompt: `nslab[${lab.name}]> `,
    ...(interactive ? { completer: (line: string) => completeConsoleLine(line, names, linkNames), history: readHistory(historyFile), historySize: HISTORY_LINES, removeHistoryDuplicates: true } : {}),
  });
  let history: string[] = [];
  rl.on('history', (h: string[]) => (history = h));
  // Set by `exit` and by signals; the end of the input ends the loop by itself, after the lines already read.
  let closing = false;

  // A command running in a node owns the terminal's Ctrl-C (it gets the SIGINT, we do not). Otherwise a signal ends
  // the console, and `up --console` then tears the lab down.
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGINT' && child && interactive) return;
    closing = true;
    child?.kill('SIGTERM');
    rl.close();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  // Ctrl-C at the prompt (raw mode: a key, not a signal) drops the line being typed, as a shell does.
  rl.on('SIGINT', () => {
    output.write('^C\n');
    (rl as unknown as { line: string }).line = '';
    rl.prompt();
  });

  const runInNode = (node: string, cmd: string): Promise<number> =>
    new Promise((resolve) => {
      const [file, ...args] = lab.entryArgv(node, ['sh', '-c', cmd]);
      const env = { ...process.env, ...t().nodes.find((n) => n.name === node)!.env, NSLAB_LAB: lab.name, NSLAB_NODE: node };
      if (interactive) {
        rl.pause();
        input.setRawMode?.(false);
      }
      // From a pipe the command gets no stdin: the next console lines are the console's, not the command's.
      child = spawn(file, args, { stdio: interactive ? 'inherit' : ['ignore', output, errors], env });
      const done = (code: number) => {
        child = undefined;
        if (interactive) {
          input.setRawMode?.(true);
          rl.resume();
        }
        resolve(code);
      };
      child.on('error', (e) => {
        errors.write(`cannot run ${file}: ${e.message}\n`);
        done(127);
      });
      child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
    });

  const pingMatrix = async (from: string[], to: string[], family?: 4 | 6) => {
    const fam = family ?? (t().addressing.ipv4 ? 4 : 6);
    const pairs = await lab.reachPairs({ from, to, families: [fam] });
    out('*** Ping: testing ping reachability');
    for (const a of from) {
      const row = pairs.filter((p) => p.from === a);
      if (row.length) out(`${a} -> ${row.map((p) => (p.reachable ? p.to : 'X')).join(' ')}`);
    }
    out(pingSummary(pairs.filter((p) => p.reachable).length, pairs.length));
  };

  const execute = async (c: ConsoleCommand): Promise<void> => {
    switch (c.kind) {
      case 'empty':
        return;
      case 'help': {
        const w = Math.max(...CONSOLE_HELP.map(([n, a]) => `${n} ${a}`.length));
        out(CONSOLE_HELP.map(([n, a, d]) => `  ${`${n} ${a}`.padEnd(w)}  ${d}`).join('\n'));
        return;
      }
      case 'exit':
        closing = true;
        return;
      case 'nodes':
        out(`available nodes are:\n${names.join(' ')}`);
        return;
      case 'net':
        for (const n of t().nodes) out(`${n.name} ${n.interfaces.map((i) => `${n.name}-${i.name}:${i.peer.node}-${i.peer.ifname}`).join(' ')}`.trimEnd());
        return;
      case 'links':
        out(formatShowLinks(await showLab(lab.name)));
        return;
      case 'show':
        out(formatShow(await showLab(lab.name)));
        return;
      case 'graph':
        out(textTree(t()));
        return;
      case 'pingall': {
        const hosts = pingNodes(t().nodes);
        await pingMatrix(hosts, hosts, c.family);
        return;
      }
      case 'pingpair': {
        const [a, b] = c.a && c.b ? [c.a, c.b] : pingNodes(t().nodes);
        if (!b) throw new NslabError('E_USAGE', 'pingpair: the lab has fewer than two hosts', { hint: 'pingpair A B' });
        await pingMatrix([a, b], [a, b], c.family);
        return;
      }
      case 'link': {
        const { link, state } = parseLinkWords(c.words);
        await lab.setLink(link, state);
        out(`${link} is ${state}`);
        return;
      }
      case 'impair': {
        await lab.impair(c.link, c.change, { direction: c.direction, clear: c.clear });
        const l = findLink(t(), c.link);
        out(`${c.link}: ${l.a.node}->${l.b.node}: ${impairmentSummary(l.aToB) || 'none'}; ${l.b.node}->${l.a.node}: ${impairmentSummary(l.bToA) || 'none'}`);
        return;
      }
      case 'iperf': {
        out(`*** Iperf: testing TCP bandwidth between ${c.client} and ${c.server} (${c.durationS} s)`);
        const r = await lab.iperf3(c.client, c.server, { durationS: c.durationS });
        out(`*** Results: received ${humanRate(r.throughputBitPerSec)}, sent ${humanRate(r.sentBitPerSec)}`);
        return;
      }
      case 'node':
        // Its output is the answer, as in a shell: a ping that fails says so itself, and is not a console error.
        await runInNode(c.node, c.cmd);
        return;
    }
  };

  let failed = false;
  if (interactive) {
    out(`lab '${lab.name}': ${names.length} nodes. 'help' lists the commands; Tab completes; Ctrl-D or exit leaves.`);
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (closing) break;
      try {
        await execute(parseConsoleLine(line, names));
      } catch (e) {
        failed = true;
        const err = e instanceof NslabError ? e : new NslabError('E_INTERNAL', String((e as Error)?.stack ?? e));
        errors.write(`error ${err.code}: ${err.message}${err.hint ? `\n  fix: ${err.hint}` : ''}\n`);
      }
      if (closing) break;
      if (interactive) rl.prompt();
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
    rl.close();
    if (interactive) {
      output.write('\n');
      if (historyFile && history.length) {
        try {
          writeFileSync(historyFile, [...history].reverse().join('\n') + '\n', { mode: 0o600 });
        } catch {
          /* a history that cannot be kept is not worth an error */
        }
      }
    }
  }
  return failed && !interactive ? 2 : 0;
}
