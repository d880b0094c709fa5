// Scenario files: YAML with positions → schema → topology (a path relative to the scenario, or inline) →
// semantic checks (nodes, links, metrics that fit the step, expectations that parse, stop targets) — every
// problem at once, located, like topology files.

import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath, basename } from 'node:path';
import { NslabError, parseDurationMs, type LocateFn, type Problem, type RawImpairment, type ResolvedTopology } from '../model/index.js';
import { findLink, loadTopology, parseYamlDocument, resolveRawTopology, validateAgainstSchema, type ParsedYaml } from '../topology/index.js';
import { refineSchemaProblems } from '../topology/checks.js';
import { parseImpairment } from '../topology/impair.js';
import { salvage, type SalvagePolicy } from '../topology/salvage.js';
import { loadSchema } from '../topology/schema.js';
import { formatDocPath } from '../topology/yaml.js';
import { METRICS, parseMetricCheck, parseQueryChecks } from './checks.js';
import { IPERF3_DEFAULTS, PING_DEFAULTS } from './measure.js';
import type { LabRef, MetricCheck, Scenario, Step, StepSpec } from './model.js';

export { METRICS, METRIC_UNITS } from './checks.js';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

interface RawStep {
  name?: string;
  at?: string;
  timeout?: string;
  expect?: Record<string, unknown> | 'reachable' | 'unreachable';
  ping?: { from: string; to: string; count?: number; interval?: string; family?: 4 | 6; size?: number };
  iperf3?: { client: string; server: string; duration?: number; protocol?: 'tcp' | 'udp'; bitrate?: string; parallel?: number; reverse?: boolean; omit?: number; family?: 4 | 6; port?: number };
  exec?: { node: string; cmd: string | string[] };
  reach?: { from: 'all' | string[]; to: 'all' | string[]; family?: 4 | 6 };
  link?: { link: string; state: 'up' | 'down' | 'blackhole' };
  route?: { node: string; to: string; family?: 4 | 6 };
  converge?: { timeout?: string; settle?: string };
  vtysh?: { node: string; cmd: string };
  flows?: { switch: string; match?: string; table?: number };
  ofctl?: { switch: string; cmd: string };
  impair?: { link: string; direction?: string; clear?: boolean } & RawImpairment;
  sleep?: string;
  background?: { node: string; cmd: string | string[] };
  stop?: string;
  capture?: { node: string; interface?: string; filter?: string; count?: number };
  parallel?: RawStep[];
}

const cmdText = (c: string | string[]) => (typeof c === 'string' ? c : c.join(' '));

function defaultName(s: StepSpec): string {
  switch (s.kind) {
    case 'ping':
      return `ping ${s.from} → ${s.to}`;
    case 'iperf3':
      // The arrow follows the data: with reverse (iperf3 -R) the server sends and the client receives.
      return s.reverse ? `iperf3 ${s.server} → ${s.client} (${s.protocol} ${s.durationS}s, reverse: server sends)` : `iperf3 ${s.client} → ${s.server} (${s.protocol} ${s.durationS}s)`;
    case 'exec':
      return `exec ${s.node}: ${cmdText(s.cmd)}`.slice(0, 80);
    case 'reach':
      return `reach ${s.from.length > 3 ? `${s.from.length} nodes` : s.from.join(',')} → ${s.to.length > 3 ? `${s.to.length} nodes` : s.to.join(',')}`;
    case 'link':
      return `link ${s.link} ${s.state}`;
    case 'impair':
      return `impair ${s.link} ${s.clear ? 'clear' : Object.entries(s.change).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')}`;
    case 'sleep':
      return `sleep ${s.ms / 1000}s`;
    case 'background':
      return `background ${s.node}: ${cmdText(s.cmd)}`.slice(0, 80);
    case 'stop':
      return `stop ${s.target}`;
    case 'capture':
      return `capture ${s.node}${s.iface ? `:${s.iface}` : ''}`;
    case 'parallel':
      return `parallel (${s.steps.length} steps)`;
    case 'route':
      return `route ${s.node} → ${s.to}`;
    case 'converge':
      return 'converge';
    case 'vtysh':
      return `vtysh ${s.node}: ${s.cmd}`.slice(0, 80);
    case 'flows':
      return `flows ${s.switch}${s.table !== undefined ? ` table ${s.table}` : ''}${s.match ? ` ${s.match}` : ''}`.slice(0, 80);
    case 'ofctl':
      return `ofctl ${s.switch}: ${s.cmd}`.slice(0, 80);
  }
}

