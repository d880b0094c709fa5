// htb rate on the host kernel (htb exists here): iperf3 TCP through links shaped at 1, 10, 100 and 1000 mbit.
// htb meters Ethernet frames; iperf3 reports TCP payload. With MTU 1500 and TCP timestamps each 1514-byte frame
// carries 1448 payload bytes, so the wire rate is goodput × 1514/1448 — that is what must be within ±5%.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from '../../src/scenario/model.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { ownScenarioFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';
import { fidelity } from '../helpers/health.js';

sandbox();

const FRAME_PER_PAYLOAD = 1514 / 1448;

t.test('htb rate accuracy at 1, 10, 100, 1000 mbit (±5% of the configured rate, at the wire)', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const dir = mkdtempSync(join(tmpdir(), 'nslab-rate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const json = join(dir, 'rates.json');
  const r = await cli(['run', ownScenarioFile('test/fixtures/scenarios/rates.yaml').file, '--report', `json=${json}`]);
  t.equal(r.code, 0, r.stdout + r.stderr);
  const steps = (JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] }).scenarios[0].steps;
  const configured = [1e6, 10e6, 100e6, 1000e6];
  steps.forEach((s, i) => {
    const goodput = Number(s.metrics.throughput);
    const wire = goodput * FRAME_PER_PAYLOAD;
    const errPct = ((wire - configured[i]) / configured[i]) * 100;
    const what = `${configured[i] / 1e6} mbit: goodput ${(goodput / 1e6).toFixed(3)} Mbit/s, wire ${(wire / 1e6).toFixed(3)} Mbit/s (${errPct >= 0 ? '+' : ''}${errPct.toFixed(2)}%)`;
    // A miss while the step's health was at risk is skipped with the measured reason; otherwise asserted.
    fidelity(t, s.health, what, Math.abs(errPct) <= 5);
  });
  hostUnchanged(t, before, 'host unchanged');
});
