// `nslab run`: scenarios, one after another, with live human output and the requested reports.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NslabError } from '../model/index.js';
import { humanHooks, toJUnit, toJsonReport, toTap } from '../report/index.js';
import { checkScenarioFitsLab, loadScenario } from '../scenario/load.js';
import type { ScenarioResult } from '../scenario/model.js';
import { runScenario, type RunHooks } from '../scenario/run.js';
import { withUmlCommand } from './uml.js';
import { abortOnSignals } from './output.js';
import { Lab, requireRoot, type LabDeps } from '../api/index.js';
import { UML_PROBE_MS } from '../health/index.js';
import { umlModulesFor } from '../api/uml.js';
import { UML_OPENFLOW_MODULES } from '../sys/uml.js';
import type { Scenario, StepSpec } from '../scenario/model.js';
import { StateStore } from '../sys/index.js';
import { agentStateDir, UmlAgent } from '../sys/uml-agent.js';

type Argv = Record<string, unknown>;

interface ReportTarget {
  format: 'json' | 'junit' | 'tap' | 'html';
  path?: string;
}

export function parseReports(values: string[]): ReportTarget[] {
  return values.map((v) => {
    const [format, ...rest] = v.split('=');
    const path = rest.join('=') || undefined;
    if (!['json', 'junit', 'tap', 'html'].includes(format))
      throw new NslabError('E_USAGE', `unknown report format '${format}'`, { hint: '--report json=FILE, --report junit=FILE, --report tap[=FILE], --report html=DIR' });
    if (format !== 'tap' && !path)
      throw new NslabError('E_USAGE', `--report ${format} needs a destination: --report ${format}=${format === 'html' ? 'DIR' : 'FILE'}`);
    return { format: format as ReportTarget['format'], path };
  });
}

