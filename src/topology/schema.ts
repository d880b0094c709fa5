// The JSON Schema is the single source of truth for the file format: ajv checks documents against it here,
// editors use the same file through yaml-language-server. Its errors are turned into located, fixable problems.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { LocateFn, Problem } from '../model/index.js';
import { formatDocPath } from './yaml.js';

// ajv is CommonJS; under NodeNext its default export arrives wrapped.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;

/** schema/ sits at the package root, two levels above both src/topology and dist/topology. */
export function schemaPath(name: 'topology' | 'scenario'): string {
  return fileURLToPath(new URL(`../../schema/${name}.schema.json`, import.meta.url));
}

const cache = new Map<string, { schema: object; validate: ValidateFunction }>();

export function loadSchema(name: 'topology' | 'scenario'): { schema: object; validate: ValidateFunction } {
  let entry = cache.get(name);
  if (!entry) {
    const schema = JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    entry = { schema, validate: ajv.compile(schema) };
    cache.set(name, entry);
  }
  return entry;
}

export function topologySchema(): object {
  return loadSchema('topology').schema;
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const c of candidates) {
    // The distance is at least the difference in length: skip the O(n·m) table for a 1 MB key.
    if (Math.abs(word.length - c.length) > limit) continue;
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** JSON for a message; never throws (YAML aliases can make a value circular). */
function show(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return Array.isArray(v) ? '[…]' : '{…}';
  }
}

const SPECIFIC = new Set(['additionalProperties', 'required', 'enum', 'pattern', 'const', 'minimum', 'maximum',
  'exclusiveMinimum', 'minItems', 'maxItems', 'minLength', 'propertyNames', 'type']);

function describe(e: ErrorObject): string | undefined {
  const ps = e.parentSchema as { description?: string } | undefined;
  return ps?.description;
}

/** Convert ajv's errors to problems: one per place, the most specific reason, the schema's own description as the fix. */
export function ajvErrorsToProblems(errors: ErrorObject[], locate: LocateFn, codePrefix = 'E_SCHEMA'): Problem[] {
  const groups = new Map<string, ErrorObject[]>();
  // ajv 8 puts the offending key of a propertyNames error on the error itself, not in params.
  const propertyNameOf = (e: ErrorObject) => (e as { propertyName?: string }).propertyName ?? (e.params as { propertyName?: string }).propertyName;
  for (const e of errors) {
    // propertyNames errors point at the key itself.
    const key = e.keyword === 'propertyNames' || propertyNameOf(e) !== undefined
      ? `${e.instancePath}/${propertyNameOf(e) ?? ''}`
      : e.instancePath;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  // Every key that has a deeper key below it (`k` starts with `key + '/'`); a Set rather than comparing each pair
  // of keys, which took minutes for a 1,000,000-item list of wrong values.
  const hasDeeper = new Set<string>();
  for (const k of groups.keys()) for (let i = k.indexOf('/'); i !== -1; i = k.indexOf('/', i + 1)) hasDeeper.add(k.slice(0, i));
  const problems: Problem[] = [];
  for (const [key, list] of groups) {
    const deeper = hasDeeper.has(key);
    const specific = list.filter((e) => SPECIFIC.has(e.keyword) && e.keyword !== 'type');
    let chosen: ErrorObject[];
    if (specific.length) chosen = specific;
    else if (deeper) continue; // the branch errors below say more
    else chosen = list.filter((e) => e.keyword === 'type').slice(0, 1).concat(list.filter((e) => e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf'));
    if (!chosen.length) chosen = list.slice(0, 1);
    const seen = new Set<string>();
    for (const e of chosen) {
      const path = pathOf(e.instancePath);
      let message: string;
      let hint: string | undefined = describe(e);
      let probPath = path;
      switch (e.keyword) {
        case 'additionalProperties': {
          const extra = (e.params as { additionalProperty: string }).additionalProperty;
          const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
          const guess = closest(extra, known);
          probPath = [...path, extra];
          message = `unknown key '${extra}'`;
          hint = guess ? `did you mean '${guess}'?` : `allowed keys here: ${known.join(', ')}`;
          break;
        }
        case 'required': {
          const missing = (e.params as { missingProperty: string }).missingProperty;
          message = `missing required key '${missing}'`;
          hint = `add '${missing}:'` + (describe(e) ? ` (${describe(e)})` : '');
          break;
        }
        case 'enum': {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
          const guess = typeof e.data === 'string' ? closest(e.data, allowed.map(String)) : undefined;
          message = `${show(e.data)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
          hint = guess ? `did you mean '${guess}'?` : hint;
          break;
        }
        case 'pattern':
          message = `${show(e.data)} is not in the expected form`;
          hint = hint ?? `it must match ${(e.params as { pattern: string }).pattern}`;
          break;
        case 'propertyNames':
          continue; // reported by the nested pattern error on the key
        case 'type':
          message = `${show(e.data)?.slice(0, 60)} ${e.message ?? 'has the wrong type'}`;
          break;
        default:
          message = `${e.message ?? 'is invalid'}`;
      }
      if (propertyNameOf(e) !== undefined) {
        const name = propertyNameOf(e)!;
        probPath = [...path, name];
        message = `name '${name}' is not allowed`;
        hint = path.length === 1 && path[0] === 'nodes'
          ? 'names use letters, digits, "_" and "-", start with a letter or digit, and have at most 32 characters'
          : `it must match ${(e.params as { pattern?: string }).pattern ?? 'the allowed form'}`;
      }
      const dedupe = `${formatDocPath(probPath)}|${message}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      problems.push({ code: `${codePrefix}_${e.keyword.toUpperCase()}`, message, path: formatDocPath(probPath), location: locate(probPath), hint });
    }
  }
  return problems;
}

export function validateAgainstSchema(name: 'topology' | 'scenario', value: unknown, locate: LocateFn): Problem[] {
  const { validate } = loadSchema(name);
  if (validate(value)) return [];
  return ajvErrorsToProblems(validate.errors ?? [], locate);
}
