// `nslab graph` and `nslab export`: load a topology, hand it to the pure drawing/export rooms, write the text.
// The only file writing for graph/ and export/ happens here.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { containerlabFiles, frrDir, toContainerlabYaml } from '../export/index.js';
import { toDot, toMermaid, toSvg, type GraphOptions } from '../graph/index.js';
import { NslabError } from '../model/index.js';
import { loadTopology } from '../topology/index.js';

type Argv = Record<string, unknown>;
const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

export type GraphFormat = 'dot' | 'mermaid' | 'svg';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['dot', 'mermaid', 'svg'];
const BY_EXTENSION: Record<string, GraphFormat> = { '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.mermaid': 'mermaid', '.svg': 'svg' };

/** The drawing format for an output path, from its extension. */
export function graphFormatFor(path: string): GraphFormat {
  const ext = extname(path).toLowerCase();
  const f = BY_EXTENSION[ext];
  if (f) return f;
  if (ext === '.png')
    throw new NslabError('E_USAGE', `${path}: PNG is not built in (the bundled Graphviz has no raster renderer)`, {
      hint: `write SVG and convert it: nslab graph FILE -o lab.svg && rsvg-convert -o lab.png lab.svg (or open the SVG in a browser)`,
    });
  throw new NslabError('E_USAGE', `${path}: cannot tell the drawing format from '${ext || 'no extension'}'`, {
    hint: `name the output .svg, .dot (or .gv) or .mmd, or give --format ${GRAPH_FORMATS.join('|')}`,
  });
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NslabError('E_WRITE', `cannot write ${path}: ${err.code === 'ENOENT' ? 'no such directory' : err.message}`, {
      cause: e,
      hint: err.code === 'ENOENT' ? 'create the directory first, or pick another -o path' : undefined,
    });
  }
}

/** nslab graph FILE [-o out.svg|out.dot|out.mmd] [--format dot|mermaid|svg] [--group auto|always|never] */
export async function graph(argv: Argv): Promise<number> {
  const output = argv.output as string | undefined;
  const explicit = argv.format as string | undefined;
  if (explicit !== undefined && !(GRAPH_FORMATS as readonly string[]).includes(explicit))
    throw new NslabError('E_USAGE', `unknown drawing format '${explicit}'`, { hint: `use --format ${GRAPH_FORMATS.join('|')}` });
  const format: GraphFormat = (explicit as GraphFormat | undefined) ?? (output ? graphFormatFor(output) : 'dot');
  const t = loadTopology(argv.file as string);
  const opts: GraphOptions = { group: (argv.group as GraphOptions['group']) ?? 'auto' };
  const text = format === 'svg' ? await toSvg(t, opts) : format === 'mermaid' ? toMermaid(t, opts) : toDot(t, opts);
  if (!output) {
    process.stdout.write(text);
    return 0;
  }
  writeOutput(output, text);
  out(`wrote ${output} (${format}, lab '${t.name}', ${t.nodes.length} nodes)`);
  return 0;
}

export const EXPORT_FORMATS = ['containerlab'] as const;

/** nslab export --format containerlab FILE [-o out.clab.yml] [--image IMAGE] */
export async function exportTopology(argv: Argv): Promise<number> {
  const format = argv.format as string | undefined;
  if (format !== 'containerlab')
    throw new NslabError('E_USAGE', format ? `unknown export format '${format}'` : 'no export format given', { hint: `use --format ${EXPORT_FORMATS.join('|')}` });
  const t = loadTopology(argv.file as string);
  const text = toContainerlabYaml(t, { image: argv.image as string | undefined, frrImage: argv['frr-image'] as string | undefined });
  const files = containerlabFiles(t);
  const output = argv.output as string | undefined;
  if (!output) {
    if (Object.keys(files).length)
      throw new NslabError('E_USAGE', `lab '${t.name}' runs FRR (routing: ${t.routing}): its routers' configs are files beside the containerlab topology`, { hint: `give an output file: nslab export ${String(argv.file)} --format containerlab -o ${t.name}.clab.yml` });
    process.stdout.write(text);
    return 0;
  }
  writeOutput(output, text);
  for (const [rel, body] of Object.entries(files)) {
    const path = join(dirname(output), rel);
    mkdirSync(dirname(path), { recursive: true });
    writeOutput(path, body);
  }
  const extra = Object.keys(files).length ? ` and the FRR configs of ${Object.keys(files).length / 3} routers in ${join(dirname(output), frrDir(t))}/` : '';
  out(`wrote ${output} (containerlab, lab '${t.name}', ${t.nodes.length} nodes)${extra}: containerlab deploy -t ${output}`);
  return 0;
}
