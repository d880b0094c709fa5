// Loading: file → YAML with positions → schema → generators → semantic checks/addressing/routing.
// Every problem is collected and thrown together in one NslabError (exit code 1). Reads the file, nothing else.

import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { LIMITS, NslabError, type LocateFn, type Problem, type RawTopology, type ResolvedTopology } from '../model/index.js';
import { refineSchemaProblems } from './checks.js';
import { expandTopo } from './generators.js';
import { resolveTopology } from './resolve.js';
import { salvage, topologyPolicy } from './salvage.js';
import { validateAgainstSchema } from './schema.js';
import { formatDocPath, parseYamlDocument } from './yaml.js';

function invalid(file: string, problems: Problem[]): NslabError {
  return new NslabError('E_INVALID_TOPOLOGY', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    problems,
  });
}

/** Validate and resolve an already-parsed document (used for inline topologies in scenarios too). */
export function resolveRawTopology(value: unknown, locate: LocateFn, file: string): ResolvedTopology {
  // Counted before the schema, which would otherwise check each of a million nodes first.
  const doc = (value ?? {}) as { nodes?: unknown; links?: unknown };
  const nodeCount = doc.nodes && typeof doc.nodes === 'object' ? Object.keys(doc.nodes).length : 0;
  if (nodeCount > LIMITS.nodes)
    throw invalid(file, [{ code: 'E_TOO_MANY_NODES', message: `${nodeCount} nodes; the limit is ${LIMITS.nodes}`, path: 'nodes', location: locate(['nodes']), hint: 'split the lab' }]);
  if (Array.isArray(doc.links) && doc.links.length > LIMITS.links)
    throw invalid(file, [{ code: 'E_TOO_MANY_LINKS', message: `${doc.links.length} links; the limit is ${LIMITS.links}`, path: 'links', location: locate(['links']), hint: 'split the lab' }]);
  // A schema problem does not stop the semantic checks: they run on the parts that pass (salvage.ts), and both
  // sets are reported together.
  const schemaProblems = refineSchemaProblems(validateAgainstSchema('topology', value, locate), value);
  const salvaged = schemaProblems.length ? salvage('topology', value, schemaProblems, locate, topologyPolicy) : { value, locate, remap: (p: Problem[]) => p };
  if (!salvaged) throw invalid(file, schemaProblems);
  const fail = (problems: Problem[]) => invalid(file, [...schemaProblems, ...salvaged.remap(problems)]);
  let raw = salvaged.value as RawTopology;
  try {
    raw = expandTopo(raw);
  } catch (e) {
    if (e instanceof NslabError) throw fail([{ code: e.code, message: e.message, path: 'topo', location: salvaged.locate(['topo']), hint: e.hint }]);
    throw e;
  }
  if (!raw.nodes || Object.keys(raw.nodes).length === 0)
    throw fail([{ code: 'E_NO_NODES', message: 'the lab has no nodes', path: 'nodes', location: salvaged.locate(['nodes']), hint: 'add nodes: { h1: {}, h2: {} } or a generator such as topo: single,2' }]);
  const read = readNodeFiles(raw, file, salvaged.locate);
  if (read.problems.length) throw fail(read.problems);
  const result = resolveTopology(read.raw, salvaged.locate, file);
  if ('problems' in result || schemaProblems.length) throw fail('problems' in result ? result.problems : []);
  return result;
}

/**
 * `frr: PATH` (one line) names a config file, relative to the topology file: read here, at the edge, so that
 * resolution stays pure and sees the text (a block, `frr: |`, is the config itself).
 */
function readNodeFiles(raw: RawTopology, file: string, locate: LocateFn): { raw: RawTopology; problems: Problem[] } {
  const problems: Problem[] = [];
  let nodes = raw.nodes;
  for (const [name, node] of Object.entries(raw.nodes ?? {})) {
    const v = node?.frr;
    if (typeof v !== 'string' || v.includes('\n')) continue;
    const path = resolvePath(dirname(file), v);
    try {
      const text = readFileSync(path, 'utf8');
      nodes = { ...nodes, [name]: { ...node, frr: text } };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ code: 'E_FRR_CONFIG_READ', message: `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, path: formatDocPath(['nodes', name, 'frr']), location: locate(['nodes', name, 'frr']), hint: 'give a path relative to the topology file, or the config itself as a block (frr: |)' });
    }
  }
  return { raw: nodes === raw.nodes ? raw : { ...raw, nodes }, problems };
}

/** What a caller may change in a topology before it is resolved (the name: a test suite runs a shipped file under its own). */
export interface TopologyOverrides {
  name?: string;
}

/** Replace the document's top-level keys (validated with the rest; a bad name is reported like one in the file). */
export function withOverrides(value: unknown, o: TopologyOverrides): unknown {
  if (o.name === undefined || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  return { ...(value as object), name: o.name };
}

export function loadTopologyText(text: string, file = '<input>', overrides: TopologyOverrides = {}): ResolvedTopology {
  const doc = parseYamlDocument(text, file);
  return resolveRawTopology(withOverrides(doc.value, overrides), doc.locate, file);
}

export function loadTopology(file: string, overrides: TopologyOverrides = {}): ResolvedTopology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NslabError('E_READ', `cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, {
      cause: e,
      hint: err.code === 'ENOENT' ? 'check the path; topologies/ holds the shipped examples' : undefined,
    });
  }
  return loadTopologyText(text, file, overrides);
}
