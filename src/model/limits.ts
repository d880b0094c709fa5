/** Kernel interface names are IFNAMSIZ (16) bytes including the trailing NUL: 15 usable. */
export const IFNAMSIZ_USABLE = 15;

/** Lab names become part of namespace names and state paths: short and path-safe. */
export const LAB_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,11}$/;
export const LAB_NAME_MAX = 12;

/** Node names become part of namespace names (`nslab-<lab>-<node>`); NAME_MAX is 255 so length is not the
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

export function netnsName(lab: string, node: string): string {
  return `${NETNS_PREFIX}${lab}-${node}`;
}

/** The bridge that a switch node's namespace holds; ports are the switch's veth ends. */
export const SWITCH_BRIDGE_NAME = 'br0';

export const DEFAULT_STATE_DIR = '/run/nslab';
