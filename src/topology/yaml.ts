// YAML with positions: every problem found later can be pointed at FILE:LINE:COL.

import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { LIMITS, NslabError, type LocateFn, type Problem } from '../model/index.js';

export interface ParsedYaml {
  value: unknown;
  locate: LocateFn;
  file: string;
}

/** Parse YAML text; syntax errors, alias bombs and oversize input become located problems. */
export function parseYamlDocument(text: string, file: string): ParsedYaml {
  if (text.length > LIMITS.fileBytes) {
    throw new NslabError('E_FILE_TOO_LARGE', `${file} is ${text.length} bytes; the limit is ${LIMITS.fileBytes}`, {
      exitCode: 1,
      hint: 'split the lab, or use a generator (topo: tree,3,10) instead of listing every node',
    });
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    problems.push({
      code: 'E_YAML_SYNTAX',
      message: err.message.split('\n')[0],
      path: '',
      location: { file, line: pos.line, col: pos.col },
      hint: err.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : 'fix the YAML syntax at this position',
    });
  }
  if (problems.length) {
    throw new NslabError('E_INVALID_FILE', `${file}: ${problems.length} problem(s)`, { problems, exitCode: 1 });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.yamlAliasCount });
  } catch (e) {
    throw new NslabError('E_YAML_ALIASES', `${file}: ${(e as Error).message}`, {
      exitCode: 1,
      cause: e,
      hint: `YAML aliases may expand to at most ${LIMITS.yamlAliasCount} nodes; write the repeated parts out or use a generator`,
    });
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
