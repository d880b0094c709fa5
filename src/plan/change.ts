// Runtime changes to a running lab, compiled like everything else: pure functions from the lab's resolved
// topology and the requested change to tc/ip operations.

import { contains, formatCidr, parseAddress, type Impairment, type Operation, type ResolvedLink, type ResolvedTopology } from '../model/index.js';
import { linkLocalFor, routeArgs } from './compile.js';
import { segmentInterfaces, staticNeighbourOps } from '../features/mac/index.js';
import { directionOps, gsoSegsFor, offloadOps, type ShapeTarget } from './shape.js';

export type Direction = 'both' | 'a->b' | 'b->a';

function targets(t: ResolvedTopology, l: ResolvedLink): { a: ShapeTarget; b: ShapeTarget } {
  const ns = (node: string) => t.nodes.find((n) => n.name === node)!.netns;
  const subject = `link ${l.a.node}:${l.a.ifname} <-> ${l.b.node}:${l.b.ifname}`;
  return {
    a: { netns: ns(l.a.node), ifname: l.a.ifname, mtu: l.mtu, subject: `${subject} (from ${l.a.node})`, burstMs: t.shapingBurstMs },
    b: { netns: ns(l.b.node), ifname: l.b.ifname, mtu: l.mtu, subject: `${subject} (from ${l.b.node})`, burstMs: t.shapingBurstMs },
  };
}

/** The GSO limit of both ends of a link: the smaller of its two directions' (as a build sets it, see shapingOps). */
export function linkGsoSegs(mtu: number | undefined, aToB: Impairment, bToA: Impairment): number {
  return Math.min(gsoSegsFor(aToB, mtu), gsoSegsFor(bToA, mtu));
}

/**
 * Back to the kernel's default root (noqueue on a veth) whatever is there now: `qdisc del root` fails when there is
 * no root qdisc to delete, so one is put there first (replacing whatever there was, even an htb root without its
 * class, which a failed change can leave), and then deleted. Both lines succeed in every state.
 */
function resetRootOps(target: ShapeTarget): Operation[] {
  const op = (kind: Operation['kind'], args: string[]): Operation => ({ kind, tool: 'tc', netns: target.netns, args, subject: target.subject, undo: null });
  return [op('qdisc.replace', ['qdisc', 'replace', 'dev', target.ifname, 'root', 'pfifo']), op('qdisc.del', ['qdisc', 'del', 'dev', target.ifname, 'root'])];
}

/**
 * Operations that take a link from its current impairments to `next` (per direction). Directions whose
 * impairment does not change get no operation, so a change touches only what was asked.
 * `reset`: do not trust the current state (a failed change, `--clear`, a rollback): both ends are reset to the
 * kernel default and rebuilt to `next` from nothing, the GSO limit included. This is also the undo of any change:
 * the link's state before it, rebuilt.
 */
export function compileImpairChange(t: ResolvedTopology, l: ResolvedLink, next: { aToB: Impairment; bToA: Impairment }, opts: { reset?: boolean } = {}): Operation[] {
  const { a, b } = targets(t, l);
  const ops: Operation[] = [];
  // The GSO limit follows the impairment (see gsoSegsFor), set before the qdiscs change.
  const segs = linkGsoSegs(l.mtu, next.aToB, next.bToA);
  if (opts.reset || segs !== linkGsoSegs(l.mtu, l.aToB, l.bToA)) ops.push(...offloadOps(a, segs), ...offloadOps(b, segs));
  for (const [target, cur, nxt] of [[a, l.aToB, next.aToB], [b, l.bToA, next.bToA]] as const) {
    if (opts.reset) ops.push(...resetRootOps(target), ...directionOps(target, nxt));
    else if (JSON.stringify(cur) !== JSON.stringify(nxt)) ops.push(...directionOps(target, nxt, cur));
  }
  return ops;
}

/**
 * Administrative link state on both ends (either end down already drops the carrier; both is unambiguous).
 * Taking a link down makes the kernel delete every route whose next hop is on it; bringing it back restores only
 * the connected prefixes. So `up` re-installs the lab's own routes through that interface (`route replace`,
 * idempotent), or a router would stay cut off after the link came back.
 *
 * Down also deletes the interface's IPv6 addresses (net.ipv6.conf.*.keep_addr_on_down is 0 by default), and
 * with addrgenmode none nothing brings them back, so `up` re-adds them, the link-local first, with `addr replace`
 * (idempotent: `up` on a link that is up, or after `blackhole`, where they never went, changes nothing) and nodad,
 * as the build does, after `link set up` (see nodeConfigOps), then the routes. Setting keep_addr_on_down=1 in
 * every node instead is not enough (measured on 6.18): the kernel keeps only global addresses, never link-local
 * ones (addr_is_local in addrconf_ifdown), routes through the link are still deleted, and the kept addresses
 * rejoin their solicited-node groups late: the first ping6 after `up` took 1027 ms, against 0.1 ms after a re-add.
 * `blackholed`: the link may carry a blackhole (its last change was one, or nobody knows), which up/down remove.
 */
