// A child process that does only one up and down of a generated lab (or, with `baseline`, only loads the
// library), so its maxRSS is the orchestrator's peak for that lab and nothing else of the bench.
// argv: TOPO NAME [baseline]; prints one JSON line.

import { generated, runNslab } from './nslab.js';

const [topo, name, mode] = process.argv.slice(2);
if (mode === 'baseline') {
  generated(name, topo);
  console.log(JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
} else {
  const r = await runNslab(generated(name, topo));
  // maxRSS is in kilobytes (getrusage ru_maxrss).
  console.log(JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024, upMs: r.upMs, downMs: r.downMs }));
}
