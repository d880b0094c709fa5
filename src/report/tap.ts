// TAP version 14: one test point per step, expected vs measured in the YAML diagnostics of failures.
import type { ScenarioResult } from '../scenario/model.js';
import { healthLine, keyFigures } from './human.js';

const yamlStr = (s: string) => JSON.stringify(s);

export function toTap(results: ScenarioResult[]): string {
  const out = ['TAP version 14'];
  const steps = results.flatMap((r) => r.steps.map((s) => ({ r, s })));
  const setupErrors = results.filter((r) => r.error && !r.steps.some((s) => s.status !== 'skipped'));
  out.push(`1..${steps.length + setupErrors.length}`);
  let n = 0;
  for (const r of setupErrors) out.push(`not ok ${++n} - ${r.name}: lab setup`, '  ---', `  message: ${yamlStr(r.error!.message)}`, `  code: ${r.error!.code}`, '  ...');
  for (const { r, s } of steps) {
    const desc = `${r.name}: ${s.id} ${s.name}`.replace(/#/g, '\\#');
    if (s.status === 'skipped') out.push(`ok ${++n} - ${desc} # SKIP ${s.message ?? 'not run'}`);
    else if (s.status === 'pass') out.push(`ok ${++n} - ${desc}`, ...keyFigures(s).map((f) => `# ${f}`), ...(s.health?.verdict === 'at risk' ? [`# health ${healthLine(s.health)}`] : []));
    else {
      // A failure while at risk stays `not ok` (never a silent pass); its description and YAML say so.
      out.push(`not ok ${++n} - ${desc}${s.atRisk ? ' (failed, at risk)' : ''}`, '  ---', `  status: ${s.status}`);
      if (s.atRisk) out.push('  at_risk: true');
      if (s.health) out.push(`  health: ${yamlStr(healthLine(s.health))}`);
      if (s.message) out.push(`  message: ${yamlStr(s.message)}`);
      for (const f of keyFigures(s)) out.push(`  # ${f}`);
      for (const c of s.checks.filter((x) => !x.ok)) out.push(`  ${c.metric}:`, `    expected: ${yamlStr(c.expected)}`, `    measured: ${yamlStr(c.measured)}`);
      out.push('  ...');
    }
  }
  return out.join('\n') + '\n';
}
