// Parses `ovs-ofctl dump-flows` into flow entries: table, priority, match, actions and counters. Pure: text in, data
// out. A line looks like
//   cookie=0x0, duration=0.48s, table=0, n_packets=1, n_bytes=98, idle_timeout=60, priority=1,icmp,in_port=1 actions=output:2
// — statistics separated by ", ", then the match (no spaces; priority first, left out when it is the default
// 32768), then " actions=". The first line of the reply (NXST_FLOW reply / OFPST_FLOW reply) is not a flow.

export interface FlowEntry {
  table: number;
  priority: number;
  /** The match without the priority, e.g. "icmp,in_port=1" ("" matches everything). */
  match: string;
  actions: string;
  packets: number;
  bytes: number;
}

/** OpenFlow's default priority, which ovs-ofctl does not print. */
const DEFAULT_PRIORITY = 32768;

export function parseDumpFlows(text: string): FlowEntry[] {
  const flows: FlowEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const a = line.indexOf(' actions=');
    if (!line.startsWith('cookie=') || a < 0) continue;
    const left = line.slice(0, a);
    const num = (key: string): number | undefined => {
      const m = new RegExp(`(?:^|[ ,])${key}=([0-9]+)`).exec(left);
      return m ? Number(m[1]) : undefined;
    };
    // The match is the last ", "-separated part when it is not a statistic.
    const parts = left.split(', ');
    const last = parts[parts.length - 1];
    const isStat = /^(cookie|duration|table|n_packets|n_bytes|idle_timeout|hard_timeout|idle_age|hard_age|importance|reset_counts|send_flow_rem|no_packet_counts|no_byte_counts)(=|$)/.test(last);
    const matchText = isStat ? '' : last;
    const fields = matchText ? matchText.split(',') : [];
    const prio = fields.find((f) => f.startsWith('priority='));
    flows.push({
      table: num('table') ?? 0,
      priority: prio ? Number(prio.slice('priority='.length)) : DEFAULT_PRIORITY,
      match: fields.filter((f) => !f.startsWith('priority=')).join(','),
      actions: line.slice(a + ' actions='.length),
      packets: num('n_packets') ?? 0,
      bytes: num('n_bytes') ?? 0,
    });
  }
  return flows;
}
