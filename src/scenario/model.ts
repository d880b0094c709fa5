// Scenario data by stage: the file's steps after validation (with their expectations parsed once), and the
// flat results that reporters read.

import type { RawImpairment, ResolvedTopology } from '../model/index.js';
import type { Expectation } from './expect.js';
import type { QueryExpectation } from './query.js';

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

export interface Scenario {
  name: string;
  file: string;
  topology: ResolvedTopology;
  timeoutMs: number;
  steps: Step[];
}

export type StepStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface CheckOutcome {
  metric: string;
  ok: boolean;
  expected: string;
  measured: string;
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
}
