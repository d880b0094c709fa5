// The scenario runner: build the lab, run the steps (in order, or on a timeline inside parallel groups), check
// expectations, and tear the lab down whatever happens — pass, fail, error, timeout or signal. Reporters observe
// through hooks; the outcome is decided here, from the checks.

import { mkdirSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { Lab, waitConverged, type LabDeps } from '../api/index.js';
import { NslabError, formatAddress, humanDuration, parseAddress } from '../model/index.js';
import type { ManagedProcess } from '../sys/index.js';
import { evaluateChecks, type MetricValue } from './checks.js';
import { checkScenarioFitsLab } from './load.js';
import { measureIperf3, measurePing, stopProcess, targetAddress } from './measure.js';
import { parseDumpFlows, selectRoute } from './parse/index.js';
import { ofctlArgs } from '../features/openflow/index.js';
import type { CheckOutcome, Scenario, ScenarioResult, Step, StepResult } from './model.js';
import { compareWithModel, predictedGoodput, predictedRttMs, type ModelComparison } from '../health/index.js';
import { judge, percentile, shapedInterfaces, startSampler, windowRounds, type Sampler, type SamplerData, type SamplerOptions, type StepHealth } from '../health/index.js';
import { findLink } from '../topology/index.js';

export interface RunHooks {
  /** `onLab`: the running lab the steps will use (run --lab), when none is built. */
  onSetup?(scenario: Scenario, onLab?: string): void;
  onLabUp?(lab: Lab, setupMs: number): void;
  onStepStart?(step: Step): void;
  onStepEnd?(result: StepResult): void;
  onTeardown?(result: ScenarioResult): void;
}

export interface RunScenarioOptions extends LabDeps {
  keep?: boolean;
  /**
   * Run the steps on this lab, already up (`nslab run --lab`), instead of building the scenario's topology: the lab
   * is neither built nor torn down, and must have the nodes and links the steps name (checkScenarioFitsLab).
   */
  lab?: string;
  /** Where captures (pcaps) are written. */
  artifactDir?: string;
  signal?: AbortSignal;
  hooks?: RunHooks;
  /** Sample the machine and give every step a health verdict (default true); options for the sampler. */
  health?: boolean | SamplerOptions;
}

interface Ctx {
  lab: Lab;
  scenario: Scenario;
  t0: number;
  background: Map<string, { proc: ManagedProcess; artifact?: string }>;
  events: { atMs: number; what: string }[];
  artifactDir: string;
  nextPort: number;
  aborted: () => boolean;
  sampler?: Sampler;
  /** Links the scenario impairs later: the sampler watches them from the start. */
  impairedLater: number[];
}

/** The health of [startPerf, endPerf] (performance.now() times): asks for a round now, then judges the window. */
async function healthOf(ctx: Ctx, startPerf: number, endPerf: number): Promise<StepHealth | undefined> {
  const s = ctx.sampler;
  if (!s) return undefined;
  await s.mark(`e${endPerf.toFixed(3)}`);
  const data = s.snapshot();
  if (data.failure && !data.rounds.length) return { verdict: 'unmeasured', reasons: [data.failure], figures: { windowMs: 0, cores: 0, timerProbes: 0 }, queues: [] };
  return judge(windowRounds(data.rounds, s.toSamplerMs(startPerf), s.toSamplerMs(endPerf)), shapedInterfaces(ctx.lab.topology, ctx.impairedLater));
}

/** A step's result with its health: failed checks while at risk become "failed, at risk"; a pass stays a pass. */
function withHealth(r: StepResult, h: StepHealth | undefined): StepResult {
  if (!h) return r;
  const atRisk = h.verdict === 'at risk';
  return {
    ...r,
    health: h,
    ...(atRisk && r.status === 'fail' ? { atRisk: true, checks: r.checks.map((c) => (c.ok ? c : { ...c, atRisk: true })) } : {}),
  };
}

/** Per sampler round: timer lateness p95 and CPU busy since the previous round, on the steps' clock. */
function healthSeries(data: SamplerData, toPerfMs: (samplerMs: number) => number, t0: number): ScenarioResult['healthSeries'] {
  const out: NonNullable<ScenarioResult['healthSeries']> = [];
  for (let i = 1; i < data.rounds.length; i++) {
    const [a, b] = [data.rounds[i - 1], data.rounds[i]];
    const late = [...b.timerLateUs].sort((x, y) => x - y);
    const ca = a.cpus.cpu;
    const cb = b.cpus.cpu;
    let busy: number | null = null;
    if (ca && cb) {
      const tot = (c: typeof ca) => c.user + c.nice + c.system + c.irq + c.softirq + c.steal + c.idle + c.iowait;
      const dt = tot(cb) - tot(ca);
      busy = dt > 0 ? Math.round((1000 * (dt - (cb.idle - ca.idle) - (cb.iowait - ca.iowait))) / dt) / 10 : null;
    }
    out.push({ atMs: Math.round((toPerfMs(b.atMs) - t0) * 10) / 10, timerLateP95Ms: late.length ? Math.max(0, percentile(late, 95)) / 1000 : null, cpuBusyPct: busy });
  }
  return out;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res) => {
    if (ms <= 0 || signal?.aborted) return res();
    const t = setTimeout(res, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
  });

function argvOf(cmd: string | string[]): string[] {
  return typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd;
}

/** A node's first address of the family (v4 first by default), or the text itself (an address or a prefix). */
function nodeOrAddress(ctx: Ctx, to: string, family?: 4 | 6): string {
  return ctx.lab.topology.nodes.some((n) => n.name === to) ? targetAddress(ctx.lab, to, family) : to;
}

function normalise(address: string): string {
  const a = parseAddress(address);
  return a ? formatAddress(a.family, a.address) : address;
}

/** The node that holds an address, if it is one of the lab's. */
function ownerOf(ctx: Ctx, address: string): string | undefined {
  const a = parseAddress(address);
  if (!a) return undefined;
  return ctx.lab.topology.nodes.find((n) => n.interfaces.some((i) => [...i.ipv4, ...i.ipv6].some((c) => c.family === a.family && c.address === a.address)))?.name;
}

const fmtMs = (ms: MetricValue): string => (typeof ms !== 'number' ? 'n/a' : humanDuration(ms));

async function runStep(step: Step, ctx: Ctx): Promise<StepResult[]> {
  const startPerf = performance.now();
  void ctx.sampler?.mark(`s${startPerf.toFixed(3)}`);
  const [r, ...rest] = await runStepBody(step, ctx);
  const h = await healthOf(ctx, startPerf, performance.now());
  const model = h && r.status !== 'error' ? modelOf(step, r, ctx) : [];
  return [withHealth(r, h && model.length ? { ...h, model } : h), ...rest];
}

/** iperf3's -b: a number with an optional k/M/G (powers of ten), as iperf3 reads it. */
function iperfBitrate(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text ?? '');
  return m ? Number(m[1]) * ({ '': 1, k: 1e3, m: 1e6, g: 1e9 } as Record<string, number>)[m[2].toLowerCase()] : undefined;
}

