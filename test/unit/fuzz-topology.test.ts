// Seeded fuzzing of the topology loader: every document either loads and satisfies the invariants below, or is
// refused with an NslabError (exit code 1) holding at least one located problem. Anything else — a TypeError, a
// RangeError, a stack overflow, a document that takes over 2 s — fails and names the seed that reproduces it.
//
//   NSLAB_FUZZ_CASES=100000 npx tap test/unit/fuzz-topology.test.ts      more cases
//   NSLAB_FUZZ_SEED=42 npx tap test/unit/fuzz-topology.test.ts           another run (master seed)
//   NSLAB_FUZZ_REPLAY=123456789 npx tap test/unit/fuzz-topology.test.ts  one failing case, by its case seed
//   NSLAB_FUZZ_WORKERS=1 ...                                             one worker thread instead of two
//
// The cases run in worker threads (this same file, one per core, two at most) so that a hang is caught: the main
// thread watches a shared heartbeat and terminates a worker whose document takes too long, then carries on after it.

import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import { contains, netnsName, NODE_KINDS, NslabError } from '../../src/model/index.js';
import { loadTopologyText } from '../../src/topology/index.js';
import { ownTid, threadCpuMs } from '../helpers/cpu.js';

// Per document, in CPU time of the worker's own thread (not wall time: at load 30 a worker waits seconds for a CPU
// and a 2 s wall-clock limit failed on documents that took 80 ms of CPU). Timing goals belong in the bench.
const HANG_MS = 2000;
/** Backstop for a worker that neither progresses nor burns CPU (it should not exist: the loader is synchronous). */
const STALL_WALL_MS = 120_000;

const EXAMPLES_DIR = new URL('../../topologies/', import.meta.url);

