// The console's language, pure: a line becomes one command (or a usage error that says what was expected), and a
// partial line gets its completions. Mininet's CLI is the model: `pingall`, `h1 ping h2`, `link s1 h1 down`,
// `iperf h1 h2`, `net`, `dump`. Console commands come first: a node named like one (`net`) is reached as `net
// CMD…` only through `nslab exec`.

import { NslabError } from '../model/errors.js';

export type ConsoleCommand =
  | { kind: 'empty' }
  | { kind: 'help' }
  | { kind: 'exit' }
  | { kind: 'nodes' }
  | { kind: 'net' }
  | { kind: 'links' }
  | { kind: 'show' }
  | { kind: 'graph' }
  | { kind: 'pingall'; family?: 4 | 6 }
  | { kind: 'pingpair'; a?: string; b?: string; family?: 4 | 6 }
  | { kind: 'link'; words: string[] }
  | { kind: 'impair'; link: string; change: Record<string, string | number>; clear: boolean; direction?: string }
  | { kind: 'iperf'; client: string; server: string; durationS: number }
  | { kind: 'node'; node: string; cmd: string };

/** Each console command with its arguments and what it does: `help` prints these, completion offers the names. */
export const CONSOLE_HELP: [string, string, string][] = [
  ['pingall', '[-4|-6]', "every host pings every host (IPv4 unless -6, or the lab's only family); Mininet's summary"],
  ['pingpair', '[A B] [-4|-6]', 'A and B ping each other (default: the first two hosts)'],
  ['link', 'A B up|down|blackhole', 'take the link between A and B down or up (also A-B, or A:eth0); as nslab link'],
  ['impair', 'A-B KEY VALUE… | A-B clear', 'change a link: rate 10mbit, delay 20ms, jitter, loss 1%, duplicate, reorder, corrupt, limit, direction A->B; as nslab impair'],
  ['iperf', 'CLIENT SERVER [SECONDS]', 'TCP throughput from CLIENT to SERVER with iperf3 (default 2 s)'],
  ['nodes', '', "the lab's nodes"],
  ['net', '', "each node's interfaces and what they connect to"],
  ['links', '', 'each link with its state read from the kernel, and its impairments'],
  ['show', '', 'nodes, interfaces, addresses, links, impairments and processes (as nslab show; also: dump)'],
  ['graph', '', 'the topology as a tree of text'],
  ['NODE', 'CMD…', 'run CMD in NODE through sh -c; other nodes are reached by name (h1 ping -c1 h2, h1 ping h2-eth0)'],
  ['help', '', 'this list'],
  ['exit', '', 'leave the console (also quit, Ctrl-D)'],
];

const ALIASES: Record<string, ConsoleCommand['kind']> = { dump: 'show', intfs: 'net', quit: 'exit', '?': 'help' };
const COMMANDS = ['pingall', 'pingpair', 'link', 'impair', 'iperf', 'nodes', 'net', 'links', 'show', 'dump', 'graph', 'help', 'exit', 'quit'];
const IMPAIR_KEYS = ['rate', 'delay', 'jitter', 'distribution', 'loss', 'duplicate', 'reorder', 'corrupt', 'limit', 'direction'];
const LINK_STATES = ['up', 'down', 'blackhole'];

function usage(what: string, expected: string): NslabError {
  return new NslabError('E_USAGE', `${what}: expected ${expected}`, { hint: "'help' lists the commands" });
}

function family(words: string[]): { rest: string[]; family?: 4 | 6 } {
  const f = words.find((w) => w === '-4' || w === '-6');
  return { rest: words.filter((w) => w !== f), ...(f ? { family: f === '-4' ? 4 : 6 } : {}) };
}

