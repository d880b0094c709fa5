// Checks for files that pass the schema and the other semantic checks but would fail (or reach nothing) at `up`:
// interface names the kernel reserves, address ranges that cannot carry unicast between namespaces, and MTUs
// that switch IPv6 off — run by the resolver's checks pass (passes/checks.ts) — and the rate messages that replace
// the schema's for refused rates. Pure; every claim below was measured on Linux 6.18 with iproute2 6.1 (two
// namespaces and a router between them).

import {
  IPV6_MIN_MTU,
  formatCidr,
  networkOf,
  overlaps,
  parseCidr,
  RESERVED_IFNAMES,
  type Cidr,
  type Family,
  type Problem,
  type RawTopology,
} from '../model/index.js';
import { resolvedKind } from '../features/openflow/index.js';
import { parseImpairment } from './impair.js';
import { DEFAULT_IPV4_POOL, DEFAULT_IPV6_POOL } from './passes/addressing.js';
import type { Check } from './passes/checks.js';
import { parseDocPath, valueAt } from './salvage.js';
import { formatDocPath } from './yaml.js';

type Path = (string | number)[];

/**
 * Ranges no lab can use for unicast. Not here because they work: 240.0.0.0/4 (Linux takes class E as unicast since
 * 2.6.25), 169.254.0.0/16 and fec0::/10 (Linux routers forward them), ::/96 IPv4-compatible addresses.
 */
const UNUSABLE: { family: Family; cidr: string; why: string; addressOnly?: boolean }[] = [
  { family: 4, cidr: '0.0.0.0/8', why: "'this network' (RFC 1122): Linux drops it as a martian, and refuses a gateway there" },
  { family: 4, cidr: '127.0.0.0/8', why: "loopback: every namespace's lo owns the whole /8, so a ping to such an address is answered by the sender itself" },
  { family: 4, cidr: '224.0.0.0/4', why: 'multicast: the kernel assigns it to an interface, but no unicast reaches it' },
  // A pool never hands it out: it is the broadcast address of the last subnet.
  { family: 4, cidr: '255.255.255.255/32', why: 'the limited broadcast address', addressOnly: true },
  { family: 6, cidr: '::1/128', why: 'the loopback address: the kernel refuses it on any interface but lo' },
  { family: 6, cidr: '::/128', why: 'the unspecified address' },
  { family: 6, cidr: '::ffff:0:0/96', why: 'IPv4-mapped: the kernel assigns it, but no packet to it is delivered' },
  { family: 6, cidr: 'fe80::/10', why: 'link-local: every interface has fe80::/64 already, and routers never forward link-local traffic' },
  { family: 6, cidr: 'ff00::/8', why: 'multicast: the kernel refuses it as an interface address' },
];
const UNUSABLE_CIDRS = UNUSABLE.map((u) => ({ ...u, net: parseCidr(u.cidr, u.family)! }));

/** The unusable range that `c` (a pool, or an address with its prefix) falls into or overlaps. */
export function unusableRange(c: Cidr, asAddress: boolean): { cidr: string; why: string } | undefined {
  const probe = asAddress ? { ...c, prefixLen: c.family === 4 ? 32 : 128 } : networkOf(c);
  return UNUSABLE_CIDRS.find((u) => u.family === c.family && (asAddress || !u.addressOnly) && overlaps(u.net, probe));
}

const POOL_HINT: Record<Family, string> = {
  4: 'use a private range: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (the default is 10.10.0.0/16)',
  6: 'use a unique local prefix (fd00::/8), e.g. fd00:10::/48 (the default)',
};
const ADDRESS_HINT: Record<Family, string> = {
  4: 'use an address in a private range: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10',
  6: 'use a unique local address (fd00::/8), e.g. fd00:1::1/64',
};

function endpointsOf(l: NonNullable<RawTopology['links']>[number], i: number): { text: string; path: Path }[] {
  return Array.isArray(l)
    ? l.map((text, j) => ({ text, path: ['links', i, j] }))
    : l.endpoints.map((text, j) => ({ text, path: ['links', i, 'endpoints', j] }));
}

/** /proc/sys/net/ipv{4,6}/conf/{all,default} configure every interface, so the kernel refuses those names for a
 * device (EINVAL from `ip link add`). */
export const reservedIfnames: Check = (_t, raw, problems) => {
  (raw.links ?? []).forEach((l, i) => {
    for (const e of endpointsOf(l, i)) {
      const colon = e.text.indexOf(':');
      const ifname = colon === -1 ? undefined : e.text.slice(colon + 1);
      if (ifname !== undefined && RESERVED_IFNAMES.includes(ifname))
        problems.add(e.path, 'E_RESERVED_IFNAME', `interface name '${ifname}' is reserved: the kernel refuses it, because /proc/sys/net/ipv4/conf/${ifname} configures every interface`, `name it otherwise (e.g. ${e.text.slice(0, colon)}:eth9), or leave the name out to get one assigned`);
    }
  });
};