// --- deterministic randomness ------------------------------------------------------------------------------
type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case i of a run: independent of every other case, so one case replays on its own. */
export function caseSeed(master: number, i: number): number {
  let h = (master ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

class Gen {
  constructor(readonly r: Rng) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
}

// --- building blocks -------------------------------------------------------------------------------------------
const ODD_STRINGS = [
  '', ' ', '  x  ', 'a'.repeat(300), 'h'.repeat(33), 'x'.repeat(20000), 'ü', 'é', '日本語', '🙂', '\u202etxt', '\ufeff',
  '\u0000', 'a\u0000b', 'a\nb', '\n', '\r\n', '\t', '$(reboot)', '`reboot`', ';rm -rf /', '| cat /etc/passwd', '&& id',
  '../../etc', '../', '/etc/passwd', '.', '..', 'a b', '-n', '--help', '-', 'dev', 'lo', 'br0', 'eth0', 'all',
  'default', 'none', 'host', 'switch', 'router', '"', "'", '"\'"', '\\', '%', '%s%n', '{}', '[]', '*', '&a', '!!str',
  '#', ':', 'a:b', 'h1:', 'h1:eth0:x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype',
  'NaN', 'Infinity', '-0', '1e400', '0x1f', '~', 'null', 'true', 'yes', 'on', '10mbit', '20ms', '5%', '101%',
  '-5%', 'h1', 's1', 'r1', 'H1', 'x'.repeat(15), 'y'.repeat(16), 'a.b', 'a-b', 'a_b', '0', '9abc', 'nslab-x',
];

const NODE_NAMES = ['h1', 'h2', 'h3', 'h4', 's1', 's2', 'r1', 'r2', 'r3', 'c1', 'a1x1', 'H1', 'n_1', 'x-y', '0', '9z', 'a'.repeat(32)];
const KINDS = ['host', 'router', 'switch'];
const IMPAIR_KEYS = ['rate', 'delay', 'jitter', 'correlation', 'distribution', 'loss', 'duplicate', 'reorder', 'corrupt', 'limit'];
const TOPO_KINDS = ['single', 'linear', 'tree', 'ring', 'fattree', 'dumbbell', 'star', 'mesh', '', 'SINGLE'];

function oddNumber(g: Gen): number {
  return g.pick([0, -1, 1, 2, 0.5, -0.5, 68, 1500, 9000, 65535, 65536, 100, 101, 4294967295, 4294967296, 1e9, 1e21, 2 ** 53 + 1, Number.MAX_VALUE, Number.MIN_VALUE, 1e-300]);
}

function v4(g: Gen): string {
  const oct = () => (g.chance(0.9) ? g.int(0, 255) : g.pick([256, 999, -1, '01', '0x1', '']));
  const addr = g.chance(0.05) ? g.pick(['1.2.3', '1.2.3.4.5', '...', '1..2.3', ' 1.2.3.4']) : [oct(), oct(), oct(), oct()].join('.');
  const len = g.chance(0.85) ? g.pick([0, 1, 8, 16, 24, 29, 30, 31, 32, g.int(0, 32)]) : g.pick([33, 64, -1, '', '024', '1e1', ' 24']);
  return g.chance(0.05) ? addr : `${addr}/${len}`;
}

function v6(g: Gen): string {
  const grp = () => (g.chance(0.9) ? g.int(0, 0xffff).toString(16) : g.pick(['10000', 'g', '', '-1', '0000']));
  const forms = [
    () => Array.from({ length: 8 }, grp).join(':'),
    () => `${grp()}:${grp()}::${grp()}`,
    () => `fd00:${g.int(0, 99)}::${g.int(0, 9)}`,
    () => '::',
    () => '::1',
    () => 'fe80::1',
    () => '::ffff:10.0.0.1',
    () => '1::2::3',
    () => ':::',
    () => Array.from({ length: 9 }, grp).join(':'),
    () => 'fd00:10:' + '1:'.repeat(g.int(0, 8)) + ':1',
  ];
  const addr = g.pick(forms)();
  const len = g.chance(0.85) ? g.pick([0, 1, 48, 56, 63, 64, 65, 126, 127, 128, g.int(0, 128)]) : g.pick([129, 200, -1, '', '064']);
  return g.chance(0.05) ? addr : `${addr}/${len}`;
}

function anyAddress(g: Gen): string {
  return g.chance(0.5) ? v4(g) : v6(g);
}

function plain(g: Gen): string | number {
  return g.chance(0.5) ? g.pick(ODD_STRINGS) : oddNumber(g);
}

function percent(g: Gen): unknown {
  return g.pick([() => g.int(0, 100), () => `${g.int(0, 120)}%`, () => `${g.r() * 10}%`, () => g.r() * 100, () => g.pick(['0.5 %', ' 1% ', '%', '1%%', '-1%', '.5%', '1e2%'])])();
}

function duration(g: Gen): unknown {
  return g.pick([() => `${g.int(0, 2000)}ms`, () => `${g.int(0, 10)}s`, () => `${g.int(0, 900)}us`, () => g.int(0, 100), () => g.pick(['1 ms', '.5ms', '1.ms', '10', '1h', '9'.repeat(400) + 's', '-1ms', '1e3ms'])])();
}

function rate(g: Gen): unknown {
  return g.pick([
    () => `${g.int(1, 1000)}${g.pick(['bit', 'kbit', 'mbit', 'gbit', 'tbit', 'kibit', 'mbps', 'Mbit', 'xbit'])}`,
    () => g.int(0, 1e9),
    () => g.pick(['0mbit', '0.0000001bit', '9'.repeat(400) + 'mbit', '10 mbit', 'fast', -1, 0, 1e308 * 10]),
  ])();
}

function impairment(g: Gen, into: Record<string, unknown> = {}): Record<string, unknown> {
  const n = g.int(0, 4);
  for (let i = 0; i < n; i++) {
    const k = g.pick(IMPAIR_KEYS);
    switch (k) {
      case 'rate':
        into.rate = rate(g);
        break;
      case 'delay':
      case 'jitter':
        into[k] = duration(g);
        break;
      case 'distribution':
        into.distribution = g.pick(['normal', 'pareto', 'paretonormal', 'uniform', 'gauss', '']);
        break;
      case 'loss':
        into.loss = g.pick([
          () => percent(g),
          () => ({ percent: percent(g), ...(g.chance(0.5) ? { correlation: percent(g) } : {}) }),
          () => ({ model: g.pick(['gilbert-elliott', 'gemodel']), p: percent(g), ...(g.chance(0.5) ? { r: percent(g), '1-h': percent(g), '1-k': percent(g) } : {}) }),
        ])();
        break;
      case 'reorder':
        into.reorder = g.chance(0.5) ? percent(g) : { percent: percent(g), ...(g.chance(0.5) ? { gap: g.pick([1, 5, 0, -1, 4294967295, 4294967296, 1.5]) } : {}) };
        break;
      case 'limit':
        into.limit = g.pick([1, 1000, 10_000_000, 10_000_001, 1_000_000_000, 0, -1, 1.5, 2 ** 53]);
        break;
      default:
        into[k] = percent(g);
    }
  }
  return into;
}

function topoSpec(g: Gen): string {
  const kind = g.pick(TOPO_KINDS);
  const param = () =>
    g.chance(0.9) ? g.int(0, 6) : g.chance(0.5) ? g.pick([10, 30, 100, 200]) : g.pick([1000, 10_000, 100_000, 1_000_000, 1e9, '9'.repeat(40), -1, 1.5, '', 'x', '0x10']);
  const n = g.pick([0, 1, 1, 1, 2, 2, 3]);
  return [kind, ...Array.from({ length: n }, param)].join(',');
}

function endpoint(g: Gen, names: string[]): string {
  const node = g.chance(0.9) && names.length ? g.pick(names) : g.pick([...ODD_STRINGS, ...NODE_NAMES]);
  if (g.chance(0.7)) return node;
  const ifname = g.chance(0.7) ? `eth${g.int(0, 12)}` : g.pick(['lo', 'br0', 'a'.repeat(15), 'b'.repeat(16), 'x.y', '0eth', 'e-1_2.3', 'dev', ...ODD_STRINGS]);
  return `${node}:${ifname}`;
}

/** A document that looks like a topology: mostly valid keys and shapes, with random values in them. */
function plausibleDocument(g: Gen): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: g.chance(0.8) ? g.pick(['lab', 'a', 'x1', 'my-lab', 'abcdefghijkl', '0lab']) : g.pick(ODD_STRINGS) };
  if (g.chance(0.25)) doc.topo = topoSpec(g);
  if (g.chance(0.2)) doc.routing = g.pick(['auto', 'none', 'ospf', true]);
  if (g.chance(0.3))
    doc.addressing = {
      ...(g.chance(0.7) ? { ipv4: g.chance(0.15) ? false : g.chance(0.7) ? v4(g) : plain(g) } : {}),
      ...(g.chance(0.7) ? { ipv6: g.chance(0.15) ? false : g.chance(0.7) ? v6(g) : plain(g) } : {}),
    };
  if (g.chance(0.2)) doc.defaults = { link: impairment(g, g.chance(0.3) ? { mtu: g.pick([68, 1500, 9000, 67, 65536]) } : {}) };
  const names = Array.from(new Set(Array.from({ length: g.int(0, 8) }, () => (g.chance(0.9) ? g.pick(NODE_NAMES) : g.pick(ODD_STRINGS)))));
  if (names.length || g.chance(0.5)) {
    const nodes: Record<string, unknown> = {};
    for (const n of names) {
      if (g.chance(0.3)) {
        nodes[n] = null;
        continue;
      }
      const node: Record<string, unknown> = {};
      if (g.chance(0.7)) node.kind = g.chance(0.95) ? g.pick(KINDS) : g.pick(ODD_STRINGS);
      if (g.chance(0.15))
        node.routes = Array.from({ length: g.int(0, 3) }, () => ({
          to: g.chance(0.3) ? 'default' : anyAddress(g),
          ...(g.chance(0.7) ? { via: g.chance(0.8) ? anyAddress(g).split('/')[0] : g.pick(ODD_STRINGS) } : {}),
          ...(g.chance(0.4) ? { dev: g.chance(0.7) ? `eth${g.int(0, 3)}` : g.pick(ODD_STRINGS) } : {}),
        }));
      if (g.chance(0.15)) node.gateway = g.chance(0.6) ? anyAddress(g).split('/')[0] : { ipv4: v4(g).split('/')[0], ipv6: v6(g).split('/')[0] };
      if (g.chance(0.1)) node.sysctls = { [g.pick(['net.ipv4.ip_forward', 'net.core.x', 'kernel.panic', 'net.', '__proto__'])]: g.pick([1, '0', true, null]) };
      if (g.chance(0.1)) node.env = { [g.pick(['A', '_x', '1A', '__proto__', 'PATH', 'A B'])]: g.pick(['v', 1, false, null, [1]]) };
      if (g.chance(0.1)) node.exec = Array.from({ length: g.chance(0.05) ? 101 : g.int(0, 3) }, () => (g.chance(0.5) ? g.pick(ODD_STRINGS) : [g.pick(ODD_STRINGS), g.pick(ODD_STRINGS)]));
      if (g.chance(0.05)) node.start = [g.pick(ODD_STRINGS)];
      if (g.chance(0.1)) node.stp = g.pick([true, false, 'yes']);
      nodes[n] = node;
    }
    doc.nodes = nodes;
  }
  const nLinks = g.int(0, 10);
  if (nLinks || g.chance(0.3)) {
    const links: unknown[] = [];
    for (let i = 0; i < nLinks; i++) {
      if (g.chance(0.5)) {
        links.push([endpoint(g, names), endpoint(g, names)]);
        continue;
      }
      const l: Record<string, unknown> = { endpoints: [endpoint(g, names), endpoint(g, names)] };
      if (g.chance(0.3)) l.ipv4 = [g.chance(0.8) ? v4(g) : null, g.chance(0.8) ? v4(g) : null];
      if (g.chance(0.3)) l.ipv6 = [g.chance(0.8) ? v6(g) : null, g.chance(0.8) ? v6(g) : null];
      if (g.chance(0.1)) l.mtu = g.pick([68, 1500, 9000, 67, 65536, 1500.5]);
      impairment(g, l);
      if (g.chance(0.2)) l.from = { [g.chance(0.8) && names.length ? g.pick(names) : g.pick(ODD_STRINGS)]: impairment(g) };
      links.push(l);
    }
    doc.links = links;
  }
  return doc;
}

