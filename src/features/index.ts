// features/: optional capabilities of a lab, one folder each (ospf, bgp, frr, …). A feature owns its schema
// fragment (schema.json, merged into schema/topology.schema.json by scripts/merge-schema.mjs), its resolution hook
// and its services/config provider; all pure. The core passes know the hook points listed here, not the features.

import type { RoutingMode } from '../model/index.js';
import { bgp } from './bgp/index.js';
import { isis } from './isis/index.js';
import { ospf } from './ospf/index.js';
import type { RoutingProtocol } from './frr/index.js';

/** The routing protocols that `routing:` can name, by name. */
export const ROUTING_PROTOCOLS: Record<string, RoutingProtocol> = { ospf, bgp, isis };

export function routingProtocol(mode: RoutingMode | undefined): RoutingProtocol | undefined {
  return mode && Object.hasOwn(ROUTING_PROTOCOLS, mode) ? ROUTING_PROTOCOLS[mode] : undefined;
}

export type { RoutingProtocol } from './frr/index.js';
