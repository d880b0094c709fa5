// YAML with positions: every problem found later can be pointed at FILE:LINE:COL.

import { isAlias, isCollection, isNode, isPair, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { LIMITS, NslabError, type LocateFn, type Problem } from '../model/index.js';

export interface ParsedYaml {
  value: unknown;
  locate: LocateFn;
  file: string;
}

const DUPLICATE_KEY = 'Map keys must be unique';

/**
 * One walk over the document for what the parser leaves to us:
 * - duplicate keys, compared as the JS object will see them (`1:` and `"1":` collide there); the parser's own
 *   uniqueKeys check compares every key with every earlier one: quadratic, 20 s for a 40,000-key map;
 * - keys that are lists, maps or aliases (`? [a, b]`), which toJS would stringify with a process warning;
 * - where the first alias is, if there is one.
 */
function scanDocument(doc: Document): { errors: { pos: number; message: string; code: string }[]; firstAlias?: number } {
  const errors: { pos: number; message: string; code: string }[] = [];
  let firstAlias: number | undefined;
  visit(doc, {
    Alias(_, a) {
      firstAlias ??= a.range?.[0] ?? 0;
    },
    Map(_, map) {
      const keys = new Set<string>();
      for (const pair of map.items) {
        // A tagged scalar can hold an object too (`!!binary` makes a Uint8Array).
        if (!isScalar(pair.key) || (typeof pair.key.value === 'object' && pair.key.value !== null)) {
          if (isNode(pair.key))
            errors.push({ pos: pair.key.range?.[0] ?? 0, message: 'a key must be a plain value, not a list, a map or an alias', code: 'COMPLEX_KEY' });
          continue;
        }
        const v = pair.key.value;
        const k = v === null ? '' : String(v);
        if (keys.has(k)) errors.push({ pos: pair.key.range?.[0] ?? 0, message: DUPLICATE_KEY, code: 'DUPLICATE_KEY' });
        else keys.add(k);
      }
    },
  });
  return { errors, firstAlias };
}

/**
 * How many values the document has, with every alias expanded or not, or 'cycle' when an alias sits inside the
 * collection it refers to. Linear in the document (sizes memoised per node), so a billion laughs costs nothing.
 */
function documentSize(doc: Document, expand: boolean): number | 'cycle' {
  // An alias means the last node before it with that anchor. Alias.resolve(doc) finds it by walking the whole
  // document each time, so 900 aliases in a 100,000-value file took 10 s: resolve all of them in one walk.
  const latest = new Map<string, unknown>();
  const sourceOf = new Map<unknown, unknown>();
  if (expand)
    visit(doc, {
      Node(_, node) {
        if (isAlias(node)) sourceOf.set(node, latest.get(node.source));
        else if (node.anchor) latest.set(node.anchor, node);
      },
    });
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  const size = (node: unknown): number | 'cycle' => {
    if (isAlias(node)) {
      if (!expand) return 1;
      node = sourceOf.get(node);
    }
    if (!isNode(node) && !isPair(node)) return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (active.has(node)) return 'cycle';
    let n = 1;
    if (isCollection(node) || isPair(node)) {
      active.add(node);
      const kids = isPair(node) ? [node.key, node.value] : node.items;
      for (const kid of kids) {
        const k = size(kid);
        if (k === 'cycle') return 'cycle';
        n += k;
      }
      active.delete(node);
    }
    memo.set(node, n);
    return n;
  };
  return size(doc.contents);
}

/** Parse YAML text; syntax errors, alias bombs and oversize input become located problems. */
export function parseYamlDocument(text: string, file: string): ParsedYaml {
  if (text.length > LIMITS.fileBytes) {
    const message = `${file} is ${text.length} bytes; the limit is ${LIMITS.fileBytes}`;
    const hint = 'split the lab, or use a generator (topo: tree,3,10) instead of listing every node';
    throw new NslabError('E_FILE_TOO_LARGE', message, {
      hint,
      problems: [{ code: 'E_FILE_TOO_LARGE', message, path: '', location: { file, line: 1, col: 1 }, hint }],
    });
  }
  const lineCounter = new LineCounter();
  const tooDeep = (e: unknown): NslabError => {
    const message = 'the document nests too deeply to read';
    const hint = 'a topology needs only a few levels of nesting: check the brackets and the indentation';
    const problems = [{ code: 'E_YAML_TOO_DEEP', message, path: '', location: { file, line: 1, col: 1 }, hint }];
    return new NslabError('E_INVALID_FILE', `${file}: ${message}`, { cause: e, hint, problems });
  };
  // The parser, and our walks over what it builds, recurse once per level of nesting and let the stack overflow
  // escape (2,000 levels): that becomes a located problem.
  const shallow = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof RangeError) throw tooDeep(e);
      throw e;
    }
  };
  const doc: Document = shallow(() => parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false }));
  const problems: Problem[] = [];
  const scan = shallow(() => scanDocument(doc));
  const errors = [...doc.errors.map((e) => ({ pos: e.pos[0], message: e.message, code: e.code as string })), ...scan.errors];
  errors.sort((a, b) => a.pos - b.pos);
  for (const err of errors) {
    const pos = lineCounter.linePos(err.pos);
    problems.push({
      code: 'E_YAML_SYNTAX',
      message: err.message.split('\n')[0],
      path: '',
      location: { file, line: pos.line, col: pos.col },
      hint: err.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : err.code === 'COMPLEX_KEY' ? 'write the key as a plain name' : 'fix the YAML syntax at this position',
    });
  }
  if (problems.length) {
    throw new NslabError('E_INVALID_FILE', `${file}: ${problems.length} problem(s)`, { problems });
  }
  const aliasProblem = (message: string, at: number, cause?: unknown): NslabError => {
    const hint = `YAML aliases may expand to at most ${LIMITS.yamlAliasCount} nodes; write the repeated parts out or use a generator`;
    const pos = lineCounter.linePos(at);
    return new NslabError('E_YAML_ALIASES', `${file}: ${message}`, {
      cause,
      hint,
      problems: [{ code: 'E_YAML_ALIASES', message, path: '', location: { file, line: pos.line, col: pos.col }, hint }],
    });
  };
  const firstAlias = scan.firstAlias;
  if (firstAlias !== undefined) {
    // The parser's maxAliasCount bounds nesting but not breadth: 900 aliases of one 50,000-item list pass it and
    // then cost 45 million values downstream. Bounding what aliases add catches both, and cycles.
    const expanded = shallow(() => documentSize(doc, true));
    if (expanded === 'cycle') throw aliasProblem('an alias refers to a collection that contains it', firstAlias);
    const added = expanded - (documentSize(doc, false) as number);
    if (added > LIMITS.yamlAliasValues)
      throw aliasProblem(`aliases add ${added} values to the document; the limit is ${LIMITS.yamlAliasValues} values (and ${LIMITS.yamlAliasCount} alias expansions)`, firstAlias);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.yamlAliasCount });
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(e);
    const why = (e as Error).message.startsWith('Excessive alias count')
      ? `too many alias expansions; the limit is ${LIMITS.yamlAliasCount}`
      : (e as Error).message;
    throw aliasProblem(why, firstAlias ?? 0, e);
  }
  const locate: LocateFn = (path) => {
    // Walk down as far as the path exists, so a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const p = lineCounter.linePos(node.range[0]);
        return { file, line: p.line, col: p.col };
      }
      if (n > 0) {
        // A map key: getIn returns the value; a key without a value node points at the pair's key.
        const parent = doc.getIn(path.slice(0, n - 1), true) as unknown;
        if (parent && typeof parent === 'object' && 'items' in (parent as object)) {
          const items = (parent as { items: { key?: unknown }[] }).items;
          const pair = items.find((it) => isNode(it?.key) && (it.key as { value?: unknown }).value === path[n - 1]);
          const key = pair?.key as { range?: [number, number, number] } | undefined;
          if (key?.range) {
            const p = lineCounter.linePos(key.range[0]);
            return { file, line: p.line, col: p.col };
          }
        }
      }
    }
    return { file, line: 1, col: 1 };
  };
  return { value, locate, file };
}

/** `links[2].endpoints[0]` from ['links', 2, 'endpoints', 0]. */
export function formatDocPath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