// --- structural mutations ----------------------------------------------------------------------------------
type Json = unknown;

function randomValue(g: Gen, depth = 0): Json {
  const k = g.int(0, depth > 3 ? 5 : 8);
  switch (k) {
    case 0:
      return g.pick(ODD_STRINGS);
    case 1:
      return oddNumber(g);
    case 2:
      return null;
    case 3:
      return g.chance(0.5);
    case 4:
      return anyAddress(g);
    case 5:
      return topoSpec(g);
    case 6:
      return Array.from({ length: g.int(0, 3) }, () => randomValue(g, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: g.int(0, 3) }, () => [g.pick([...ODD_STRINGS, ...NODE_NAMES, ...IMPAIR_KEYS]), randomValue(g, depth + 1)]));
    default:
      return impairment(g);
  }
}

/** Swap a value for one of another type: string ↔ number ↔ list ↔ map ↔ null. */
function swapType(g: Gen, v: Json): Json {
  const choices: (() => Json)[] = [
    () => (typeof v === 'string' ? Number(v) || g.int(-5, 5) : String(JSON.stringify(v) ?? 'x')),
    () => [v],
    () => ({ v }),
    () => null,
    () => (Array.isArray(v) ? Object.fromEntries(v.map((x, i) => [String(i), x])) : v && typeof v === 'object' ? Object.values(v) : v),
    () => g.chance(0.5),
    () => (typeof v === 'number' ? String(v) : oddNumber(g)),
  ];
  return g.pick(choices)();
}

