// IPv4/IPv6 arithmetic on bigints: enough to allocate subnets, check membership and overlap.
// Node's `net.isIPv4/isIPv6` would do validation but lives in a side-effecting module family; this stays pure.

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The address as written (host bits kept): 10.0.0.1/24 keeps the .1. */
  address: bigint;
  prefixLen: number;
}

const V4_BITS = 32;
const V6_BITS = 128;

export function bitsOf(family: Family): number {
  return family === 4 ? V4_BITS : V6_BITS;
}

export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  let head: string[];
  let tail: string[] = [];
  const dbl = text.indexOf('::');
  if (dbl !== -1) {
    if (text.indexOf('::', dbl + 1) !== -1) return undefined;
    head = text.slice(0, dbl) === '' ? [] : text.slice(0, dbl).split(':');
    tail = text.slice(dbl + 2) === '' ? [] : text.slice(dbl + 2).split(':');
  } else {
    head = text.split(':');
  }
  const groups: number[] = [];
  const pushGroups = (arr: string[], out: number[]): boolean => {
    for (let i = 0; i < arr.length; i++) {
      const g = arr[i];
      if (g.includes('.')) {
        if (i !== arr.length - 1) return false;
        const v4 = parseIPv4(g);
        if (v4 === undefined) return false;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
        out.push(parseInt(g, 16));
      }
    }
    return true;
  };
  const h: number[] = [];
  const t: number[] = [];
  if (!pushGroups(head, h) || !pushGroups(tail, t)) return undefined;
  if (dbl === -1) {
    if (h.length !== 8) return undefined;
    groups.push(...h);
  } else {
    if (h.length + t.length > 7) return undefined;
    groups.push(...h, ...new Array(8 - h.length - t.length).fill(0), ...t);
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function parseAddress(text: string): { family: Family; address: bigint } | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, address: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { family: 6, address: v6 };
  return undefined;
}

export function parseCidr(text: string, family?: Family): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  if (!addr || (family && addr.family !== family)) return undefined;
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const prefixLen = Number(lenText);
  if (prefixLen > bitsOf(addr.family)) return undefined;
  return { family: addr.family, address: addr.address, prefixLen };
}

export function formatAddress(family: Family, address: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((address >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.family, c.address)}/${c.prefixLen}`;
}

function hostMask(family: Family, prefixLen: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefixLen)) - 1n;
}

/** The network address of a CIDR (host bits cleared). */
export function networkOf(c: Cidr): Cidr {
  return { family: c.family, address: c.address & ~hostMask(c.family, c.prefixLen), prefixLen: c.prefixLen };
}

export function contains(net: Cidr, family: Family, address: bigint): boolean {
  if (net.family !== family) return false;
  const n = networkOf(net);
  return (address & ~hostMask(family, n.prefixLen)) === n.address;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefixLen <= b.prefixLen ? a : b;
  const other = shorter === a ? b : a;
  return contains(shorter, other.family, networkOf(other).address);
}

/** The i-th subnet of length `prefixLen` inside `pool` (0-based), or undefined past the end. */
export function nthSubnet(pool: Cidr, prefixLen: number, i: number): Cidr | undefined {
  const base = networkOf(pool);
  if (prefixLen < pool.prefixLen) return undefined;
  const count = 1n << BigInt(prefixLen - pool.prefixLen);
  if (BigInt(i) >= count) return undefined;
  const step = 1n << BigInt(bitsOf(pool.family) - prefixLen);
  return { family: pool.family, address: base.address + BigInt(i) * step, prefixLen };
}

/** The i-th host (1-based) of a subnet. */
export function nthHost(net: Cidr, i: number): Cidr {
  return { family: net.family, address: networkOf(net).address + BigInt(i), prefixLen: net.prefixLen };
}

/** True when the address is the network or (IPv4) broadcast address of its prefix. */
export function isReservedInSubnet(c: Cidr): boolean {
  if (c.family === 6) return c.prefixLen < 127 && (c.address & hostMask(6, c.prefixLen)) === 0n;
  if (c.prefixLen >= 31) return false;
  const host = c.address & hostMask(4, c.prefixLen);
  return host === 0n || host === hostMask(4, c.prefixLen);
}