/** One console line → a command. `nodes` are the lab's node names (a first word naming one runs a command there). */
export function parseConsoleLine(line: string, nodes: readonly string[]): ConsoleCommand {
  const text = line.trim();
  if (!text || text.startsWith('#')) return { kind: 'empty' };
  const words = text.split(/\s+/);
  const first = words[0];
  const args = words.slice(1);
  const node = (w: string | undefined, what: string): string => {
    if (w === undefined) throw usage(what, 'a node');
    if (!nodes.includes(w)) throw new NslabError('E_UNKNOWN_NODE', `${what}: the lab has no node '${w}'`, { hint: `nodes: ${nodes.slice(0, 20).join(' ')}` });
    return w;
  };
  const kind = ALIASES[first] ?? first;
  switch (kind) {
    case 'help':
    case 'exit':
    case 'nodes':
    case 'net':
    case 'links':
    case 'show':
    case 'graph':
      if (args.length) throw usage(first, 'no arguments');
      return { kind };
    case 'pingall': {
      const f = family(args);
      if (f.rest.length) throw usage('pingall', '-4 or -6 at most');
      return { kind: 'pingall', ...(f.family ? { family: f.family } : {}) };
    }
    case 'pingpair': {
      const f = family(args);
      if (f.rest.length !== 0 && f.rest.length !== 2) throw usage('pingpair', 'two nodes, or none (the first two hosts)');
      return { kind: 'pingpair', ...(f.rest.length ? { a: node(f.rest[0], 'pingpair'), b: node(f.rest[1], 'pingpair') } : {}), ...(f.family ? { family: f.family } : {}) };
    }
    case 'link':
      if (args.length < 2 || args.length > 3 || !LINK_STATES.includes(args[args.length - 1])) throw usage('link', 'A B up|down|blackhole, or A-B up|down');
      return { kind: 'link', words: args };
    case 'impair': {
      let rest = args;
      let link = rest[0];
      if (!link) throw usage('impair', 'a link (A-B) and KEY VALUE pairs, or clear');
      // `impair s1 h1 delay 20ms`: two node names are the link between them, as for `link`.
      if (nodes.includes(rest[0]) && rest[1] !== undefined && nodes.includes(rest[1])) {
        link = `${rest[0]}-${rest[1]}`;
        rest = rest.slice(2);
      } else rest = rest.slice(1);
      const change: Record<string, string | number> = {};
      let clear = false;
      let direction: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        const key = rest[i].replace(/^--/, '');
        if (key === 'clear') {
          clear = true;
          continue;
        }
        if (!IMPAIR_KEYS.includes(key)) throw usage('impair', `one of ${IMPAIR_KEYS.join(', ')} or clear, not '${rest[i]}'`);
        const value = rest[++i];
        if (value === undefined) throw usage('impair', `a value after ${key}`);
        if (key === 'direction') direction = value;
        else change[key] = key === 'limit' && /^\d+$/.test(value) ? Number(value) : value;
      }
      if (!clear && !Object.keys(change).length) throw usage('impair', 'something to change (delay 20ms, loss 1%, rate 10mbit, …) or clear');
      return { kind: 'impair', link, change, clear, ...(direction ? { direction } : {}) };
    }
    case 'iperf': {
      if (args.length < 2 || args.length > 3) throw usage('iperf', 'CLIENT SERVER [SECONDS]');
      const durationS = args[2] === undefined ? 2 : Number(args[2]);
      if (!Number.isInteger(durationS) || durationS < 1 || durationS > 3600) throw usage('iperf', `a whole number of seconds (1-3600), not '${args[2]}'`);
      return { kind: 'iperf', client: node(args[0], 'iperf'), server: node(args[1], 'iperf'), durationS };
    }
    default:
      if (nodes.includes(first)) {
        if (!args.length) throw usage(first, `a command to run in ${first} (${first} ip addr)`);
        return { kind: 'node', node: first, cmd: text.slice(first.length).trim() };
      }
      throw new NslabError('E_USAGE', `'${first}' is neither a command nor a node of the lab`, { hint: `'help' lists the commands; nodes: ${nodes.slice(0, 20).join(' ')}` });
  }
}

/**
 * Completions of the last word of a partial line, as readline's completer returns them: [candidates, word].
 * First word: commands and nodes; after a command, what it takes (nodes, link names, states, impairment keys);
 * after `NODE`, node names (to use as addresses).
 */
export function completeConsoleLine(line: string, nodes: readonly string[], links: readonly string[] = []): [string[], string] {
  const words = line.split(/\s+/).filter((w, i, all) => w !== '' || i === all.length - 1);
  const word = /\s$/.test(line) || line === '' ? '' : (words[words.length - 1] ?? '');
  const position = /\s$/.test(line) ? words.filter((w) => w !== '').length : Math.max(0, words.length - 1);
  const before = words.filter((w) => w !== '').slice(0, position);
  let candidates: string[];
  if (position === 0) candidates = [...COMMANDS, ...nodes];
  else {
    const cmd = before[0];
    switch (ALIASES[cmd] ?? cmd) {
      case 'link':
        candidates = position <= 2 && !/[-:]/.test(before[1] ?? '') ? [...nodes, ...(position === 2 ? LINK_STATES : [])] : LINK_STATES;
        break;
      case 'impair':
        candidates = position === 1 ? [...links, ...nodes] : IMPAIR_KEYS.concat('clear');
        break;
      case 'pingall':
        candidates = ['-4', '-6'];
        break;
      case 'pingpair':
      case 'iperf':
        candidates = nodes.slice();
        break;
      default:
        candidates = nodes.includes(cmd) ? nodes.slice() : [];
    }
  }
  const hits = [...new Set(candidates)].filter((c) => c.startsWith(word)).sort();
  return [hits, word];
}

/** Mininet's pingall summary line: `*** Results: 0% dropped (12/12 received)`. */
export function pingSummary(received: number, total: number): string {
  const dropped = total ? Math.round((100 * (total - received)) / total) : 0;
  return `*** Results: ${dropped}% dropped (${received}/${total} received)`;
}
