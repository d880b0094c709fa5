// health/: is the emulation keeping its timing? Samples the machine while a scenario runs (one Perl process, the
// only side effect here) and judges each step `faithful` or `at risk` with the measured reason; it never changes
// a step's outcome, only says how far it can be trusted.
export { startSampler, SAMPLER_SOURCE, DEFAULT_PERIOD_MS, DEFAULT_PROBE_MS, UML_PROBE_MS, type Sampler, type SamplerOptions, type SamplerProcess } from './sampler.js';
export { parseSamplerOutput, type SampleRound, type SamplerData, type CpuTicks, type QdiscCounters } from './parse.js';
export {
  judge,
  windowRounds,
  percentile,
  TIMER_LATE_P95_MS,
  MIN_TIMER_PROBES,
  CPU_PRESSURE_PCT,
  RUN_QUEUE_PER_CORE,
  STEAL_PCT,
  SOFTIRQ_CORE_PCT,
  MIN_WINDOW_MS,
  SHAPER_DEFICIT_RATIO,
  type HealthVerdict,
  type HealthFigures,
  type QueueHealth,
  type StepHealth,
  type ShapedInterface,
} from './verdict.js';
export { shapedInterfaces } from './links.js';
export { predictedRttMs, predictedGoodput, compare as compareWithModel, type ModelComparison } from './model.js';
