// api/: the library facade — composes topology, plan and exec into Lab.up / lab.exec / lab.down and friends;
// it holds no kernel logic of its own (that stays in exec/) and never reads argv or exits.
export { Lab, cleanLabs, requireRoot, UML_COMMAND, type UpOptions, type LabDeps } from './lab.js';
export { listLabs, type LabInfo } from './list.js';
export { summarizeTopology } from './summary.js';
export { showLab } from './show.js';
export type { ShowReport, ShowNode, ShowInterface, ShowLink, ShowProcess, LinkState } from '../report/show.js';
export type { KernelLink } from '../exec/linkstate.js';
export { cliEntry, requireUml, runNslabInUml, runScriptInUml, type UmlNslabOptions } from './uml.js';
export { withLab, type WithLabOptions } from './fixture.js';
export { resolveTopologySource, shippedTopology, type TopologySource } from './source.js';
export {
  checkMetrics,
  expectMetrics,
  type AnyMeasurement,
  type Iperf3Measurement,
  type Iperf3Metrics,
  type Iperf3Options,
  type MetricExpectations,
  type PingMeasurement,
  type PingMetrics,
  type PingOptions,
  type ReachMeasurement,
  type ReachMetrics,
  type ReachOptions,
} from './measure.js';
export { nodeAddress, reachTargets, type ReachMatrixOptions, type ReachPair } from './reach.js';
export { isRouted, waitConverged, type ConvergeOptions, type ConvergeResult } from './converge.js';
