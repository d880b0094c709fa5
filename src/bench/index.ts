// bench/: measures nslab against the bare ip-batch floor and Mininet, for `npm run bench`; never used by the library.
export { median, spread, linearFit, scalingOf, type Scaling } from './stats.js';
export { lineChartSvg, type Series } from './svg.js';
export { hostSnapshot, diffSnapshots, type HostSnapshot } from './host.js';
export { floorScripts, runFloor } from './floor.js';
export { runMininet, mininetAvailable } from './mininet.js';
