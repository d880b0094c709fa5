// `nslab ls`: kept apart from the other commands so that it loads only the state store (bin.ts calls it without
// yargs), and answers as fast as Node starts at any lab size.

import { listLabs } from '../api/list.js';

const out = (s: string) => process.stdout.write(s + '\n');

export async function ls(argv: { json?: unknown }): Promise<number> {
  const labs = listLabs();
  if (argv.json) {
    out(JSON.stringify(labs));
    return 0;
  }
  if (!labs.length) {
    out('no labs');
    return 0;
  }
  const rows = [['LAB', 'STATUS', 'NODES', 'LINKS', 'CREATED', 'SOURCE'], ...labs.map((l) => [l.name, l.status + (l.status === 'building' && !l.ownerAlive ? ' (builder died: nslab clean)' : ''), String(l.nodes), String(l.links), l.createdAt, l.source])];
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  out(rows.map((r) => r.map((x, c) => x.padEnd(w[c])).join('  ').trimEnd()).join('\n'));
  return 0;
}
