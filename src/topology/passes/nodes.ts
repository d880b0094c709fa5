// Pass 2, nodes: per-node checks and one ResolvedNode per node (kind, namespace, sysctls, commands, env); the
// interfaces and routes are filled in by the passes after this one.

import { LIMITS, netnsName, type Command, type ResolvedNode } from '../../model/index.js';
import type { Normalised, WithNodes } from './draft.js';

function toCommand(c: string | string[]): Command {
  return typeof c === 'string' ? { shell: c } : { argv: c };
}

export function nodes(d: Normalised): WithNodes {
  const P = d.problems;
  const { raw, kindOf, nodeNames } = d;
  for (const n of nodeNames) {
    const node = raw.nodes[n] ?? {};
    if (node.stp !== undefined && kindOf.get(n) !== 'switch') P.add(['nodes', n, 'stp'], 'E_STP_NOT_SWITCH', `stp is a switch setting; '${n}' is a ${kindOf.get(n)}`, 'remove stp, or make the node kind: switch');
    for (const key of ['routes', 'gateway', 'exec', 'start'] as const)
      if (node[key] !== undefined && kindOf.get(n) === 'switch' && key !== 'exec' && key !== 'start')
        P.add(['nodes', n, key], 'E_NOT_FOR_SWITCH', `'${key}' does not apply to a switch (it has no addresses)`, `remove ${key} from '${n}'`);
    for (const key of ['exec', 'start'] as const)
      if ((node[key]?.length ?? 0) > LIMITS.commandsPerNode)
        P.add(['nodes', n, key], 'E_TOO_MANY_COMMANDS', `${node[key]?.length} commands; the limit is ${LIMITS.commandsPerNode}`, 'put them in a script and run that');
  }
  const resolved: ResolvedNode[] = nodeNames.map((name) => {
    const rawNode = raw.nodes[name] ?? {};
    const kind = kindOf.get(name)!;
    const sysctls: Record<string, string> = {};
    if (kind === 'router') {
      sysctls['net.ipv4.ip_forward'] = '1';
      sysctls['net.ipv6.conf.all.forwarding'] = '1';
    }
    for (const [k, v] of Object.entries(rawNode.sysctls ?? {})) sysctls[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    // fromEntries defines own properties, so an env var named __proto__ is kept rather than lost.
    const env: Record<string, string> = Object.fromEntries(Object.entries(rawNode.env ?? {}).map(([k, v]) => [k, String(v)]));
    return {
      name,
      kind,
      netns: netnsName(d.lab, name),
      interfaces: [],
      routes: [],
      sysctls,
      exec: (rawNode.exec ?? []).map(toCommand),
      start: (rawNode.start ?? []).map(toCommand),
      env,
      stp: rawNode.stp ?? false,
    };
  });
  return { ...d, nodes: resolved, byName: new Map(resolved.map((n) => [n.name, n])) };
}