/** A scenario has steps: (and topology:), which no topology file has: how `validate` tells the two apart. */
export function isScenarioDocument(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && ('steps' in value || 'topology' in value);
}

/** A step's kind keys (ping, iperf3, …), read from the scenario schema so that a new step kind needs no edit here. */
const STEP_OPTIONS = new Set(['name', 'at', 'timeout', 'expect']);
const stepKinds = (): Set<string> =>
  new Set(Object.keys((loadSchema('scenario').schema as { definitions: { step: { properties: object } } }).definitions.step.properties).filter((k) => !STEP_OPTIONS.has(k)));

/** What the semantic checks do without when the schema refuses part of a scenario (see topology/salvage.ts): a
 * step whose kind is broken goes as a whole, anything deeper (an option, an expectation) goes alone. */
const scenarioPolicy: SalvagePolicy = (p) => {
  if (p.length === 0 || p[0] === 'topology' || (p[0] === 'steps' && p.length === 1)) return 'abort';
  if (p[0] !== 'steps') return { delete: p };
  let step = 2; // steps[i], then parallel[j] inside it, as deep as it goes
  while (p[step] === 'parallel' && typeof p[step + 1] === 'number') step += 2;
  const rest = p.slice(step);
  return rest.length === 0 || (rest.length === 1 && stepKinds().has(String(rest[0]))) ? { delete: p.slice(0, step) } : { delete: p };
};

function invalidScenario(file: string, problems: Problem[]): NslabError {
  return new NslabError('E_INVALID_SCENARIO', `${file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}`, { problems });
}

export function loadScenarioText(text: string, file: string): Scenario {
  return loadScenarioDocument(parseYamlDocument(text, file), file);
}

/**
 * Every problem at once: the scenario's schema problems, its topology's problems, and the semantic problems of the
 * steps that passed the schema. Only the topology's problems: its own error, unchanged.
 */
