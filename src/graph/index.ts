// graph/: draws a resolved topology as DOT, Mermaid or SVG text for people to read; pure (no fs, no processes)
// and never a source of truth — nothing reads these drawings back.
export { buildGraph, endName, impairmentLines, GROUP_THRESHOLD, type GraphOptions, type LabGraph, type GraphNode, type GraphEdge, type GraphEnd } from './model.js';
export { toDot, graphToDot, dotString, KIND_STYLE } from './dot.js';
export { toMermaid, graphToMermaid, mermaidText } from './mermaid.js';
export { toSvg, dotToSvg } from './svg.js';
export { textTree } from './text.js';
