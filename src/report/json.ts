// The JSON report: every step, every metric and check, series and timings — the run as data.
import type { ScenarioResult } from '../scenario/model.js';

export function toJsonReport(results: ScenarioResult[]): string {
  return JSON.stringify({ nslab: 1, generatedAt: new Date().toISOString(), scenarios: results }, null, 2) + '\n';
}