function deepNest(g: Gen, v: Json): Json {
  let out = v;
  // Block-style YAML of depth d is O(d²) text (2,000 levels: 2 MB), so the deepest are rare.
  const depth = g.chance(0.95) ? g.pick([10, 50, 100]) : g.pick([500, 2000]);
  for (let i = 0; i < depth; i++) out = g.chance(0.5) ? [out] : { k: out };
  return out;
}

/** All (container, key) places in a value, for picking one to mutate. */
function places(v: Json, out: [Record<string | number, Json>, string | number][] = [], depth = 0): typeof out {
  if (depth > 12 || !v || typeof v !== 'object') return out;
  for (const k of Object.keys(v)) {
    const key = Array.isArray(v) ? Number(k) : k;
    out.push([v as Record<string | number, Json>, key]);
    places((v as Record<string, Json>)[k], out, depth + 1);
  }
  return out;
}

function mutateValue(g: Gen, doc: Json): Json {
  const spots = places(doc);
  if (!spots.length || g.chance(0.03)) return g.chance(0.5) ? randomValue(g) : swapType(g, doc);
  const [obj, key] = g.pick(spots);
  const op = g.int(0, 11);
  switch (op) {
    case 0:
      if (Array.isArray(obj)) obj.splice(key as number, 1);
      else delete obj[key];
      break;
    case 1:
    case 2:
      obj[key] = swapType(g, obj[key]);
      break;
    case 3:
    case 4:
      obj[key] = g.pick(ODD_STRINGS);
      break;
    case 5:
      obj[key] = anyAddress(g);
      break;
    case 6:
      obj[key] = randomValue(g);
      break;
    case 7:
      if (!Array.isArray(obj)) obj[g.pick([...ODD_STRINGS, ...IMPAIR_KEYS, 'kind', 'nodes', 'links', 'topo', 'ipv4', 'from'])] = randomValue(g);
      else obj.push(randomValue(g));
      break;
    case 8:
      obj[key] = deepNest(g, obj[key]);
      break;
    case 9:
      obj[key] = impairment(g);
      break;
    case 10:
      obj[key] = topoSpec(g);
      break;
    default:
      obj[key] = oddNumber(g);
  }
  return doc;
}