/** The link model beside the step's figures; none when the path or the model is ambiguous (see health/model.ts). */
function modelOf(step: Step, r: StepResult, ctx: Ctx): ModelComparison[] {
  const t = ctx.lab.topology;
  const s = step.spec;
  const node = (to: string) => (t.nodes.some((n) => n.name === to) ? to : ownerOf(ctx, to));
  let c: ModelComparison | undefined;
  if (s.kind === 'ping') {
    const to = node(s.to);
    if (to) c = compareWithModel('rtt_p50', predictedRttMs(t, s.from, to), r.metrics.rtt_p50);
  } else if (s.kind === 'iperf3') {
    const [from, to] = s.reverse ? [s.server, s.client] : [s.client, s.server];
    c = compareWithModel('throughput', predictedGoodput(t, from, to, s.protocol, s.protocol === 'udp' ? (iperfBitrate(s.bitrate ?? '1M') ?? undefined) : iperfBitrate(s.bitrate)), r.metrics.throughput);
  }
  return c ? [c] : [];
}

async function runStepBody(step: Step, ctx: Ctx): Promise<StepResult[]> {
  const startMs = performance.now() - ctx.t0;
  const base = { id: step.id, name: step.name, kind: step.spec.kind, startMs };
  const metrics: Record<string, MetricValue> = {};
  const counts: Record<string, { sent: number; lost: number }> = {};
  const text: Record<string, string> = {};
  let series: StepResult['series'];
  const artifacts: string[] = [];
  let extraChecks: CheckOutcome[] = [];
  let children: StepResult[] = [];
  let message: string | undefined;
  let json: unknown;
  const lab = ctx.lab;
  const s = step.spec;
  try {
    switch (s.kind) {
      case 'ping': {
        const m = await measurePing(lab, s, { timeoutMs: step.timeoutMs, startMs });
        Object.assign(metrics, m.metrics);
        Object.assign(counts, m.counts);
        series = m.series;
        message = m.message;
        break;
      }
      case 'iperf3': {
        const m = await measureIperf3(lab, s, { port: ctx.nextPort++, timeoutMs: step.timeoutMs });
        Object.assign(metrics, m.metrics);
        Object.assign(counts, m.counts);
        series = m.series;
        break;
      }
      case 'exec': {
        // CPU time of the node's cgroup around the command (features/cgroup): null for a node without one.
        const cpu0 = lab.cpuTimeMs(s.node);
        const r = await lab.exec(s.node, argvOf(s.cmd), { timeoutMs: step.timeoutMs ?? 60_000 });
        const cpu1 = lab.cpuTimeMs(s.node);
        metrics.exit = r.exitCode;
        metrics.cpu_time = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : null;
        text.stdout = r.stdout;
        text.stderr = r.stderr;
        if (r.timedOut) throw new NslabError('E_TIMEOUT', `command timed out after ${step.timeoutMs ?? 60_000} ms and was killed`);
        // A command is expected to succeed unless the step says otherwise.
        if (!step.checks.some((c) => c.metric === 'exit'))
          extraChecks.push({ metric: 'exit', ok: r.exitCode === 0, expected: '== 0 (default)', measured: String(r.exitCode) });
        message = (r.stdout + r.stderr).trim().split('\n').slice(-1)[0]?.slice(0, 160);
        break;
      }
      case 'reach': {
        const fams = s.family ? [s.family] : ([4, 6] as const).filter((f) => lab.topology.addressing[f === 4 ? 'ipv4' : 'ipv6']);
        const pairs = await lab.reachPairs({ from: s.from, to: s.to, families: [...fams] });
        const want = step.expectReachable !== false;
        const wrong = pairs.filter((p) => p.reachable !== want);
        metrics.pairs = pairs.length;
        metrics.reachable = pairs.filter((p) => p.reachable).length;
        extraChecks = [{ metric: want ? 'reachable' : 'unreachable', ok: wrong.length === 0, expected: `${pairs.length}/${pairs.length} ${want ? 'reachable' : 'unreachable'}`, measured: `${pairs.length - wrong.length}/${pairs.length}` }];
        if (wrong.length) message = `${want ? 'unreachable' : 'reachable'}: ${wrong.slice(0, 8).map((p) => `${p.from}→${p.to} (${p.address})`).join(', ')}${wrong.length > 8 ? ', …' : ''}`;
        break;
      }
      case 'route': {
        const target = nodeOrAddress(ctx, s.to, s.family);
        const fam = target.includes(':') ? 6 : 4;
        const r = await lab.exec(s.node, ['ip', '-j', `-${fam}`, 'route', 'show'], { timeoutMs: step.timeoutMs ?? 10_000 });
        if (r.exitCode !== 0) throw new NslabError('E_STEP', `ip route failed in ${s.node}: ${r.stderr.trim()}`, { details: { command: r.command } });
        const route = selectRoute(r.stdout, target);
        metrics.present = route !== null;
        metrics.nexthops = route?.hops.length ?? 0;
        metrics.protocol = route?.protocol ?? null;
        const gateways = (route?.hops ?? []).flatMap((h) => (h.gateway ? [h.gateway] : []));
        const owners = gateways.map((g) => ownerOf(ctx, g));
        metrics.via = gateways.length ? gateways.map((g, i) => (owners[i] ? `${owners[i]} (${g})` : g)).join(', ') : route ? 'direct' : null;
        // via: matches when any path goes through that node (by name) or that address.
        const viaCheck = step.checks.find((c) => c.metric === 'via');
        if (viaCheck) {
          const want = (viaCheck.expectation as { value: string }).value;
          const wantAddr = parseAddress(want);
          const ok = gateways.some((g, i) => owners[i] === want || (wantAddr && formatAddress(wantAddr.family, wantAddr.address) === normalise(g))) || (want === 'direct' && route !== null && !gateways.length);
          extraChecks.push({ metric: 'via', ok, expected: want, measured: String(metrics.via ?? 'no route') });
        }
        message = route ? `${route.dst} proto ${route.protocolRaw}, ${route.hops.map((h) => `${h.gateway ? `via ${h.gateway} ` : ''}dev ${h.dev}`).join(' | ')}` : `no route to ${target}`;
        break;
      }
      case 'converge': {
        const c = await waitConverged(lab, { timeoutMs: s.timeoutMs, settleMs: s.settleMs });
        metrics.time = c.converged ? c.timeMs : null;
        metrics.rounds = c.rounds;
        ctx.events.push({ atMs: startMs + c.timeMs, what: c.converged ? `converged (${fmtMs(c.timeMs)})` : 'not converged' });
        extraChecks.push({ metric: 'converged', ok: c.converged, expected: `within ${fmtMs(s.timeoutMs)}`, measured: c.converged ? `in ${fmtMs(c.timeMs)}` : `no, ${c.unreachable.length} pairs unreachable` });
        message = c.converged
          ? `converged in ${fmtMs(c.timeMs)} (${c.rounds} rounds)`
          : `not converged after ${fmtMs(s.timeoutMs)}: ${c.unreachable.length ? `unreachable ${c.unreachable.slice(0, 6).map((p) => `${p.from}→${p.to}`).join(', ')}${c.unreachable.length > 6 ? ', …' : ''}` : 'routes still changing'}`;
        break;
      }
      case 'vtysh': {
        const r = await lab.exec(s.node, ['vtysh', '-c', s.cmd], { timeoutMs: step.timeoutMs ?? 30_000 });
        metrics.exit = r.exitCode;
        text.stdout = r.stdout;
        text.stderr = r.stderr;
        if (r.exitCode !== 0 && !step.checks.some((c) => c.metric === 'exit'))
          throw new NslabError('E_STEP', `vtysh -c ${JSON.stringify(s.cmd)} in ${s.node} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`, { details: { command: r.command } });
        try {
          json = JSON.parse(r.stdout);
        } catch {
          json = undefined;
        }
        message = r.stdout.trim().split('\n').slice(0, 1)[0]?.slice(0, 160);
        break;
      }
      case 'flows':
      case 'ofctl': {
        const of = lab.topology.nodes.find((n) => n.name === s.switch)?.openflow;
        if (!of) throw new NslabError('E_NOT_OPENFLOW', `'${s.switch}' is not an OpenFlow switch`);
        // ovs-ofctl COMMAND SWITCH [ARGS]: the bridge goes after the command's first word.
        const [cmd, ...rest] = s.kind === 'flows' ? ['dump-flows', ...(s.table !== undefined || s.match ? [[s.table !== undefined ? `table=${s.table}` : '', s.match ?? ''].filter(Boolean).join(',')] : [])] : s.cmd.trim().split(/\s+/);
        const r = await lab.exec(s.switch, ofctlArgs(of, [cmd, of.bridge, ...rest]), { timeoutMs: step.timeoutMs ?? 30_000 });
        metrics.exit = r.exitCode;
        text.stdout = r.stdout;
        text.stderr = r.stderr;
        if (s.kind === 'flows') {
          if (r.exitCode !== 0) throw new NslabError('E_STEP', `ovs-ofctl dump-flows in ${s.switch} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`, { details: { command: r.command } });
          const flows = parseDumpFlows(r.stdout);
          metrics.count = flows.length;
          metrics.packets = flows.reduce((n, f) => n + f.packets, 0);
          metrics.bytes = flows.reduce((n, f) => n + f.bytes, 0);
          json = { flows };
          message = `${flows.length} flow${flows.length === 1 ? '' : 's'}, ${metrics.packets} packets`;
        } else {
          if (!step.checks.some((c) => c.metric === 'exit'))
            extraChecks.push({ metric: 'exit', ok: r.exitCode === 0, expected: '== 0 (default)', measured: String(r.exitCode) });
          message = (r.stdout + r.stderr).trim().split('\n').slice(0, 1)[0]?.slice(0, 160);
        }
        break;
      }
      case 'link':
        await lab.setLink(s.link, s.state);
        ctx.events.push({ atMs: performance.now() - ctx.t0, what: `link ${s.link} ${s.state}` });
        break;
      case 'impair':
        await lab.impair(s.link, s.change, { direction: s.direction, clear: s.clear });
        ctx.events.push({ atMs: performance.now() - ctx.t0, what: step.name });
        break;
      case 'sleep':
        await sleep(s.ms);
        break;
      case 'background': {
        const proc = lab.start(s.node, argvOf(s.cmd));
        ctx.background.set(step.name, { proc });
        metrics.pid = proc.pid;
        break;
      }
      case 'stop': {
        const bg = ctx.background.get(s.target);
        if (!bg) throw new NslabError('E_STEP', `'${s.target}' is not running`);
        ctx.background.delete(s.target);
        const r = await stopProcess(bg.proc);
        metrics.exit = r.exitCode;
        if (bg.artifact) artifacts.push(bg.artifact);
        message = (r.stdout + r.stderr).trim().split('\n').slice(-1)[0]?.slice(0, 160);
        break;
      }
      case 'capture': {
        mkdirSync(ctx.artifactDir, { recursive: true });
        const node = lab.topology.nodes.find((n) => n.name === s.node)!;
        const iface = s.iface ?? node.interfaces[0]?.name ?? 'any';
        const file = resolvePath(join(ctx.artifactDir, `${step.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.pcap`));
        // --immediate-mode: without it libpcap's ring hands packets over a block at a time, and packets still in the
        // ring when the capture is stopped are never written.
        const argv = ['tcpdump', '-n', '-U', '--immediate-mode', '-i', iface, '-w', file, ...(s.count ? ['-c', String(s.count)] : []), ...(s.filter ? [s.filter] : [])];
        const proc = lab.start(s.node, argv);
        await proc.waitForOutput(/listening on/, 10_000);
        ctx.background.set(step.name, { proc, artifact: file });
        artifacts.push(file);
        break;
      }
      case 'parallel': {
        const groupStart = performance.now();
        const results = await Promise.all(
          s.steps.map(async (child) => {
            await sleep((child.atMs ?? 0) - (performance.now() - groupStart));
            if (ctx.aborted()) return [{ id: child.id, name: child.name, kind: child.spec.kind, startMs: 0, durationMs: 0, status: 'skipped', metrics: {}, checks: [], message: 'interrupted' } as StepResult];
            return runStep(child, ctx);
          }),
        );
        children = results.flat();
        break;
      }
    }
  } catch (e) {
    const err = e instanceof NslabError ? e : new NslabError('E_STEP', (e as Error).message, { cause: e });
    const r: StepResult = { ...base, durationMs: performance.now() - ctx.t0 - startMs, status: 'error', metrics, checks: [], message: `${err.code}: ${err.message}${err.hint ? ` (${err.hint})` : ''}` };
    return [r, ...children];
  }
  // route's via is checked in its case, against the topology.
  const own = step.spec.kind === 'route' ? step.checks.filter((c) => c.metric !== 'via') : step.checks;
  const checks = [...evaluateChecks(own, metrics, counts, text, json), ...extraChecks];
  let status: StepResult['status'] = checks.every((c) => c.ok) ? 'pass' : 'fail';
  if (children.some((c) => c.status === 'error')) status = 'error';
  else if (children.some((c) => c.status === 'fail')) status = 'fail';
  const result: StepResult = { ...base, durationMs: performance.now() - ctx.t0 - startMs, status, metrics, checks, ...(message ? { message } : {}), ...(series ? { series } : {}), ...(artifacts.length ? { artifacts } : {}) };
  return [result, ...children];
}

