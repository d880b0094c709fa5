// Integration-test plumbing: build a lab through the library, always tear it down, and compare the host.
import type { Test } from 'tap';
import { Lab } from '../../src/api/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';
import type { ResolvedTopology } from '../../src/model/index.js';
import { hostSnapshot, isRoot } from './host.js';

export function skipUnlessRoot(t: Test): boolean {
  if (isRoot) return false;
  t.skip('needs root (CAP_NET_ADMIN) to create namespaces; run the tests as root');
  return true;
}

/** Run `body` with a lab up; the lab goes down whatever happens, and the host must then equal its snapshot. */
export async function withLab(t: Test, source: string | ResolvedTopology, body: (lab: Lab) => Promise<void>): Promise<void> {
  const before = hostSnapshot();
  const topo = typeof source !== 'string' ? source : source.includes('\n') ? loadTopologyText(source, 'inline.yaml') : loadTopology(source);
  let lab: Lab | undefined;
  try {
    lab = await Lab.up(topo);
    await body(lab);
  } finally {
    if (lab) await lab.down();
    t.same(hostSnapshot(), before, 'host links, addresses, routes, /run/netns, nftables and sysctls are as before');
  }
}