export function loadScenarioDocument(doc: ParsedYaml, file: string): Scenario {
  const schemaProblems = refineSchemaProblems(validateAgainstSchema('scenario', doc.value, doc.locate), doc.value);
  const salvaged = schemaProblems.length ? salvage('scenario', doc.value, schemaProblems, doc.locate, scenarioPolicy) : { value: doc.value, locate: doc.locate, remap: (p: Problem[]) => p };
  if (!salvaged) throw invalidScenario(file, schemaProblems);
  const locate = salvaged.locate;
  const raw = salvaged.value as { name?: string; topology: string | object; timeout?: string; steps: RawStep[] };
  const problems: Problem[] = [];
  const add = (path: (string | number)[], code: string, message: string, hint?: string) =>
    problems.push({ code, message, path: formatDocPath(path), location: locate(path), hint });

  let topology: ResolvedTopology;
  let topologyError: NslabError | undefined;
  try {
    if (typeof raw.topology === 'string') {
      topology = loadTopology(resolvePath(dirname(file), raw.topology));
    } else {
      const inner: LocateFn = (p) => locate(['topology', ...p]);
      topology = resolveRawTopology(raw.topology, inner, `${file} (topology)`);
    }
  } catch (e) {
    if (!(e instanceof NslabError)) throw e;
    topologyError = e;
    // The steps are still checked (durations, expectations, impairments), but not against the lab's nodes and links.
    topology = { name: '?', routing: 'none', addressing: {}, nodes: [], links: [], segments: [], source: file };
  }
  const nodes = new Set(topology.nodes.map((n) => n.name));
  const addressable = new Set(topology.nodes.filter((n) => n.kind !== 'switch').map((n) => n.name));
  const named = new Set<string>();
  // What the steps refer to, located: `run --lab` checks a running lab against these instead of building one.
  const refs: LabRef[] = [];
  const ref = (kind: LabRef['kind'], name: string, path: (string | number)[]) => refs.push({ kind, name, path: formatDocPath(path), location: locate(path) });
  const dur = (text: string | undefined, path: (string | number)[]): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(text);
    if (ms === undefined) add(path, 'E_BAD_DURATION', `${JSON.stringify(text)} is not a duration`, 'write e.g. 500ms, 5s or 2m');
    return ms;
  };
  const node = (n: string, path: (string | number)[], needAddress = false) => {
    ref('node', n, path);
    if (topologyError) return;
    if (!nodes.has(n)) add(path, 'E_UNKNOWN_NODE', `'${n}' is not a node of lab '${topology.name}'`, `nodes: ${[...nodes].slice(0, 15).join(', ')}`);
    else if (needAddress && !addressable.has(n)) add(path, 'E_SWITCH_HAS_NO_ADDRESS', `'${n}' is a switch and has no address`, 'use a host or router');
  };
  const link = (spec: string, path: (string | number)[]) => {
    ref('link', spec, path);
    if (topologyError) return;
    try {
      findLink(topology, spec);
    } catch (e) {
      if (e instanceof NslabError) add(path, e.code, e.message, e.hint);
      else throw e;
    }
  };

  const convert = (rs: RawStep, path: (string | number)[], id: string, inParallel: boolean): Step => {
    let spec: StepSpec;
    if (rs.ping) {
      const p = rs.ping;
      node(p.from, [...path, 'ping', 'from'], true);
      if (nodes.has(p.to)) node(p.to, [...path, 'ping', 'to'], true);
      else if (!/^[0-9a-fA-F:.]+$/.test(p.to)) ref('node', p.to, [...path, 'ping', 'to']);
      if (!nodes.has(p.to) && !topologyError && !/^[0-9a-fA-F:.]+$/.test(p.to)) add([...path, 'ping', 'to'], 'E_UNKNOWN_NODE', `'${p.to}' is neither a node nor an address`, `nodes: ${[...addressable].slice(0, 15).join(', ')}`);
      spec = { kind: 'ping', from: p.from, to: p.to, count: p.count ?? PING_DEFAULTS.count, intervalS: (dur(p.interval, [...path, 'ping', 'interval']) ?? PING_DEFAULTS.intervalS * 1000) / 1000, family: p.family, size: p.size };
    } else if (rs.iperf3) {
      const p = rs.iperf3;
      node(p.client, [...path, 'iperf3', 'client'], true);
      node(p.server, [...path, 'iperf3', 'server'], true);
      if (p.client === p.server) add([...path, 'iperf3'], 'E_SAME_NODE', 'client and server are the same node', 'measure between two nodes');
      spec = { kind: 'iperf3', client: p.client, server: p.server, durationS: p.duration ?? IPERF3_DEFAULTS.durationS, protocol: p.protocol ?? IPERF3_DEFAULTS.protocol, bitrate: p.bitrate, parallel: p.parallel, reverse: p.reverse, omitS: p.omit, family: p.family, port: p.port };
    } else if (rs.exec) {
      node(rs.exec.node, [...path, 'exec', 'node']);
      spec = { kind: 'exec', node: rs.exec.node, cmd: rs.exec.cmd };
    } else if (rs.reach) {
      const list = (v: 'all' | string[], key: 'from' | 'to') => {
        if (v === 'all') {
          const hosts = topology.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
          hosts.forEach((n) => ref('node', n, [...path, 'reach', key]));
          return hosts;
        }
        v.forEach((n, i) => node(n, [...path, 'reach', key, i], true));
        return v;
      };
      spec = { kind: 'reach', from: list(rs.reach.from, 'from'), to: list(rs.reach.to, 'to'), family: rs.reach.family };
    } else if (rs.link) {
      link(rs.link.link, [...path, 'link', 'link']);
      spec = { kind: 'link', link: rs.link.link, state: rs.link.state };
    } else if (rs.impair) {
      const { link: l, direction, clear, ...change } = rs.impair;
      link(l, [...path, 'impair', 'link']);
      // The same parse and bounds as a topology's links, at load time: a bad value fails here, located, not
      // half-way through the run.
      parseImpairment(change, [...path, 'impair'], add);
      spec = { kind: 'impair', link: l, change, direction, clear };
    } else if (rs.sleep !== undefined) {
      spec = { kind: 'sleep', ms: dur(rs.sleep, [...path, 'sleep']) ?? 0 };
    } else if (rs.background) {
      node(rs.background.node, [...path, 'background', 'node']);
      spec = { kind: 'background', node: rs.background.node, cmd: rs.background.cmd };
    } else if (rs.stop !== undefined) {
      if (!named.has(rs.stop)) add([...path, 'stop'], 'E_UNKNOWN_STEP', `no earlier background or capture step is named '${rs.stop}'`, 'give the background step a name: and stop that name');
      spec = { kind: 'stop', target: rs.stop };
    } else if (rs.capture) {
      node(rs.capture.node, [...path, 'capture', 'node']);
      spec = { kind: 'capture', node: rs.capture.node, iface: rs.capture.interface, filter: rs.capture.filter, count: rs.capture.count };
    } else if (rs.route) {
      node(rs.route.node, [...path, 'route', 'node'], true);
      const to = rs.route.to;
      if (!nodes.has(to) && !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(to))
        add([...path, 'route', 'to'], 'E_UNKNOWN_NODE', `'${to}' is neither a node, an address nor a prefix`, `nodes: ${[...addressable].slice(0, 15).join(', ')}`);
      else if (nodes.has(to)) node(to, [...path, 'route', 'to'], true);
      spec = { kind: 'route', node: rs.route.node, to, family: rs.route.family };
    } else if (rs.converge) {
      spec = { kind: 'converge', timeoutMs: dur(rs.converge.timeout, [...path, 'converge', 'timeout']) ?? 60_000, settleMs: dur(rs.converge.settle, [...path, 'converge', 'settle']) ?? 1_000 };
    } else if (rs.vtysh) {
      node(rs.vtysh.node, [...path, 'vtysh', 'node']);
      spec = { kind: 'vtysh', node: rs.vtysh.node, cmd: rs.vtysh.cmd };
    } else if (rs.flows || rs.ofctl) {
      const key = rs.flows ? 'flows' : 'ofctl';
      const sw = (rs.flows ?? rs.ofctl)!.switch;
      node(sw, [...path, key, 'switch']);
      if (!topologyError && nodes.has(sw) && !topology.nodes.find((n) => n.name === sw)?.openflow)
        add([...path, key, 'switch'], 'E_NOT_OPENFLOW', `'${sw}' is not an OpenFlow switch`, `OpenFlow switches of this lab: ${topology.nodes.filter((n) => n.openflow).map((n) => n.name).join(', ') || 'none (kind: ovs makes one)'}`);
      spec = rs.flows ? { kind: 'flows', switch: sw, match: rs.flows.match, table: rs.flows.table } : { kind: 'ofctl', switch: sw, cmd: rs.ofctl!.cmd };
    } else {
      const inner = (rs.parallel ?? []).map((s, i) => convert(s, [...path, 'parallel', i], `${id}.${i + 1}`, true));
      spec = { kind: 'parallel', steps: inner };
    }
    if ((spec.kind === 'background' || spec.kind === 'capture') && rs.name) named.add(rs.name);
    if (rs.at !== undefined && !inParallel) add([...path, 'at'], 'E_AT_OUTSIDE_PARALLEL', '`at` only applies inside a parallel group', 'wrap the steps that share a timeline in parallel: [...]');
    const checks: MetricCheck[] = [];
    let expectReachable: boolean | undefined;
    if (rs.expect !== undefined) {
      if (typeof rs.expect === 'string') {
        if (spec.kind !== 'reach') add([...path, 'expect'], 'E_EXPECT_KIND', `expect: ${rs.expect} is for reach steps`, 'use metric expectations here, e.g. expect: { loss: "== 0%" }');
        expectReachable = rs.expect === 'reachable';
      } else {
        const allowed = METRICS[spec.kind];
        for (const [metric, value] of Object.entries(rs.expect)) {
          const mpath = [...path, 'expect', metric];
          if (!allowed || !allowed.includes(metric)) {
            add(mpath, 'E_EXPECT_METRIC', `a ${spec.kind} step has no metric '${metric}'`, allowed ? `metrics of ${spec.kind}: ${allowed.join(', ')}` : `${spec.kind} steps take no expectations`);
            continue;
          }
          try {
            if (metric === 'query') checks.push(...parseQueryChecks(value as Record<string, string | number | boolean>));
            else checks.push(parseMetricCheck(metric, value));
          } catch (e) {
            if (e instanceof NslabError) add(mpath, e.code, e.message, e.hint);
            else throw e;
          }
        }
      }
    }
    if (spec.kind === 'reach' && expectReachable === undefined) expectReachable = true;
    return {
      id,
      name: rs.name ?? defaultName(spec),
      spec,
      atMs: dur(rs.at, [...path, 'at']),
      timeoutMs: dur(rs.timeout, [...path, 'timeout']),
      checks,
      expectReachable,
    };
  };
  const steps = raw.steps.map((s, i) => convert(s, ['steps', i], String(i + 1), false));
  const timeoutMs = raw.timeout ? (parseDurationMs(raw.timeout) ?? DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (topologyError && !schemaProblems.length && !problems.length) throw topologyError;
  const all = [...schemaProblems, ...(topologyError ? topologyProblems(topologyError, locate) : []), ...salvaged.remap(problems)];
  if (all.length) throw invalidScenario(file, all);
  return { name: raw.name ?? basename(file).replace(/\.ya?ml$/, ''), file, topology, timeoutMs, steps, refs };
}

