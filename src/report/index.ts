// report/: turns scenario results into human lines, JSON, JUnit XML, TAP and HTML; observes only — never decides
// an outcome or exits.
export { humanHooks, formatStepLine, formatSummary, keyFigures, healthLine, outcomeText, failCounts } from './human.js';
export { toJsonReport } from './json.js';
export { toJUnit } from './junit.js';
export { toTap } from './tap.js';
export { buildShowReport, formatShow, type ShowReport, type ShowNode, type ShowInterface, type ShowLink, type ShowProcess, type KernelView } from './show.js';