// --- text mutations ------------------------------------------------------------------------------------------
const INSERTS = [
  ':', '-', '- ', '[', ']', '{', '}', ',', '&', '*', '!', '!!', '%', '@', '`', '|', '>', '#', '?', '"', "'", '\n', ' ',
  '\t', '\u0000', '\ufeff', '\r', '\u2028', '---\n', '...\n', '&a ', '*a', '*nope', '<<: ', '!!binary ', '!!int ', '%YAML 1.1\n',
];

function textMutate(g: Gen, text: string): string {
  const rounds = g.int(1, 3);
  for (let r = 0; r < rounds; r++) {
    const pos = g.int(0, text.length);
    switch (g.int(0, 9)) {
      case 0: // flip a byte
        if (text.length) text = text.slice(0, pos) + String.fromCharCode(text.charCodeAt(Math.min(pos, text.length - 1)) ^ (1 << g.int(0, 7))) + text.slice(pos + 1);
        break;
      case 1: // truncate
        text = text.slice(0, pos);
        break;
      case 2:
      case 3: // insert YAML punctuation
        text = text.slice(0, pos) + g.pick(INSERTS) + text.slice(pos);
        break;
      case 4: {
        // duplicate a line: repeated keys
        const lines = text.split('\n');
        const i = g.int(0, Math.max(0, lines.length - 1));
        lines.splice(i, 0, lines[i] ?? '');
        text = lines.join('\n');
        break;
      }
      case 5: {
        // an anchor on one value and aliases elsewhere
        const lines = text.split('\n');
        const i = g.int(0, Math.max(0, lines.length - 1));
        const j = g.int(0, Math.max(0, lines.length - 1));
        lines[i] = (lines[i] ?? '').replace(/: (\S)/, ': &x $1');
        lines[j] = (lines[j] ?? '').replace(/: \S.*$/, ': *x');
        text = lines.join('\n');
        break;
      }
      case 6: {
        // a small billion-laughs block, or one referring to itself
        const depth = g.int(2, 9);
        const width = g.int(2, 9);
        let bomb = 'l0: &l0 [lol, lol]\n';
        for (let d = 1; d <= depth; d++) bomb += `l${d}: &l${d} [${Array(width).fill(`*l${d - 1}`).join(', ')}]\n`;
        if (g.chance(0.3)) bomb = 'c: &c [*c]\n';
        text = g.chance(0.5) ? bomb + text : text + '\n' + bomb;
        break;
      }
      case 7: {
        // deep flow nesting
        const d = g.chance(0.9) ? g.pick([50, 200]) : g.pick([1000, 3000]); // deep ones cost the parser ~0.5 s
        text = text.slice(0, pos) + '['.repeat(d) + ']'.repeat(g.chance(0.8) ? d : g.int(0, d)) + text.slice(pos);
        break;
      }
      case 8: // a complex (collection) key
        text += `\n? [${g.pick(NODE_NAMES)}, b]\n: {}\n`;
        break;
      default: // an odd string where a scalar was
        text = text.replace(/: [^\n]*/, `: ${JSON.stringify(g.pick(ODD_STRINGS))}`);
    }
  }
  return text;
}