export function compileLinkState(t: ResolvedTopology, l: ResolvedLink, state: LinkState, blackholed = true): Operation[] {
  const { a, b } = targets(t, l);
  if (state === 'blackhole') return [a, b].map((x) => blackholeOp(x, true));
  const restore: Operation[] = [];
  if (state === 'up')
    for (const end of [l.a, l.b]) {
      const node = t.nodes.find((n) => n.name === end.node)!;
      const iface = node.interfaces.find((i) => i.name === end.ifname);
      if (!iface) continue;
      const subject = `node ${node.name} ${iface.name}`;
      const v6 = iface.ipv6.length ? [linkLocalFor(iface.ipv6[0]), ...iface.ipv6] : [];
      for (const c of v6) restore.push({ kind: 'addr.add', tool: 'ip', netns: node.netns, args: ['addr', 'replace', formatCidr(c), 'dev', iface.name, 'nodad'], subject, undo: 'netns' });
      for (const r of node.routes) {
        const via = r.via ? parseAddress(r.via) : undefined;
        const onThisLink = r.dev === end.ifname || (via && [...iface.ipv4, ...iface.ipv6].some((c) => contains(c, via.family, via.address)));
        // `dev IF onlink`: right after `link set up` the connected prefix may not be back yet (IPv6 re-adds it
        // asynchronously, and the peer's carrier may still be coming), and the next hop is on this link by
        // construction, so the kernel need not look for it.
        if (onThisLink)
          restore.push({ kind: 'route.add', tool: 'ip', netns: node.netns, args: [...routeArgs('replace', { ...r, dev: end.ifname }), 'onlink'], subject: `node ${node.name} route ${r.to}`, undo: 'netns' });
      }
      // `link set down` flushed the interface's neighbour entries, PERMANENT ones included.
      restore.push(...staticNeighbourOps(node, segmentInterfaces(t), iface.name));
    }
  const states = [a, b].map((x) => ({
    kind: 'link.set' as const,
    tool: 'ip' as const,
    netns: x.netns,
    args: ['link', 'set', 'dev', x.ifname, state],
    subject: x.subject.replace(/ \(from .*\)$/, ''),
    undo: {
      kind: 'link.set' as const,
      tool: 'ip' as const,
      netns: x.netns,
      args: ['link', 'set', 'dev', x.ifname, state === 'up' ? 'down' : 'up'],
      subject: x.subject,
      undo: null,
    },
  }));
  // The blackhole is removed only where one may be (`blackholed`): removing needs nftables' netdev family, which not
  // every kernel has (Debian's user-mode Linux is built without CONFIG_NF_TABLES_NETDEV), and a plain down/up must
  // work there too.
  return [...(blackholed ? [a, b].map((x) => blackholeOp(x, false)) : []), ...states, ...restore];
}

export type LinkState = 'up' | 'down' | 'blackhole';

/** The table that blackholes one interface: its name in hex, since interface names may hold '-' (not an nft identifier). */
export function blackholeTable(ifname: string): string {
  return `nslab_bh_${Buffer.from(ifname).toString('hex')}`;
}

/**
 * A silent failure: the carrier stays up and every frame arriving on the interface is dropped by an nftables
 * netdev ingress chain (this runs before the bridge and IP see the frame; sch_netem, which could drop 100%, is
 * not on every kernel). Both ends drop, so both directions die, as with a failed transceiver, and only a routing
 * protocol's timers or BFD can tell. Removing is `add table` + `delete table` in one transaction, which succeeds
 * whether or not the blackhole was there; the namespace's deletion removes it at teardown.
 */
function blackholeOp(x: ShapeTarget, on: boolean): Operation {
  const table = blackholeTable(x.ifname);
  const remove = ['add', 'table', 'netdev', table, ';', 'delete', 'table', 'netdev', table];
  const add = ['add', 'table', 'netdev', table, ';', 'add', 'chain', 'netdev', table, 'in', '{', 'type', 'filter', 'hook', 'ingress', 'device', x.ifname, 'priority', '-500', ';', 'policy', 'drop', ';', '}'];
  const subject = x.subject.replace(/ \(from .*\)$/, '');
  return {
    kind: 'nft.apply',
    tool: 'nft',
    netns: x.netns,
    args: on ? add : remove,
    subject: `${subject} blackhole ${on ? 'on' : 'off'} (${x.ifname} ingress)`,
    undo: on ? { kind: 'nft.apply', tool: 'nft', netns: x.netns, args: remove, subject: `${subject} blackhole off`, undo: null } : null,
  };
}
