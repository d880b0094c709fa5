// Expectations on a command's JSON output (vtysh ... json): each key is a JMESPath expression (as Ansible's
// json_query and netlab validate use), each value an expectation of the usual forms (">= 2", "== 0") for a number,
// or the exact value for a string or boolean. Pure: parsed JSON in, check outcomes out.

import jmespath from 'jmespath';
import { NslabError } from '../model/index.js';
import { check, parseExpectation, type Expectation } from './expect.js';
import type { CheckOutcome } from './model.js';

export type QueryExpectation = { expr: string; want: Expectation } | { expr: string; equals: string | boolean };

/** Parse one `query:` entry; throws a NslabError (code E_BAD_QUERY or E_BAD_EXPECTATION) with the reason. */
export function parseQuery(expr: string, value: string | number | boolean): QueryExpectation {
  try {
    // compile() is exported by jmespath.js but missing from @types/jmespath.
    (jmespath as unknown as { compile(e: string): unknown }).compile(expr);
  } catch (e) {
    throw new NslabError('E_BAD_QUERY', `${JSON.stringify(expr)} is not a JMESPath expression: ${(e as Error).message}`, {
      hint: 'e.g. "length(neighbors.*[])" or "routes.\\"10.0.0.0/24\\"[0].protocol"; see jmespath.org',
    });
  }
  if (typeof value === 'boolean') return { expr, equals: value };
  if (typeof value === 'number') return { expr, want: parseExpectation(`== ${value}`, { unit: 'count' }) };
  // A comparison ("> 2", "1..3") is an expectation; any other string is the value the expression must equal.
  if (/^\s*(==|!=|<=|>=|<|>|~)|\.\./.test(value)) return { expr, want: parseExpectation(value, { unit: 'count' }) };
  return { expr, equals: value };
}

/** The expression's value on `data`; `undefined` when the expression fails at run time (a function on the wrong type). */
export function evaluateQuery(expr: string, data: unknown): unknown {
  try {
    return jmespath.search(data, expr);
  } catch {
    return undefined;
  }
}

const show = (v: unknown): string => (v === undefined ? 'n/a (the expression failed)' : v === null ? 'null (no match)' : JSON.stringify(v).slice(0, 120));

export function checkQuery(q: QueryExpectation, data: unknown): CheckOutcome {
  const v = evaluateQuery(q.expr, data);
  const metric = `query ${q.expr}`;
  if ('equals' in q) return { metric, ok: v === q.equals, expected: `== ${JSON.stringify(q.equals)}`, measured: show(v) };
  if (typeof v !== 'number') return { metric, ...check(q.want, null), measured: typeof v === 'object' && v !== null ? `${show(v)} (not a number: wrap it in length())` : show(v) };
  return { metric, ...check(q.want, v) };
}