// --- one case ------------------------------------------------------------------------------------------------
export interface Example {
  name: string;
  text: string;
  value: unknown;
}

export function makeCase(seed: number, examples: Example[]): string {
  const g = new Gen(mulberry32(seed));
  const mode = g.int(0, 9);
  if (mode <= 3) {
    // a shipped example, mutated as data
    const ex = g.pick(examples);
    let doc: Json = structuredClone(ex.value);
    const n = g.int(1, 4);
    for (let i = 0; i < n; i++) doc = mutateValue(g, doc);
    const text = serialise(g, doc, ex.text);
    return g.chance(0.2) ? textMutate(g, text) : text;
  }
  if (mode <= 5) {
    // a shipped example, mutated as text
    return textMutate(g, g.pick(examples).text);
  }
  // a random, structurally plausible document, sometimes mutated further
  let doc: Json = plausibleDocument(g);
  if (g.chance(0.5)) doc = mutateValue(g, doc);
  const text = serialise(g, doc, 'name: fallback\n');
  return g.chance(0.2) ? textMutate(g, text) : text;
}

/** YAML (block style) or JSON (which YAML reads too); the writers recurse, so a very deep value may not fit. */
function serialise(g: Gen, doc: Json, fallback: string): string {
  const json = g.chance(0.2);
  try {
    return json ? JSON.stringify(doc) ?? 'null' : stringify(doc, { aliasDuplicateObjects: false });
  } catch {
    try {
      return JSON.stringify(doc) ?? 'null';
    } catch {
      return fallback;
    }
  }
}

/** Returns why the outcome is wrong, or undefined when it is fine. */
export function checkCase(text: string, file: string): string | undefined {
  let topo;
  try {
    topo = loadTopologyText(text, file);
  } catch (e) {
    if (!(e instanceof NslabError)) return `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack ?? String(e)}`;
    if (e.exitCode !== 2) return `NslabError ${e.code} with exitCode ${e.exitCode}`;
    if (!e.problems.length) return `NslabError ${e.code} without problems: ${e.message}`;
    const located = e.problems.some((p) => p.location && p.location.file === file && p.location.line >= 1 && p.location.col >= 1);
    if (!located) return `NslabError ${e.code}: no problem has a location: ${JSON.stringify(e.problems).slice(0, 500)}`;
    return undefined;
  }
  const bad: string[] = [];
  const addrs = new Map<string, string>();
  // Addresses are unique within an address space: the main table's, or a VRF's (segments that a VRF's interface is on).
  const space = new Map<number, string>();
  for (const node of topo.nodes) for (const i of node.interfaces) if (i.vrf) space.set(i.segment, i.vrf);
  for (const node of topo.nodes) {
    if (!NODE_KINDS.includes(node.kind)) bad.push(`node ${node.name} has kind ${node.kind}`);
    if (node.netns !== netnsName(topo.name, node.name)) bad.push(`node ${node.name} has namespace ${node.netns}`);
    for (const i of node.interfaces) {
      if (i.name.length > 15 || !/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(i.name)) bad.push(`interface name ${JSON.stringify(i.name)} on ${node.name}`);
      const seg = topo.segments[i.segment];
      // Segment -1: a bond's member, or a trunk's parent without a native VLAN; neither carries an address.
      if (i.segment === -1 && !(i.ipv4.length + i.ipv6.length) && (i.bondOf || node.interfaces.some((x) => x.vlan?.parent === i.name))) continue;
      if (!seg) bad.push(`${node.name}:${i.name} is on segment ${i.segment}, which does not exist`);
      for (const [fam, list] of [[4, i.ipv4], [6, i.ipv6]] as const) {
        for (const c of list) {
          const k = `${space.get(i.segment) ?? ''}|${fam}|${c.address}`;
          const other = addrs.get(k);
          if (other) bad.push(`${node.name}:${i.name} and ${other} share an address`);
          addrs.set(k, `${node.name}:${i.name}`);
          const net = fam === 4 ? seg?.ipv4 : seg?.ipv6;
          if (!net || !contains(net, fam, c.address) || net.prefixLen !== c.prefixLen)
            bad.push(`${node.name}:${i.name} address (IPv${fam}) is not inside its segment's subnet`);
        }
      }
    }
  }
  return bad.length ? `loaded, but: ${bad.slice(0, 5).join('; ')}` : undefined;
}

