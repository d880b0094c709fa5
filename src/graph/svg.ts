// SVG through @viz-js/viz: Graphviz compiled to WebAssembly, so no system Graphviz and no child process.
// PNG is not offered: this Graphviz build has no raster renderer (its formats are svg, dot, json, ps, …), and a
// rasteriser (resvg, sharp, a headless browser) would be a heavy dependency. Convert the SVG instead:
// `rsvg-convert -o lab.png lab.svg`, `magick lab.svg lab.png`, or open it in a browser and save a screenshot.

import { NslabError, type ResolvedTopology } from '../model/index.js';
import type { GraphOptions } from './model.js';
import { toDot } from './dot.js';

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<Viz> | undefined;

/** The WebAssembly instance is built once per process (~100 ms) and imported only when an SVG is wanted. */
function getViz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/** Render DOT text to SVG. */
export async function dotToSvg(dot: string): Promise<string> {
  const v = await getViz();
  const r = v.render(dot, { format: 'svg', engine: 'dot' });
  if (r.status !== 'success')
    throw new NslabError('E_GRAPH_RENDER', `Graphviz could not render the drawing: ${r.errors.map((e) => e.message.trim()).join('; ')}`, {
      hint: 'this is a bug in nslab graph: report it with the topology file (nslab graph FILE prints the DOT text)',
    });
  return r.output;
}

/** The lab drawn as an SVG document (UTF-8 text). */
export async function toSvg(t: ResolvedTopology, opts: GraphOptions = {}): Promise<string> {
  return dotToSvg(toDot(t, opts));
}
