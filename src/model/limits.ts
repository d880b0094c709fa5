/** Kernel interface names are IFNAMSIZ (16) bytes including the trailing NUL: 15 usable. */
export const IFNAMSIZ_USABLE = 15;

/** Lab names become part of namespace names and state paths: short and path-safe. */
export const LAB_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,11}$/;
export const LAB_NAME_MAX = 12;

/** Node names become part of namespace names (`nslab-<lab>.<node>`); NAME_MAX is 255 so length is not the
 * constraint, readability and argv-safety are. */
export const NODE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

/** Interface names: what the kernel accepts (no '/', ':', whitespace) narrowed to a safe set. */
export const IFNAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;

/** Refuse absurd inputs up front, with the limit named in the message. */
export const LIMITS = {
  nodes: 10_000,
  links: 20_000,
  fileBytes: 8 * 1024 * 1024,
  yamlAliasCount: 1_000,
  /** Values that expanding YAML aliases may add to the document. */
  yamlAliasValues: 100_000,
  netemLimitPackets: 10_000_000,
  commandsPerNode: 100,
  /** Auto routing adds a route per router per segment it is not on: quadratic in the lab's size. */
  routes: 1_000_000,
} as const;

/** Every namespace a lab creates is named with this prefix, the lab and the node. */
export const NETNS_PREFIX = 'nslab-';

/**
 * Lab and node are joined by '.', a character neither a lab name ([a-z0-9-]) nor a node name ([A-Za-z0-9_-]) can
 * hold, so the first '.' after the prefix splits every name one way only. With '-' (the old separator) lab `advq` +
 * node `z-h1` and lab `advq-z` + node `h1` were both `nslab-advq-z-h1`, and one lab's `down` deleted the other's.
 * Names without a '.' (the capability probe's `nslab-probe-PID`) can never be a lab's.
 */
export const NETNS_SEPARATOR = '.';

export function netnsName(lab: string, node: string): string {
  return `${netnsLabPrefix(lab)}${node}`;
}

/** What every namespace of `lab` starts with, and no other lab's does. */
export function netnsLabPrefix(lab: string): string {
  return `${NETNS_PREFIX}${lab}${NETNS_SEPARATOR}`;
}

/** True when nslab could have generated `name` for `lab`: teardown never acts on any other name a journal holds. */
export function isLabNetnsName(lab: string, name: string): boolean {
  const prefix = netnsLabPrefix(lab);
  return LAB_NAME_PATTERN.test(lab) && name.startsWith(prefix) && NODE_NAME_PATTERN.test(name.slice(prefix.length));
}

/**
 * The proof of ownership nslab writes inside each namespace it creates, as the loopback's alias (IFLA_IFALIAS, at
 * most 255 bytes): the lab and a random id of this build, which the journal keeps. A namespace's name and inode prove
 * nothing (the kernel hands a deleted namespace's inode to the next one at once); a namespace carrying this tag was
 * made by this build. `down` and `clean` delete, and kill processes in, tagged namespaces only.
 */
export function netnsTag(lab: string, buildId: string): string {
  return `nslab:${lab}:${buildId}`;
}

/** The capability probe's scratch namespace and its tag (pid and start time: a dead probe is told from a live one). */
export const PROBE_NETNS_PATTERN = /^nslab-probe-(\d+)$/;
export function probeNetnsName(pid: number): string {
  return `${NETNS_PREFIX}probe-${pid}`;
}
export function probeTag(pid: number, startTime: string): string {
  return `nslab:probe:${pid}:${startTime}`;
}

/** The bridge that a switch node's namespace holds; ports are the switch's veth ends. */
export const SWITCH_BRIDGE_NAME = 'br0';

export const DEFAULT_STATE_DIR = '/run/nslab';

/**
 * What tc (iproute2 6.1, checked on this machine) accepts for the shaping nslab renders; beyond these a file that
 * validates would fail, or silently change meaning, at `up`.
 *
 * Rates: tc keeps a rate in whole bytes per second, so below 8 bit/s it is 0 and tc says '"rate" is required'
 * (a numeric 0.5 would be rendered as 1bit and refused the same way). 15bit is taken as 8bit.
 * At the top, htb's burst is one millisecond at the rate (plan/shape.ts htbBurstBytes), and tc parses a burst as
 * an unsigned 32-bit byte count ("Illegal burst" above 4294967295): ceil(rate / 8 / 1000) ≤ 2^32 − 1, so
 * rate ≤ (2^32 − 1) × 8 × 1000 = 34,359,738,360,000 bit/s (about 34.36 tbit). 35tbit (burst 4375000000) and
 * 100tbit (12500000000) are refused by tc; veth itself carries a few tens of Gbit/s.
 */
export const RATE_MIN_BIT_PER_SEC = 8;
/** (2^32 − 1) × 8 × 1000 bit/s: above it htb's 1 ms burst no longer fits tc's 32-bit byte count (see above). */
export const RATE_MAX_BIT_PER_SEC = (2 ** 32 - 1) * 8 * 1000;

/**
 * netem's delay and jitter: tc converts the time to scheduler ticks of 64 ns (/proc/net/psched reads 000003e8
 * 00000040: 1000 ns / 64 → 15.625 ticks per µs) and refuses a value whose tick count does not fit in 32 bits
 * ("Illegal … time (too large)"): µs × 15.625 < 2^32, so at most 274,877,906 µs (274.877906 s). Worse, from
 * 2^32 µs (4294.967296 s) up tc's parse wraps first: `delay 4295s` would be taken as 32.7 ms.
 */
export const NETEM_TIME_MAX_US = 274_877_906;

/**
 * htb stores its burst as the time to send it at the rate, in a 32-bit count of 64 ns ticks: at most
 * 2^32 × 64 ns = 274.877906944 s. A longer burst wraps silently (measured: 3028 bytes at 8 bit/s reads back as a
 * 4-byte burst), so plan/shape.ts caps the burst at the bytes the rate sends in that time.
 */
export const HTB_MAX_BURST_TIME_S = (2 ** 32 * 64) / 1e9;

/** Linux removes IPv6 from an interface whose MTU is below 1280 (RFC 8200's minimum link MTU), and refuses to add
 * an IPv6 address to one (EINVAL). */
export const IPV6_MIN_MTU = 1280;

/** Interface names the kernel refuses (EINVAL): they are taken by /proc/sys/net/ipv{4,6}/conf/{all,default}. */
export const RESERVED_IFNAMES: readonly string[] = ['all', 'default'];