/** Address pools and explicit addresses in ranges that cannot carry unicast between namespaces. */
export const unusableAddresses: Check = (_t, raw, problems) => {
  for (const fam of [4, 6] as const) {
    const key = fam === 4 ? 'ipv4' : 'ipv6';
    const text = raw.addressing?.[key] ?? (fam === 4 ? DEFAULT_IPV4_POOL : DEFAULT_IPV6_POOL);
    const pool = text === false ? undefined : parseCidr(text, fam); // a malformed pool is E_BAD_POOL elsewhere
    const bad = pool && unusableRange(pool, false);
    if (pool && bad) {
      const inside = pool.prefixLen >= parseCidr(bad.cidr, fam)!.prefixLen;
      problems.add(['addressing', key], 'E_UNUSABLE_POOL', `the IPv${fam} pool ${formatCidr(networkOf(pool))} ${inside ? 'is in' : 'includes'} ${bad.cidr}, ${bad.why}`, POOL_HINT[fam]);
    }
  }
  (raw.links ?? []).forEach((l, i) => {
    if (Array.isArray(l)) return;
    for (const [key, fam] of [['ipv4', 4], ['ipv6', 6]] as const)
      l[key]?.forEach((a, j) => {
        const c = typeof a === 'string' ? parseCidr(a, fam) : undefined;
        const bad = c && unusableRange(c, true);
        if (bad) problems.add(['links', i, key, j], 'E_UNUSABLE_ADDRESS', `${a} is in ${bad.cidr}, ${bad.why}`, ADDRESS_HINT[fam]);
      });
  });

};

/** MTU below 1280 on a link whose ends get IPv6 addresses: Linux switches IPv6 off on the interface and refuses the
 * address (EINVAL). Switch ports carry no address, so a link between two switches may be that small. */
export const mtuForIpv6: Check = (_t, raw, problems) => {
  const kindOf = (node: string) => resolvedKind(raw.nodes?.[node]);
  const defaultMtu = raw.defaults?.link?.mtu;
  const v6Pool = raw.addressing?.ipv6 !== false;
  const reported = new Set<string>();
  (raw.links ?? []).forEach((l, i) => {
    const own = Array.isArray(l) ? undefined : l.mtu;
    const mtu = own ?? defaultMtu;
    if (mtu === undefined || mtu >= IPV6_MIN_MTU) return;
    const addressed = endpointsOf(l, i).map((e, j) => ({ j, node: e.text.split(':')[0] })).filter((e) => kindOf(e.node) !== 'switch');
    const explicitV6 = !Array.isArray(l) && addressed.some((e) => typeof l.ipv6?.[e.j] === 'string');
    if (!addressed.length || !(v6Pool || explicitV6)) return;
    const path: Path = own !== undefined ? ['links', i, 'mtu'] : ['defaults', 'link', 'mtu'];
    const where = formatDocPath(path);
    if (reported.has(where)) return;
    reported.add(where);
    problems.add(path, 'E_MTU_TOO_SMALL_FOR_IPV6', `MTU ${mtu} is below ${IPV6_MIN_MTU}, the IPv6 minimum: Linux turns IPv6 off on such an interface and refuses its IPv6 address, and ${addressed.map((e) => e.node).join(' and ')} ${addressed.length > 1 ? 'get' : 'gets'} one on ${own !== undefined ? 'this link' : `links[${i}]`}`,
      `raise mtu to ${IPV6_MIN_MTU} or more, or turn IPv6 off: addressing: { ipv6: false }${explicitV6 ? ' and no ipv6: on the link' : ''}`);
  });
};

/**
 * A rate the schema refuses gets the message the impairment parser would give, which names the bound and its
 * reason, or both readings of `20mbps`, where the schema can only say "not in the expected form".
 */
export function refineSchemaProblems(problems: Problem[], value: unknown): Problem[] {
  return problems.map((p) => {
    const path = parseDocPath(p.path);
    if (path[path.length - 1] !== 'rate') return p;
    const v = valueAt(value, path);
    if (typeof v !== 'string' && typeof v !== 'number') return p;
    let better: Pick<Problem, 'code' | 'message' | 'hint'> | undefined;
    parseImpairment({ rate: v }, [], (_path, code, message, hint) => (better ??= { code, message, hint }));
    return better ? { ...p, ...better } : p;
  });
}
