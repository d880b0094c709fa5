// The reference of every scenario step and option, generated from the scenario JSON Schema (and the metrics each
// step measures), so that the documentation cannot drift from what the loader accepts. `npm run docs:steps`
// writes it to docs/steps.md; a unit test fails when the checked-in file differs.

import { METRICS as STEP_METRICS, METRIC_UNITS } from './checks.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  definitions?: Record<string, Schema>;
} & Record<string, unknown>;

const UNIT_WORDS: Record<string, string> = { percent: 'percentage', durationMs: 'duration', rateBitPerSec: 'rate', count: 'count' };

/** Markdown for docs/steps.md. */
export function stepsReference(root: Schema): string {
  const lookup = (ref: string): Schema => ref.replace(/^#\//, '').split('/').reduce<Schema>((s, k) => s[k] as Schema, root);
  const value = (s: Schema): string => {
    if (s.$ref === '#/definitions/duration') return 'duration (`500ms`, `5s`, `2m`)';
    if (s.$ref === '#/definitions/nodeName') return 'node';
    if (s.$ref === '#/definitions/command') return 'string (run by `sh -c`) or list (argv, no shell)';
    if (s.$ref === '#/definitions/step') return 'step';
    if (s.$ref) return value(lookup(s.$ref));
    if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
    if (s.const !== undefined) return `\`${String(s.const)}\``;
    if (s.oneOf) return s.oneOf.map(value).join(' or ');
    if (s.type === 'array') return `list of ${value(s.items ?? {})}s`;
    const types = ([] as string[]).concat(s.type ?? []);
    const range = s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? (s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : '')}..${s.maximum ?? ''}` : '';
    return types.join(' or ') + range;
  };
  const describe = (s: Schema): string => (s.description ?? (s.$ref ? lookup(s.$ref).description : undefined) ?? '').replace(/\|/g, '\\|');
  const table = (props: Record<string, Schema>, required: string[] = []) => [
    '| key | required | value | meaning |',
    '|---|---|---|---|',
    ...Object.entries(props).map(([k, s]) => `| \`${k}\` | ${required.includes(k) ? 'yes' : ''} | ${value(s)} | ${describe(s)} |`),
  ];

  const step = root.definitions!.step;
  const kinds = Object.keys(step.properties!).filter((k) => !['name', 'at', 'timeout', 'expect'].includes(k));
  const common = Object.fromEntries(['name', 'at', 'timeout', 'expect'].map((k) => [k, step.properties![k]]));
  const out = [
    '# Scenario reference',
    '',
    '<!-- Generated from schema/scenario.schema.json by `npm run docs:steps`; do not edit by hand (a unit test compares). -->',
    '',
    'A scenario file builds a lab, runs its steps in order, checks their expectations and always tears the lab down.',
    `Each step is one of: ${kinds.map((k) => `[\`${k}\`](#${k})`).join(', ')}.`,
    '',
    '## The file',
    '',
    ...table(root.properties!, root.required),
    '',
    '## Keys of every step',
    '',
    ...table(common),
    '',
    'An expectation is a string: `"< 5%"`, `">= 9mbit"`, `"38ms..46ms"`, `"40ms ± 2ms"`, `"== 0"`, or `"~10%"` for a loss',
    'that passes when 10% lies in the 99% Clopper-Pearson interval of the observed loss. Exit 0 means every expectation',
    'held, 1 that one failed, 2 anything else (see the README).',
  ];
  for (const k of kinds) {
    const s = step.properties![k];
    out.push('', `## ${k}`, '');
    if (describe(s)) out.push(describe(s).replace(/\\\|/g, '|'), '');
    if (s.properties) out.push(...table(s.properties, s.required));
    else out.push(`Value: ${value(s)}.`);
    const metrics = STEP_METRICS[k];
    if (metrics) {
      const expect = root.definitions!.metricExpect.properties!;
      out.push('', `Metrics for \`expect\`:`, '', '| metric | unit | meaning |', '|---|---|---|');
      const unit = (m: string) => (METRIC_UNITS[m] ? UNIT_WORDS[METRIC_UNITS[m]] : !expect[m] || expect[m].$ref === '#/definitions/expectValue' ? 'count' : value(expect[m]));
      for (const m of metrics) out.push(`| \`${m}\` | ${unit(m)} | ${describe(expect[m] ?? {})} |`);
    }
  }
  return out.join('\n') + '\n';
}
