// `--kernel uml`: hand the command to the same CLI running inside user-mode Linux, forwarding output, signals
// and the exit code. Works without root on the host.

import { requireUml, runNslabInUml, runScriptInUml, UML_COMMAND } from '../api/index.js';
import { umlModulesFor } from '../api/uml.js';
import { compilePlan } from '../plan/index.js';
import type { ResolvedTopology } from '../model/index.js';
import { loadScenario } from '../scenario/load.js';
import { NslabError } from '../model/index.js';
import { shQuote } from '../sys/uml.js';
import { loadTopology, resolveRawTopology } from '../topology/index.js';
import type { StepSpec } from '../scenario/model.js';
import { abortOnSignals } from './output.js';

type Argv = Record<string, unknown>;

/** The argv this process was given, without `--kernel uml` (in both spellings). */
export function argsWithoutKernel(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '--kernel') {
      i++;
      continue;
    }
    if (raw[i].startsWith('--kernel=')) continue;
    out.push(raw[i]);
  }
  return out;
}

/** The command the user typed, with `--kernel uml` after the verb: what to run where the kernel lacks something. */
export function umlCommand(rawArgs: string[]): string {
  const [verb, ...rest] = argsWithoutKernel(rawArgs);
  const quote = (t: string) => (/^[\w@%+=:,./-]+$/.test(t) ? t : shQuote(t));
  return ['nslab', verb, '--kernel', 'uml', ...rest].map(quote).join(' ');
}

/** Errors from the library name `nslab up --kernel uml FILE`; after `nslab run x.yaml` they should name that. */
export function withUmlCommand<T extends { message: string; hint?: string }>(e: T, rawArgs: string[]): T {
  const text = (s: string) => s.replaceAll(UML_COMMAND, umlCommand(rawArgs));
  if (e instanceof NslabError)
    return new NslabError(e.code, text(e.message), { hint: e.hint && text(e.hint), problems: e.problems, details: e.details, cause: e.cause }) as unknown as T;
  return { ...e, message: text(e.message), hint: e.hint && text(e.hint) };
}

function hasLinkStep(specs: StepSpec[]): boolean {
  return specs.some((x) => x.kind === 'link' || (x.kind === 'parallel' && hasLinkStep(x.steps.map((y) => y.spec))));
}

/**
 * `run --kernel uml`: nslab stays on the host (parsing, planning, steps, checks, reports); each scenario's lab is built
 * in a user-mode Linux kernel booted for it, where only a small Perl agent runs the commands (sys/uml-agent.ts).
 */
export async function runUml(argv: Argv, rawArgs: string[]): Promise<number> {
  // Check the files here first: a typo is reported in a second, not after a kernel boot.
  const scenarios = (argv.scenario as string[]).map(String).map((f) => loadScenario(f));
  requireUml();
  // Labs with long-running processes (node services such as FRR, start commands) are not run by the agent yet:
  // those runs keep the previous design, the whole CLI inside UML (slower, but complete).
  if (scenarios.some((s) => longRunning(s.topology))) {
    const openflow = scenarios.some((sc) => sc.topology.nodes.some((n) => n.openflow));
    // The kernel modules the labs need (8021q, bonding, vrf) are loaded at boot.
    // A `link` step turns the link's nftables blackhole off as it changes state: nf_tables too.
    const linkSteps = scenarios.some((s) => hasLinkStep(s.steps.map((x) => x.spec)));
    const modules = [...umlModulesFor(scenarios.map((s) => s.topology)), ...(linkSteps ? ['nf_tables'] : [])];
    const sig = abortOnSignals();
    try {
      return (await runNslabInUml(argsWithoutKernel(rawArgs), { onOutput: (t) => process.stdout.write(t), signal: sig.signal, modules, openflow })).exitCode;
    } finally {
      sig.dispose();
    }
  }
  const { run, umlKernel } = await import('./run.js');
  return run(argv, rawArgs, umlKernel);
}

function longRunning(t: ResolvedTopology): boolean {
  return !!t.services?.length || compilePlan(t).stages.some((s) => s.name === 'start' && s.ops.length > 0);
}

export async function upUml(argv: Argv, rawArgs: string[]): Promise<number> {
  const t = argv.topo
    ? resolveRawTopology({ name: (argv.name as string | undefined) ?? String(argv.topo).split(',')[0], topo: argv.topo }, () => undefined, 'topo')
    : loadTopology(argv.file as string);
  const all = argsWithoutKernel(rawArgs);
  const dashes = all.indexOf('--');
  const up = dashes === -1 ? all : all.slice(0, dashes);
  const cmd = ((argv['--'] as string[] | undefined) ?? []).map(String);
  const lab = shQuote(t.name);
  let script: string;
  const interactive = !cmd.length && !!process.stdin.isTTY;
  if (interactive) {
    script = [
      `nslab ${up.map(shQuote).join(' ')} || exit $?`,
      `echo; echo "lab ${t.name} runs in user-mode Linux: nslab exec/shell/impair/link work here; exit this shell to tear it down and halt."`,
      `PS1='[uml:${t.name}] \\w # ' bash --norc -i`,
      `nslab down ${lab} >/dev/null`,
    ].join('\n');
  } else {
    script = [
      `nslab ${up.map(shQuote).join(' ')} || exit $?`,
      cmd.length ? `${cmd.map(shQuote).join(' ')}; rc=$?` : 'rc=0',
      `nslab down ${lab} || rc=2`,
      'exit $rc',
    ].join('\n');
  }
  const sig = abortOnSignals();
  try {
    const r = await runScriptInUml(script, { modules: umlModulesFor([t]), interactive, onOutput: interactive ? undefined : (s) => process.stdout.write(s), signal: sig.signal, openflow: t.nodes.some((n) => n.openflow) });
    return r.exitCode;
  } finally {
    sig.dispose();
  }
}
