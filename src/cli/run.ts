// `nslab run`: scenarios, one after another, with live human output and the requested reports.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NslabError } from '../model/index.js';
import { humanHooks, toJUnit, toJsonReport, toTap } from '../report/index.js';
import { loadScenario } from '../scenario/load.js';
import type { ScenarioResult } from '../scenario/model.js';
import { runScenario, type RunHooks } from '../scenario/run.js';
import { withUmlCommand } from './uml.js';
import { abortOnSignals } from './output.js';
import { requireRoot, type LabDeps } from '../api/index.js';
import type { Scenario } from '../scenario/model.js';
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

/** One user-mode Linux boot per scenario (per lab): the lab dies with the kernel, so nothing can be left behind. */
export const umlKernel: LabKernel = async () => {
  const agent = await UmlAgent.boot();
  return { deps: { runner: agent.runner, store: new StateStore(agentStateDir(agent)) }, close: () => agent.close() };
};

export async function run(argv: Argv, rawArgs: string[] = ['run', ...((argv.scenario as string[]) ?? [])], kernel?: LabKernel): Promise<number> {
  const files = (argv.scenario as string[]).map(String);
  const reports = parseReports(((argv.report as string[] | undefined) ?? []).map(String));
  // Load every scenario first: a typo in the third file is reported before the first lab is built.
  const scenarios = files.map((f) => loadScenario(f));
  if (kernel && argv.keep) throw new NslabError('E_USAGE', '--keep does not apply to --kernel uml: the lab lives in a kernel that halts when the scenario ends', { hint: 'nslab up --kernel uml FILE keeps a lab inside user-mode Linux, with a shell there' });
  if (!kernel) requireRoot();
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
      const k = kernel ? await kernel(s) : undefined;
      try {
        results.push(
          await runScenario(s, { ...k?.deps, keep: !!argv.keep, artifactDir: argv.artifacts as string | undefined, signal: sig.signal, hooks: retargetHooks(humanHooks(human, color), rawArgs) }),
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
  return runExitCode(results, scenarios.length);
}

/** 0 every expectation held; 1 an expectation failed; 2 anything else (an error, or scenarios that never ran). */
export function runExitCode(results: Pick<ScenarioResult, 'status'>[], scenarios: number): 0 | 1 | 2 {
  if (results.length < scenarios || results.some((r) => r.status === 'error')) return 2;
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
