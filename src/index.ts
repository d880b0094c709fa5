// nslab as a library: load a topology, bring a lab up, run commands in it, change it, take it down; and run
// scenarios. The CLI (src/cli) is a thin layer over exactly these calls.
export { Lab, cleanLabs, listLabs, requireRoot, summarizeTopology, runNslabInUml, type UpOptions, type LabInfo, type LabDeps } from './api/index.js';
export { withLab, shippedTopology, resolveTopologySource, type WithLabOptions, type TopologySource } from './api/index.js';
export { showLab, type ShowReport, type ShowNode, type ShowInterface, type ShowLink, type ShowProcess, type LinkState, type KernelLink } from './api/index.js';
export {
  expectMetrics,
  checkMetrics,
  type AnyMeasurement,
  type MetricExpectations,
  type PingMeasurement,
  type PingMetrics,
  type PingOptions,
  type Iperf3Measurement,
  type Iperf3Metrics,
  type Iperf3Options,
  type ReachMeasurement,
  type ReachMetrics,
  type ReachOptions,
} from './api/index.js';
export type { ReachPair } from './scenario/reach.js';
export type { CheckOutcome } from './scenario/model.js';
export type { LossCounts } from './scenario/expect.js';
export { loadTopology, loadTopologyText, resolveRawTopology, generateTopology, parseTopoSpec } from './topology/index.js';
export { compilePlan, renderPlan } from './plan/index.js';
export { loadScenario, loadScenarioText } from './scenario/load.js';
export { runScenario, type RunScenarioOptions, type RunHooks } from './scenario/run.js';
export type { Scenario, ScenarioResult, StepResult } from './scenario/model.js';
export type { StepHealth, HealthVerdict, HealthFigures, QueueHealth, SamplerOptions } from './health/index.js';
export { toJUnit, toJsonReport, toTap } from './report/index.js';
export { toDot, toMermaid, toSvg } from './graph/index.js';
export { toContainerlab, toContainerlabYaml } from './export/index.js';
export * from './model/index.js';
