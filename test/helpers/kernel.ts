// Which kernel features (8021q, bridge VLAN filtering, bonding, VRF) a lab needs that this host's kernel lacks:
// such a lab is skipped here with the reason, and runs under user-mode Linux in test/integration/l2-uml.test.ts.
import { requiredKernelFeatures, describeFeature } from '../../src/plan/index.js';
import { probeKernel, type KernelCapabilities } from '../../src/sys/probe.js';
import { ExecaRunner } from '../../src/sys/proc.js';
import type { ResolvedTopology } from '../../src/model/index.js';

let caps: Promise<KernelCapabilities> | undefined;

/** The skip reason when the host lacks something the lab needs, else undefined (probes the kernel once, as root). */
export async function kernelFeatureSkip(t: ResolvedTopology): Promise<string | undefined> {
  const needs = requiredKernelFeatures(t);
  if (!needs.length) return undefined;
  caps ??= probeKernel(new ExecaRunner());
  const c = await caps;
  const missing = [...new Set(needs.filter((n) => c.features?.[n.feature] === false).map((n) => describeFeature(n.feature)))];
  return missing.length ? `this kernel has no ${missing.join(', ')}: runs under --kernel uml in test/integration/l2-uml.test.ts` : undefined;
}