/**
 * `run --lab`: the steps run on a lab that is already up, so its nodes and links, not the scenario's topology's,
 * must be the ones the steps name. Every one missing, located where the scenario names it; throws when any is.
 */
export function checkScenarioFitsLab(scenario: Scenario, lab: ResolvedTopology): void {
  const nodes = new Set(lab.nodes.map((n) => n.name));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const r of scenario.refs ?? []) {
    const key = `${r.kind} ${r.name} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = (code: string, message: string, hint?: string) => problems.push({ code, message, path: r.path, location: r.location, hint });
    if (r.kind === 'node') {
      if (!nodes.has(r.name)) problem('E_UNKNOWN_NODE', `lab '${lab.name}' has no node '${r.name}'`, `its nodes: ${[...nodes].slice(0, 15).join(', ')}`);
      continue;
    }
    try {
      findLink(lab, r.name);
    } catch (e) {
      if (!(e instanceof NslabError)) throw e;
      problem(e.code, e.message, e.hint);
    }
  }
  if (problems.length)
    throw new NslabError('E_LAB_MISMATCH', `${scenario.file}: lab '${lab.name}' lacks ${problems.length} node${problems.length > 1 ? 's or links' : ' or link'} the steps name`, {
      problems,
      hint: `run it against the lab its topology describes (${scenario.topology.name}), or fix the steps`,
    });
}

/** A topology's error as problems of the scenario that names it (a missing file becomes one, at topology:). */
function topologyProblems(e: NslabError, locate: LocateFn): Problem[] {
  if (e.problems.length) return e.problems;
  return [{ code: e.code, message: e.message, path: 'topology', location: locate(['topology']), hint: e.hint }];
}

function readText(file: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new NslabError('E_READ', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { hint });
  }
}

export function loadScenario(file: string): Scenario {
  return loadScenarioText(readText(file, 'scenarios/ holds the shipped examples'), file);
}

/** A scenario (with its topology) or a topology file, told apart by content (isScenarioDocument): for `validate`. */
export function loadScenarioOrTopology(file: string): { kind: 'scenario'; scenario: Scenario } | { kind: 'topology'; topology: ResolvedTopology } {
  const doc = parseYamlDocument(readText(file, 'check the path; topologies/ and scenarios/ hold the shipped examples'), file);
  return isScenarioDocument(doc.value)
    ? { kind: 'scenario', scenario: loadScenarioDocument(doc, file) }
    : { kind: 'topology', topology: resolveRawTopology(doc.value, doc.locate, file) };
}
