// When the schema refuses part of a file, the semantic checks still run on the rest, so one `validate` reports
// every problem: `kind: hots` and a link to an unknown `h9` come out together. The refused parts are taken out
// (a bad key is deleted, a broken link or step dropped as a whole, a broken node left as an empty node) until what
// is left passes the schema; the checks then see a smaller file, and their problems are mapped back to the places
// in the file as written. Pure.

import { NODE_NAME_PATTERN, type LocateFn, type Problem } from '../model/index.js';
import { validateAgainstSchema } from './schema.js';
import { formatDocPath } from './yaml.js';

export type DocPath = (string | number)[];

/** What to take out for a schema problem at `path` (in the file as written): a path to delete, one to set to null,
 * nothing ('keep': the checks can take the value as it is, e.g. a badly formed name), or 'abort' when the document
 * has no usable shape left. */
export type SalvagePolicy = (path: DocPath) => { delete: DocPath } | { null: DocPath } | 'keep' | 'abort';

/** Inverse of formatDocPath: `links[3].endpoints[0]`, `nodes["a b"].kind` → segments. */
export function parseDocPath(text: string): DocPath {
  const out: DocPath = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** More schema problems than this are not salvaged: the file is not close to right, and each round revalidates it. */
const MAX_PROBLEMS = 200;
const MAX_ROUNDS = 10;

export interface Salvaged {
  /** The document with the refused parts taken out; it passes the schema. */
  value: unknown;
  /** Locates a path of `value` in the file as written. */
  locate: LocateFn;
  /** Rewrites the document paths of problems found in `value` to paths in the file as written. */
  remap(problems: Problem[]): Problem[];
}

/** The value at `path`, or undefined. */
export function valueAt(root: unknown, path: DocPath): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/**
 * The largest part of `value` that passes schema `name`, given the schema problems it has; undefined when nothing
 * useful is left or there are too many problems to bother.
 */
export function salvage(name: 'topology' | 'scenario', value: unknown, problems: Problem[], locate: LocateFn, policy: SalvagePolicy): Salvaged | undefined {
  if (problems.length > MAX_PROBLEMS) return undefined;
  const deletes = new Map<string, DocPath>(); // by formatted path, in the coordinates of the file as written
  const nulls = new Map<string, DocPath>();
  // Array items dropped, by the formatted path of the array: original indices, ascending.
  let dropped = new Map<string, number[]>();
  const toOriginal = (p: DocPath): DocPath => {
    const out: DocPath = [];
    for (const k of p) {
      if (typeof k === 'number') {
        let idx = k;
        for (const d of dropped.get(formatDocPath(out)) ?? []) if (d <= idx) idx++;
        out.push(idx);
      } else out.push(k);
    }
    return out;
  };
  let current = value;
  let pending = problems;
  for (let round = 0; ; round++) {
    let acted = false;
    let added = false;
    for (const p of pending) {
      const action = policy(toOriginal(parseDocPath(p.path)));
      if (action === 'abort') return undefined;
      if (action === 'keep') continue;
      acted = true;
      const [map, path] = 'delete' in action ? [deletes, action.delete] : [nulls, action.null];
      const key = formatDocPath(path);
      if (!map.has(key)) added = true;
      map.set(key, path);
    }
    if (!acted) break; // what still fails is what the policy keeps (names): the checks can take it
    if (!added || round === MAX_ROUNDS) return undefined; // taking the same part out again would not help
    // Rebuild from the file as written: nulls, then key deletions, then array items, deepest and last first, so
    // that every edit's path still means what it meant in the file.
    const copy = structuredClone(value);
    for (const path of nulls.values()) {
      const parent = valueAt(copy, path.slice(0, -1));
      if (parent !== null && typeof parent === 'object') (parent as Record<string | number, unknown>)[path[path.length - 1]] = null;
    }
    const items: DocPath[] = [];
    for (const path of deletes.values()) {
      if (path.length === 0) return undefined;
      const parent = valueAt(copy, path.slice(0, -1));
      if (Array.isArray(parent) && typeof path[path.length - 1] === 'number') items.push(path);
      else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
    }
    items.sort((a, b) => b.length - a.length || (b[b.length - 1] as number) - (a[a.length - 1] as number));
    dropped = new Map();
    for (const path of items) {
      const array = valueAt(copy, path.slice(0, -1));
      if (!Array.isArray(array)) continue; // the array itself was deleted or emptied
      array.splice(path[path.length - 1] as number, 1);
      const at = formatDocPath(path.slice(0, -1));
      dropped.set(at, [...(dropped.get(at) ?? []), path[path.length - 1] as number].sort((a, b) => a - b));
    }
    current = copy;
    pending = validateAgainstSchema(name, current, () => undefined);
  }
  const seen = new Map<string, string>();
  return {
    value: current,
    locate: (p) => {
      const orig = toOriginal(p);
      seen.set(formatDocPath(p), formatDocPath(orig));
      return locate(orig);
    },
    remap: (ps) => ps.map((p) => (seen.has(p.path) ? { ...p, path: seen.get(p.path)! } : p)),
  };
}

/** For topology files: keep names (the checks take any string), empty a broken node rather than lose it (links to it
 * would become "unknown node"), drop a link whose endpoints are broken, delete anything else that is refused. */
export const topologyPolicy: SalvagePolicy = (p) => {
  if (p.length === 0) return 'abort';
  if (p[0] === 'name') return 'keep';
  if (p[0] === 'nodes') {
    if (p.length === 1) return 'abort';
    if (p.length === 2) return NODE_NAME_PATTERN.test(String(p[1])) ? { null: p } : 'keep';
    return { delete: p };
  }
  if (p[0] === 'links') {
    if (p.length === 1) return 'abort';
    return p.length === 2 || p[2] === 'endpoints' || typeof p[2] === 'number' ? { delete: p.slice(0, 2) } : { delete: p };
  }
  return { delete: p };
};