export async function runScenario(scenario: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const result: ScenarioResult = {
    name: scenario.name,
    file: scenario.file,
    lab: scenario.topology.name,
    status: 'pass',
    startedAt: new Date().toISOString(),
    setupMs: 0,
    stepsMs: 0,
    teardownMs: 0,
    totalMs: 0,
    steps: [],
    events: [],
  };
  // One signal for everything that should stop the run: the caller's (Ctrl-C) and the scenario's timeout.
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(new NslabError('E_TIMEOUT', `scenario timed out after ${scenario.timeoutMs} ms`)), scenario.timeoutMs);
  const aborted = new Promise<void>((res) => ac.signal.addEventListener('abort', () => res(), { once: true }));
  opts.hooks?.onSetup?.(scenario, opts.lab);
  let lab: Lab | undefined;
  const ctx: Partial<Ctx> = { background: new Map(), events: result.events, nextPort: 5201, aborted: () => ac.signal.aborted, scenario, artifactDir: opts.artifactDir ?? 'nslab-artifacts', impairedLater: [] };
  let stepsEnd: number | undefined;
  try {
    if (opts.lab) {
      lab = Lab.open(opts.lab, { runner: opts.runner, store: opts.store });
      lab.assertUp();
      checkScenarioFitsLab(scenario, lab.topology);
      result.lab = lab.name;
    } else lab = await Lab.up(scenario.topology, { runner: opts.runner, store: opts.store, lifetime: opts.keep ? 'persistent' : 'ephemeral', signal: ac.signal });
    result.setupMs = performance.now() - started;
    opts.hooks?.onLabUp?.(lab, result.setupMs);
    ctx.lab = lab;
    if (opts.health !== false) {
      const walkImpairs = (steps: Step[]): string[] => steps.flatMap((st) => (st.spec.kind === 'impair' ? [st.spec.link] : st.spec.kind === 'parallel' ? walkImpairs(st.spec.steps) : []));
      for (const spec of walkImpairs(scenario.steps))
        try {
          ctx.impairedLater!.push(findLink(lab.topology, spec).index);
        } catch {
          /* the step reports its own error */
        }
      ctx.sampler = startSampler({ ...(typeof opts.health === 'object' ? opts.health : {}), interfaces: shapedInterfaces(lab.topology, ctx.impairedLater) });
      // The first round: every step's window needs a round at or before its start.
      await ctx.sampler.mark('start');
    }
    ctx.t0 = performance.now();
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i];
      if (ac.signal.aborted) break;
      opts.hooks?.onStepStart?.(step);
      // A step races the abort: on Ctrl-C or timeout we go straight to teardown, which stops the step's processes.
      const r = await Promise.race([runStep(step, ctx as Ctx), aborted.then(() => undefined)]);
      if (!r) break;
      for (const sr of r) {
        result.steps.push(sr);
        opts.hooks?.onStepEnd?.(sr);
      }
      if (r.some((x) => x.status === 'error')) break;
    }
    stepsEnd = performance.now();
    result.stepsMs = stepsEnd - (ctx.t0 ?? stepsEnd);
    if (ac.signal.aborted) {
      const reason = ac.signal.reason instanceof NslabError ? ac.signal.reason : new NslabError('E_INTERRUPTED', 'interrupted by a signal');
      result.error = { code: reason.code, message: reason.message, hint: reason.hint };
    }
  } catch (e) {
    const err = e instanceof NslabError ? e : new NslabError('E_INTERNAL', String((e as Error)?.stack ?? e));
    result.error = { code: err.code, message: err.message, hint: err.hint };
    if (!lab) result.setupMs = performance.now() - started;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    const tearStart = performance.now();
    if (ctx.sampler) {
      // The run's own verdict, over all the steps; then the sampler stops, before the lab's namespaces go.
      // Not after an abort (Ctrl-C, timeout): teardown must not wait for one more round.
      if (ctx.t0 !== undefined && ctx.lab && !ac.signal.aborted) {
        const h = await healthOf(ctx as Ctx, ctx.t0, stepsEnd ?? performance.now());
        if (h) result.health = h;
      }
      const s = ctx.sampler;
      const data = await s.stop();
      if (ctx.t0 !== undefined) result.healthSeries = healthSeries(data, (ms) => ms - s.toSamplerMs(0), ctx.t0);
    }
    for (const { proc } of ctx.background?.values() ?? []) proc.kill('SIGKILL');
    if (lab && !opts.keep && !opts.lab) {
      try {
        await lab.down();
      } catch (e) {
        const err = e as NslabError;
        result.error ??= { code: err.code ?? 'E_TEARDOWN', message: err.message, hint: err.hint };
      }
    }
    result.kept = !!(lab && opts.keep);
    result.teardownMs = performance.now() - tearStart;
  }
  // Steps that never ran are reported as skipped, so a report always lists the whole scenario.
  const ran = new Set(result.steps.map((s) => s.id));
  const walk = (steps: Step[]) => {
    for (const s of steps) {
      if (!ran.has(s.id)) {
        const skipped: StepResult = { id: s.id, name: s.name, kind: s.spec.kind, startMs: 0, durationMs: 0, status: 'skipped', metrics: {}, checks: [], message: result.error ? 'not run: ' + result.error.code : 'not run' };
        result.steps.push(skipped);
        opts.hooks?.onStepEnd?.(skipped);
      }
      if (s.spec.kind === 'parallel') walk(s.spec.steps);
    }
  };
  walk(scenario.steps);
  result.status = result.error || result.steps.some((s) => s.status === 'error') ? 'error' : result.steps.some((s) => s.status === 'fail') ? 'fail' : 'pass';
  result.totalMs = performance.now() - started;
  opts.hooks?.onTeardown?.(result);
  return result;
}