export function loadExamples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(new URL(f, EXAMPLES_DIR), 'utf8');
      // The examples are valid by construction; their data is the starting point for mutations.
      return { name: f, text, value: parse(text) as unknown };
    });
}

// --- worker: run cases, beat the heart, report failures -------------------------------------------------------
interface Job {
  master: number;
  from: number;
  to: number;
  replay?: number;
  heart: SharedArrayBuffer;
}
export interface Failure {
  seed: number;
  index: number;
  why: string;
  ms: number;
  text: string;
}

async function workerMain(job: Job): Promise<void> {
  // yaml warns (process.emitWarning) about collection keys; the fuzzer makes many on purpose.
  process.removeAllListeners('warning');
  const heart = new Int32Array(job.heart);
  const examples = loadExamples();
  checkCase('name: warm\nnodes: {h1: }\n', 'warm.yaml'); // load modules and compile the schema first
  const seeds = job.replay !== undefined ? [[0, job.replay]] : Array.from({ length: job.to - job.from }, (_, k) => [job.from + k, caseSeed(job.master, job.from + k)]);
  Atomics.store(heart, 2, ownTid());
  for (const [index, seed] of seeds) {
    Atomics.store(heart, 0, index);
    Atomics.store(heart, 1, 1); // running
    const text = makeCase(seed, examples);
    const t0 = threadCpuMs();
    let why: string | undefined;
    try {
      why = checkCase(text, `fuzz-${seed}.yaml`);
    } catch (e) {
      why = `checker failed: ${(e as Error)?.stack ?? String(e)}`;
    }
    const ms = threadCpuMs() - t0;
    Atomics.store(heart, 1, 0);
    if (!why && ms > HANG_MS) why = `took ${Math.round(ms)} ms of CPU (limit ${HANG_MS} ms per document)`;
    if (why) parentPort!.postMessage({ type: 'failure', failure: { seed, index, why, ms, text: text.slice(0, 2000) } satisfies Failure });
    parentPort!.postMessage({ type: 'progress', index, ms, seed });
  }
  parentPort!.postMessage({ type: 'done' });
}