/** A scenario's error (E_QDISC_MISSING, say) names `nslab run --kernel uml …`, the command that was run, in every report. */
function retargetHooks(hooks: RunHooks, rawArgs: string[]): RunHooks {
  return {
    ...hooks,
    onTeardown: (res) => {
      if (res.error) res.error = withUmlCommand(res.error, rawArgs);
      hooks.onTeardown?.(res);
    },
  };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Where a scenario's lab is built: the host kernel (the default), or a user-mode Linux kernel booted for it, in
 * which the nslab agent runs the same commands (sys/uml-agent.ts). Returns the lab's deps and how to end it.
 */
export type LabKernel = (s: Scenario) => Promise<{ deps: LabDeps; close(): Promise<void> }>;

function hasLinkStep(specs: StepSpec[]): boolean {
  return specs.some((x) => x.kind === 'link' || (x.kind === 'parallel' && hasLinkStep(x.steps.map((y) => y.spec))));
}

/** One user-mode Linux boot per scenario (per lab): the lab dies with the kernel, so nothing can be left behind. */
export const umlKernel: LabKernel = async (s) => {
  // The modules the lab needs (8021q, bonding, vrf; openvswitch for OpenFlow switches), and nf_tables for `link`
  // steps, which turn the link's nftables blackhole off as they change its state.
  const openflow = s.topology.nodes.some((n) => n.openflow);
  const modules = [...umlModulesFor([s.topology]), ...(openflow ? UML_OPENFLOW_MODULES : []), ...(hasLinkStep(s.steps.map((x) => x.spec)) ? ['nf_tables'] : [])];
  const agent = await UmlAgent.boot({ modules });
  return { deps: { runner: agent.runner, store: new StateStore(agentStateDir(agent)) }, close: () => agent.close() };
};

export async function run(argv: Argv, rawArgs: string[] = ['run', ...((argv.scenario as string[]) ?? [])], kernel?: LabKernel): Promise<number> {
  const files = (argv.scenario as string[]).map(String);
  const reports = parseReports(((argv.report as string[] | undefined) ?? []).map(String));
  // Load every scenario first: a typo in the third file is reported before the first lab is built.
  const scenarios = files.map((f) => loadScenario(f));
  const onLab = argv.lab as string | undefined;
  if (onLab !== undefined && argv.keep) throw new NslabError('E_USAGE', '--keep and --lab do not go together: --lab never builds or tears down a lab', { hint: `nslab run --lab ${onLab} SCENARIO` });
  if (kernel && argv.keep) throw new NslabError('E_USAGE', '--keep does not apply to --kernel uml: the lab lives in a kernel that halts when the scenario ends', { hint: 'nslab up --kernel uml FILE keeps a lab inside user-mode Linux, with a shell there' });
  if (!kernel) requireRoot();
  // --lab: every scenario must fit the running lab before any step runs (located problems, exit 2).
  if (onLab !== undefined) {
    const lab = Lab.open(onLab);
    lab.assertUp();
    for (const s of scenarios) checkScenarioFitsLab(s, lab.topology);
  }
  const tapToStdout = reports.some((r) => r.format === 'tap' && !r.path);
  // With TAP on stdout, the human lines go to stderr so the TAP stream stays parseable.
  const human = (s: string) => (tapToStdout ? process.stderr : process.stdout).write(s);
  const color = !process.env.NO_COLOR && !process.env.CI && !!(tapToStdout ? process.stderr.isTTY : process.stdout.isTTY);
  // Drawn before the run: impair steps change the topology in place, and the picture should show the file's lab.
  const pictures = reports.some((r) => r.format === 'html') ? await (await import('./html.js')).topologyPictures(scenarios) : {};
  const sig = abortOnSignals();
  const results: ScenarioResult[] = [];
  try {
    for (const s of scenarios) {
      if (sig.signal.aborted) break;
      const hooks = retargetHooks(humanHooks(human, color), rawArgs);
      const k = kernel ? await kernel(s) : undefined;
      try {
        results.push(
          await runScenario(s, {
            ...k?.deps,
            keep: !!argv.keep,
            lab: onLab,
            artifactDir: argv.artifacts as string | undefined,
            signal: sig.signal,
            hooks: argv.web ? (await import('./web.js')).scenarioWebHooks(hooks, argv) : hooks,
            // Inside user-mode Linux (the guest's environment says so) the timer probe wakes less often.
            health: process.env.NSLAB_KERNEL === 'uml' ? { probeMs: UML_PROBE_MS } : true,
          }),
        );
      } finally {
        await k?.close();
      }
    }
  } finally {
    sig.dispose();
  }
  for (const r of reports) {
    if (r.format === 'json') write(r.path!, toJsonReport(results));
    else if (r.format === 'junit') write(r.path!, toJUnit(results));
    else if (r.format === 'tap') r.path ? write(r.path, toTap(results)) : process.stdout.write(toTap(results));
    else (await import('./html.js')).writeHtmlReport(r.path!, results, pictures);
  }
  const strict = !!argv['strict-health'] || !!argv.strictHealth;
  const code = runExitCode(results, scenarios.length, { strictHealth: strict });
  if (strict && code === 2 && healthAtRisk(results)) human(`--strict-health: the emulation's health was at risk (${healthAtRisk(results)}): exit 2\n`);
  return code;
}

/** Where health was at risk: the scenarios' names and their at-risk steps, or '' when nowhere. */
export function healthAtRisk(results: Pick<ScenarioResult, 'name' | 'health' | 'steps'>[]): string {
  return results
    .map((r) => {
      const steps = (r.steps ?? []).filter((s) => s.health?.verdict === 'at risk').map((s) => s.id);
      return r.health?.verdict === 'at risk' || steps.length ? `${r.name}${steps.length ? ` steps ${steps.join(', ')}` : ''}` : '';
    })
    .filter(Boolean)
    .join('; ');
}

/**
 * 0 every expectation held; 1 an expectation failed; 2 anything else (an error, or scenarios that never ran), and,
 * with strictHealth, a run whose health was at risk anywhere (a CI that would rather retry than trust the figures).
 */
export function runExitCode(results: Pick<ScenarioResult, 'status'>[], scenarios: number, opts: { strictHealth?: boolean } = {}): 0 | 1 | 2 {
  if (results.length < scenarios || results.some((r) => r.status === 'error')) return 2;
  if (opts.strictHealth && healthAtRisk(results as ScenarioResult[])) return 2;
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
