#!/usr/bin/env node
// Merge each feature's schema fragment (src/features/*/schema.json) into schema/topology.schema.json, which stays the
// one file that ajv and editors read. Only the merged parts of the text change (the routing values, and the top-level, node
// and link properties of the features), so the rest of the hand-formatted file stays as written. Idempotent.
// `--check` exits 1 when the committed schema is not the merged one (a unit test runs it too).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Start and end offsets of the value at `path` (object keys) in JSON text. */
function spanOf(text, path) {
  let i = 0;
  const ws = () => { while (/\s/.test(text[i])) i++; };
  const str = () => { const s = i; i++; while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1; i++; return JSON.parse(text.slice(s, i)); };
  const value = (want) => {
    ws();
    const start = i;
    if (text[i] === '{') {
      i++; ws();
      while (text[i] !== '}') {
        ws(); const k = str(); ws(); i++; // ':'
        const r = value(want && want[0] === k ? want.slice(1) : undefined);
        if (r) return r;
        ws(); if (text[i] === ',') i++; ws();
      }
      i++;
    } else if (text[i] === '[') {
      i++; ws();
      while (text[i] !== ']') { value(undefined); ws(); if (text[i] === ',') i++; ws(); }
      i++;
    } else if (text[i] === '"') str();
    else while (!/[\s,}\]]/.test(text[i])) i++;
    if (want && want.length === 0) return { start, end: i };
    return undefined;
  };
  return value(path);
}

const inline = (v) => Array.isArray(v) ? `[${v.map(inline).join(', ')}]` : v && typeof v === 'object' ? `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')} }` : JSON.stringify(v);
/** The file's style: a value on one line when it fits in 160 columns, else one key per line. */
function fmt(v, ind, prefixLen) {
  const s = inline(v);
  if (!v || typeof v !== 'object' || ind.length + prefixLen + s.length <= 160) return s;
  const ni = ind + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => ni + fmt(x, ni, 0)).join(',\n')}\n${ind}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${ni}${JSON.stringify(k)}: ${fmt(x, ni, JSON.stringify(k).length + 2)}`).join(',\n')}\n${ind}}`;
}

function replaceValue(text, path, value) {
  const { start, end } = spanOf(text, path);
  const lineStart = text.lastIndexOf('\n', start) + 1;
  const ind = text.slice(lineStart).match(/^ */)[0];
  return text.slice(0, start) + fmt(value, ind, start - lineStart - ind.length) + text.slice(end);
}

export function mergeFeatureSchemas(text, featuresDir = join(root, 'src/features')) {
  const schema = JSON.parse(text);
  const routing = schema.properties.routing;
  const node = schema.definitions.node.properties;
  const link = schema.definitions.link.properties;
  const top = schema.properties;
  const defs = schema.definitions;
  const kinds = schema.definitions.node.properties.kind.enum;
  for (const name of readdirSync(featuresDir).sort()) {
    const file = join(featuresDir, name, 'schema.json');
    if (!existsSync(file)) continue;
    const frag = JSON.parse(readFileSync(file, 'utf8'));
    if (frag.routing) {
      if (!routing.enum.includes(frag.routing.value)) routing.enum.push(frag.routing.value);
      if (!routing.description.includes(frag.routing.description)) routing.description += ' ' + frag.routing.description;
    }
    Object.assign(node, frag.node ?? {});
    Object.assign(link, frag.link ?? {});
    // A feature may add node kinds (kind: ovs), top-level keys (controller:) and shared definitions.
    Object.assign(top, frag.top ?? {});
    Object.assign(defs, frag.definitions ?? {});
    for (const k of frag.kinds ?? []) if (!kinds.includes(k)) kinds.push(k);
  }
  let out = text;
  out = replaceValue(out, ['properties', 'routing', 'enum'], routing.enum);
  out = replaceValue(out, ['properties', 'routing', 'description'], routing.description);
  out = replaceValue(out, ['definitions', 'node', 'properties', 'kind', 'enum'], kinds);
  // Feature keys are appended to the node and link properties (and the top level and definitions), each on its own lines.
  for (const [path, props] of [[['definitions', 'node', 'properties'], node], [['definitions', 'link', 'properties'], link], [['properties'], top], [['definitions'], defs]]) {
    const { start, end } = spanOf(out, path);
    const current = JSON.parse(out.slice(start, end));
    const added = Object.keys(props).filter((k) => !(k in current) || JSON.stringify(current[k]) !== JSON.stringify(props[k]));
    if (!added.length) continue;
    for (const k of added) {
      const { start: s, end: e } = spanOf(out, path);
      const body = out.slice(s, e);
      if (k in JSON.parse(body)) out = replaceValue(out, [...path, k], props[k]);
      else {
        const close = e - 1; // the closing brace
        const lineStart = out.lastIndexOf('\n', close) + 1;
        const ind = out.slice(lineStart).match(/^ */)[0] + '  ';
        const before = out.slice(0, close).trimEnd();
        out = `${before},\n${ind}${JSON.stringify(k)}: ${fmt(props[k], ind, JSON.stringify(k).length + 2)}\n${out.slice(lineStart)}`;
      }
    }
  }
  if (JSON.stringify(JSON.parse(out)) === JSON.stringify(schema)) return out;
  throw new Error('merge-schema: the merged text does not parse to the merged schema (a bug in this script)');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'schema/topology.schema.json');
  const text = readFileSync(path, 'utf8');
  const merged = mergeFeatureSchemas(text);
  if (process.argv.includes('--check')) {
    if (merged !== text) {
      console.error('schema/topology.schema.json is not up to date with src/features/*/schema.json: run node scripts/merge-schema.mjs');
      process.exit(1);
    }
  } else writeFileSync(path, merged);
}