if (!isMainThread && (workerData as { fuzz?: Job })?.fuzz) {
  await workerMain((workerData as { fuzz: Job }).fuzz);
} else if (isMainThread) {
  const { default: t } = await import('tap');
  const cases = Number(process.env.NSLAB_FUZZ_CASES ?? 10000);
  const master = Number(process.env.NSLAB_FUZZ_SEED ?? 0x6e736c61);
  const replay = process.env.NSLAB_FUZZ_REPLAY === undefined ? undefined : Number(process.env.NSLAB_FUZZ_REPLAY);

  const slowest: { index: number; seed: number; ms: number }[] = [];

  /** Run cases [from, to) in a worker; a case that runs past HANG_MS is a failure and the run restarts after it. */
  function runRange(from: number, to: number, failures: Failure[]): Promise<number> {
    return new Promise((resolve) => {
      const heart = new SharedArrayBuffer(12);
      const beat = new Int32Array(heart);
      Atomics.store(beat, 0, from - 1);
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { fuzz: { master, from, to, replay, heart } satisfies Job },
        execArgv: process.execArgv,
        // The default stack, as the CLI has: a deep document must not overflow it.
        resourceLimits: { maxOldGenerationSizeMb: 1024, stackSizeMb: 1 },
      });
      let done = false;
      let last = { index: -1, since: performance.now(), cpu: 0 };
      const finish = (next: number) => {
        if (done) return;
        done = true;
        clearInterval(watch);
        void worker.terminate();
        resolve(next);
      };
      const watch = setInterval(() => {
        const index = Atomics.load(beat, 0);
        const running = Atomics.load(beat, 1) === 1;
        const tid = Atomics.load(beat, 2);
        const cpu = tid ? threadCpuMs(tid) : 0;
        if (index !== last.index || !running) last = { index, since: performance.now(), cpu };
        else if ((tid && cpu - last.cpu > HANG_MS * 2) || performance.now() - last.since > STALL_WALL_MS) {
          // *2: the worker's own timing reports a slow case; this catches a case that never returns (by the worker
          // thread's CPU time, so a worker starved on a busy machine is not a hang).
          const seed = replay ?? caseSeed(master, index);
          failures.push({ seed, index, why: `hang: no answer after ${Math.round(cpu - last.cpu)} ms of CPU (${Math.round(performance.now() - last.since)} ms wall)`, ms: HANG_MS * 2, text: makeCase(seed, loadExamples()).slice(0, 2000) });
          finish(index + 1);
        }
      }, 100);
      worker.on('message', (m: { type: string; failure?: Failure; index?: number; ms?: number; seed?: number }) => {
        if (m.type === 'failure') failures.push(m.failure!);
        if (m.type === 'progress') {
          slowest.push({ index: m.index!, seed: m.seed!, ms: m.ms! });
          if (slowest.length > 50) slowest.sort((a, b) => b.ms - a.ms).splice(5);
        }
        if (m.type === 'done') finish(to);
      });
      worker.on('error', (e) => {
        const index = Atomics.load(beat, 0);
        const seed = replay ?? caseSeed(master, index);
        failures.push({ seed, index, why: `worker died: ${e.stack ?? e}`, ms: 0, text: makeCase(seed, loadExamples()).slice(0, 2000) });
        finish(index + 1);
      });
      worker.on('exit', () => finish(Atomics.load(beat, 0) + 1));
    });
  }

  t.test(`fuzz the topology loader (${replay !== undefined ? `replay of case seed ${replay}` : `${cases} cases, master seed ${master}`})`, async (t) => {
    const t0 = performance.now();
    const failures: Failure[] = [];
    const end = replay !== undefined ? 1 : cases;
    // One worker per core (two at most): the cases are independent and the loader is CPU-bound.
    const workers = Math.max(1, Math.min(Number(process.env.NSLAB_FUZZ_WORKERS ?? 2), availableParallelism(), end));
    const bounds = Array.from({ length: workers + 1 }, (_, w) => Math.round((end * w) / workers));
    await Promise.all(
      bounds.slice(0, -1).map(async (from, w) => {
        let next = from;
        while (next < bounds[w + 1]) next = await runRange(next, bounds[w + 1], failures);
      }),
    );
    failures.sort((a, b) => a.index - b.index);
    const secs = (performance.now() - t0) / 1000;
    t.comment(`${end} cases in ${secs.toFixed(1)} s; slowest: ${slowest.sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => `seed ${s.seed} ${Math.round(s.ms)} ms`).join(', ')}`);
    for (const f of failures.slice(0, 20))
      t.fail(`case ${f.index}, seed ${f.seed}: ${f.why.split('\n').slice(0, 6).join('\n')}`, {
        replay: `NSLAB_FUZZ_REPLAY=${f.seed} npx tap test/unit/fuzz-topology.test.ts`,
        document: f.text,
      });
    if (failures.length > 20) t.fail(`${failures.length - 20} more failing cases`);
    t.equal(failures.length, 0, 'every document loads with its invariants or is refused with located problems');
  });
}
