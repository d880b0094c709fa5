// nslab inside user-mode Linux: the same CLI, run by the UML kernel's init, for kernels that lack sch_netem
// (and for users without root: UML runs as an ordinary process and is root inside). The lab lives and dies with
// that kernel, so every run here builds, uses and tears down within one boot.

import { fileURLToPath } from 'node:url';
import { NslabError, type ResolvedTopology } from '../model/index.js';
import { modulesFor, requiredKernelFeatures } from '../plan/index.js';
import { runInUml, shQuote, umlAvailable, UML_DEFAULT_MODULES, UML_OPENFLOW_MODULES, UML_INSTALL_HINT, type UmlRunResult } from '../sys/uml.js';

/** The CLI entry point, as a host path (the guest sees the host's / through hostfs). */
export function cliEntry(): string {
  return fileURLToPath(new URL('../cli/bin.js', import.meta.url));
}

export function requireUml(): void {
  const a = umlAvailable();
  if (!a.ok) throw new NslabError('E_UML_MISSING', `--kernel uml: user-mode Linux is not available: ${a.reason}`, { hint: UML_INSTALL_HINT });
}

export interface UmlNslabOptions {
  interactive?: boolean;
  /** The lab has OpenFlow switches: load the kernel's openvswitch module too (their kernel datapath). */
  openflow?: boolean;
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  memMb?: number;
  /** Kernel modules the lab needs besides UML_DEFAULT_MODULES (8021q, bonding, vrf: see umlModulesFor). */
  modules?: string[];
}

/** The modules to load in user-mode Linux for these labs: the default set, and what their VLANs, bonds and VRFs need. */
export function umlModulesFor(topologies: ResolvedTopology[]): string[] {
  return [...new Set([...UML_DEFAULT_MODULES, ...topologies.flatMap((t) => modulesFor(requiredKernelFeatures(t)))])];
}

/**
 * Run a shell script inside UML in which `nslab` is this CLI. The script is nslab's own (argv elements are
 * single-quoted by the caller), the environment says where it runs, and the exit code comes back.
 */
export async function runScriptInUml(script: string, opts: UmlNslabOptions = {}): Promise<UmlRunResult> {
  requireUml();
  // `nslab` on PATH inside (a wrapper in the guest's own /run tmpfs), so any shell or program there can call it.
  const wrapper = `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(cliEntry())} "$@"\n`;
  const prelude = `mkdir -p /run/nslab-bin && printf '%s' ${shQuote(wrapper)} > /run/nslab-bin/nslab && chmod 755 /run/nslab-bin/nslab && export PATH=/run/nslab-bin:$PATH\n`;
  return runInUml({
    argv: ['bash', '-c', prelude + script],
    cwd: process.cwd(),
    env: guestEnv({ stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY }, process.env),
    modules: [...new Set([...UML_DEFAULT_MODULES, ...(opts.modules ?? []), ...(opts.openflow ? UML_OPENFLOW_MODULES : [])])],
    interactive: opts.interactive,
    onOutput: opts.onOutput,
    signal: opts.signal,
    // Node runs ~9× slower in UML: leave room for it on top of the work itself.
    timeoutMs: opts.timeoutMs ?? 30 * 60_000,
    memMb: opts.memMb ?? 1024,
  });
}

/**
 * The guest's environment. Its console is a terminal whatever the host's output is, so the guest is told what the
 * host's streams are: captured output gets no colour and no progress line (whose `\r\x1b[K` would end up in a log).
 */
export function guestEnv(hostTty: { stdout: boolean; stderr: boolean }, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    NSLAB_KERNEL: 'uml',
    ...(hostTty.stdout && !env.NO_COLOR ? {} : { NO_COLOR: '1' }),
    ...(hostTty.stderr ? {} : { NSLAB_NO_PROGRESS: '1' }),
    ...(env.CI ? { CI: env.CI } : {}),
    HOME: '/root',
    TERM: env.TERM ?? 'dumb',
  };
}

/** `nslab ARGS` inside UML. */
export function runNslabInUml(args: string[], opts: UmlNslabOptions = {}): Promise<UmlRunResult> {
  return runScriptInUml(`nslab ${args.map(shQuote).join(' ')}`, opts);
}
