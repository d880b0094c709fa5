// Integration-test plumbing: build a lab through the library, always tear it down, and compare the host. Every lab
// a test builds on the host is named with the test file's prefix (sandbox.ts): renamed copies of topology and
// scenario files make that so without touching the shipped files.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Test } from 'tap';
import { parseDocument } from 'yaml';
import { Lab } from '../../src/api/index.js';
import { loadTopologyText } from '../../src/topology/index.js';
import { hostSnapshot, hostUnchanged, isRoot } from './host.js';
import { sandbox } from './sandbox.js';

export function skipUnlessRoot(t: Test): boolean {
  if (isRoot) return false;
  t.skip('needs root (CAP_NET_ADMIN) to create namespaces; run the tests as root');
  return true;
}

/** Topology YAML (a file's text) with its lab renamed to the sandbox's name for it. */
function renamedTopologyText(text: string, file: string): { text: string; lab: string } {
  const doc = parseDocument(text);
  const name = doc.get('name');
  if (typeof name !== 'string') throw new Error(`${file}: the test needs a topology with a name`);
  const lab = sandbox().lab(name);
  doc.set('name', lab);
  return { text: doc.toString(), lab };
}

const copyDir = () => sandbox().filesDir;

/** A copy of a topology file whose lab carries the sandbox prefix; returns the copy's path and the lab's name. */
export function ownTopologyFile(file: string): { file: string; lab: string } {
  const { text, lab } = renamedTopologyText(readFileSync(file, 'utf8'), file);
  const copy = join(copyDir(), basename(file));
  writeFileSync(copy, text);
  return { file: copy, lab };
}

/** The topology of a file (or YAML text), loaded with its lab renamed to carry the sandbox prefix. */
export function ownTopology(source: string) {
  const inline = source.includes('\n');
  const { text } = renamedTopologyText(inline ? source : readFileSync(source, 'utf8'), inline ? 'inline.yaml' : source);
  return loadTopologyText(text, inline ? 'inline.yaml' : source);
}

/**
 * A copy of a scenario file whose lab carries the sandbox prefix (an inline topology renamed; a topology file
 * copied, renamed, and referred to by its absolute path). Same basename, so the scenario's default name is kept.
 */
export function ownScenarioFile(file: string): { file: string; lab: string } {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const topo = doc.get('topology');
  let lab: string;
  if (typeof topo === 'string') {
    const copy = ownTopologyFile(resolve(dirname(file), topo));
    doc.set('topology', resolve(copy.file));
    lab = copy.lab;
  } else {
    const name = doc.getIn(['topology', 'name']);
    if (typeof name !== 'string') throw new Error(`${file}: the test needs a topology with a name`);
    lab = sandbox().lab(name);
    doc.setIn(['topology', 'name'], lab);
  }
  const copy = join(copyDir(), basename(file));
  writeFileSync(copy, doc.toString());
  return { file: copy, lab };
}

/** Run `body` with a lab up; the lab goes down whatever happens, and the host must then equal its snapshot. */
export async function withLab(t: Test, source: string, body: (lab: Lab) => Promise<void>): Promise<void> {
  // The topology first: it makes the sandbox, which the snapshot filters by.
  const topo = ownTopology(source);
  const before = hostSnapshot();
  let lab: Lab | undefined;
  try {
    lab = await Lab.up(topo);
    await body(lab);
  } finally {
    if (lab) await lab.down();
    hostUnchanged(t, before);
  }
}
