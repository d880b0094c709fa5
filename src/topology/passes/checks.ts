// Pass 8 (last), checks: whole-lab semantic checks that look at the resolved result rather than at one key. Each
// check is its own function in its own module, listed in CHECKS: adding one is an import and a line here.

import type { RawTopology, ResolvedTopology } from '../../model/index.js';
import { mtuForIpv6, reservedIfnames, unusableAddresses } from '../checks.js';
import type { Problems } from './draft.js';

/**
 * A semantic check: reads the resolved topology (and the raw document, for paths into the file) and reports
 * located problems; it changes nothing. It also runs when earlier passes found problems, so that a file's
 * problems are all reported together: links with broken endpoints are then missing from `t`.
 */
export type Check = (t: ResolvedTopology, raw: RawTopology, problems: Problems) => void;

export const CHECKS: Check[] = [reservedIfnames, unusableAddresses, mtuForIpv6];

export function checks(t: ResolvedTopology, raw: RawTopology, problems: Problems, list: readonly Check[] = CHECKS): void {
  for (const check of list) check(t, raw, problems);
}
