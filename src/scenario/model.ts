// Scenario data by stage: the file's steps after validation (with their expectations parsed once), and the
// flat results that reporters read.

import type { RawImpairment, ResolvedTopology, SourceLocation } from '../model/index.js';
import type { Expectation } from './expect.js';
import type { QueryExpectation } from './query.js';
import type { StepHealth } from '../health/verdict.js';

export type { StepHealth };

export type CommandSpec = string | string[];

export type StepSpec =
  | { kind: 'ping'; from: string; to: string; count: number; intervalS: number; family?: 4 | 6; size?: number }
  | { kind: 'iperf3'; client: string; server: string; durationS: number; protocol: 'tcp' | 'udp'; bitrate?: string; parallel?: number; reverse?: boolean; omitS?: number; family?: 4 | 6; port?: number }
  | { kind: 'exec'; node: string; cmd: CommandSpec }
  | { kind: 'reach'; from: string[]; to: string[]; family?: 4 | 6 }
  | { kind: 'link'; link: string; state: 'up' | 'down' | 'blackhole' }
  | { kind: 'impair'; link: string; change: RawImpairment; direction?: string; clear?: boolean }
  | { kind: 'sleep'; ms: number }
  | { kind: 'background'; node: string; cmd: CommandSpec }
  | { kind: 'stop'; target: string }
  | { kind: 'capture'; node: string; iface?: string; filter?: string; count?: number }
  | { kind: 'parallel'; steps: Step[] }
  | { kind: 'route'; node: string; to: string; family?: 4 | 6 }
  | { kind: 'converge'; timeoutMs: number; settleMs: number }
  | { kind: 'vtysh'; node: string; cmd: string }
  | { kind: 'flows'; switch: string; match?: string; table?: number }
  | { kind: 'ofctl'; switch: string; cmd: string };

export interface MetricCheck {
  metric: string;
  expectation:
    | Expectation
    | { op: 'regex'; pattern: string; negate: boolean; text: string }
    | { op: 'bool'; value: boolean; text: string }
    | { op: 'equals'; value: string; text: string }
    | { op: 'query'; query: QueryExpectation; text: string };
}

export interface Step {
  /** 1-based position, `3.2` inside a parallel group. */
  id: string;
  name: string;
  spec: StepSpec;
  atMs?: number;
  timeoutMs?: number;
  checks: MetricCheck[];
  /** reach steps: every pair must be reachable (true) or unreachable (false). */
  expectReachable?: boolean;
}

/** A node or link a step names, where the file names it. */
export interface LabRef {
  kind: 'node' | 'link';
  name: string;
  path: string;
  location?: SourceLocation;
}

export interface Scenario {
  name: string;
  file: string;
  topology: ResolvedTopology;
  timeoutMs: number;
  steps: Step[];
  /** Every node and link the steps name (`run --lab` checks a running lab against them); absent in hand-made scenarios. */
  refs?: LabRef[];
}

export type StepStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface CheckOutcome {
  metric: string;
  ok: boolean;
  expected: string;
  measured: string;
  /** A failed check while the step's health was `at risk`: "failed, at risk", not a clean failure. Never on a pass. */
  atRisk?: boolean;
}

export interface StepResult {
  id: string;
  name: string;
  kind: StepSpec['kind'];
  status: StepStatus;
  /** Start relative to the start of the steps, and how long the step took. */
  startMs: number;
  durationMs: number;
  metrics: Record<string, number | string | boolean | null>;
  checks: CheckOutcome[];
  message?: string;
  /** Series for plots: ping samples, iperf3 intervals. */
  series?: { rttMs?: { seq: number; rttMs: number | null; atMs: number }[]; throughput?: { startS: number; endS: number; bitPerSec: number }[] };
  /** Files the step produced (pcaps). */
  artifacts?: string[];
  /** Emulation health over the step (see src/health/): faithful, or at risk with the measured reason. */
  health?: StepHealth;
  /** The step failed while its health was at risk: reported as "failed, at risk". */
  atRisk?: boolean;
}

export interface ScenarioResult {
  name: string;
  file: string;
  lab: string;
  status: 'pass' | 'fail' | 'error';
  startedAt: string;
  /** Build, steps and teardown, in milliseconds. */
  setupMs: number;
  stepsMs: number;
  teardownMs: number;
  totalMs: number;
  steps: StepResult[];
  /** Impairment and link changes on the run's timeline, for plots. */
  events: { atMs: number; what: string }[];
  error?: { code: string; message: string; hint?: string };
  kept?: boolean;
  /** Emulation health over all the steps; per-step verdicts are on the steps. */
  health?: StepHealth;
  /** Health timeline for plots: per sampler round, ms since the steps began, timer lateness p95 and CPU busy. */
  healthSeries?: { atMs: number; timerLateP95Ms: number | null; cpuBusyPct: number | null }[];
}
