// Reads iperf3's own `-J` JSON (there is no maintained iperf3 parser package; the JSON is the interface) into one
// flat result. Pure apart from reading schema/iperf3.schema.json once: the schema says which parts nslab relies on,
// and ajv checks a document against it before any field is read, so a format change fails loudly here.
//
// iperf3 3.12 exits 0 even when the test failed under -J; the `error` key is the only failure signal, and it may
// sit next to partial data (start, a few intervals, an empty end). Such a document becomes an NslabError E_IPERF3.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ValidateFunction } from 'ajv';
import { NslabError } from '../../model/index.js';
import { ajvErrorsToProblems } from '../../topology/schema.js';

// ajv is CommonJS; under NodeNext its default export arrives wrapped.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;

/** schema/ sits at the package root, three levels above both src/scenario/parse and dist/scenario/parse. */
export function iperf3SchemaPath(): string {
  return fileURLToPath(new URL('../../../schema/iperf3.schema.json', import.meta.url));
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(iperf3SchemaPath(), 'utf8')) as object;
    validator = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return validator;
}

export interface Iperf3Interval {
  startS: number;
  endS: number;
  bitPerSec: number;
}

export interface Iperf3Result {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** True for `-R` (server sends); the numbers below are still receiver/sender sides, whichever host that was. */
  reverse: boolean;
  /** Measured length of the receiver-side summary, in seconds (the requested -t is `start.test_start.duration`). */
  durationS: number;
  /** What arrived: the receiver side (TCP/SCTP sum_received; UDP sum_received, see below). */
  throughputBitPerSec: number;
  /** What the sender pushed. For UDP this is the -b pacing, and loss is the difference. */
  sentBitPerSec: number;
  /** TCP/SCTP only: segments the sender's kernel retransmitted; null for UDP. */
  retransmits: number | null;
  /** UDP only; null for TCP. */
  jitterMs: number | null;
  lostPackets: number | null;
  /** Datagrams the receiver counted, sent = lost + received; with lostPackets it feeds the "~N%" loss check. */
  packets: number | null;
  lostPct: number | null;
  /** Per-interval totals as the client measured them (sender side unless -R), warm-up (-O) intervals left out. */
  intervals: Iperf3Interval[];
}

interface Sum {
  start: number;
  end: number;
  seconds: number;
  bytes: number;
  bits_per_second: number;
  retransmits?: number;
  omitted?: boolean;
  jitter_ms?: number;
  lost_packets?: number;
  packets?: number;
  lost_percent?: number;
}

interface Iperf3Json {
  error?: string;
  start?: { test_start?: { protocol: 'TCP' | 'UDP' | 'SCTP'; duration: number; reverse?: number } };
  intervals?: { sum: Sum }[];
  end?: { sum_sent?: Sum; sum_received?: Sum; sum?: Sum };
}

/** Known iperf3 failure messages → how to fix them in a scenario. First match wins. */
const ERROR_HINTS: [RegExp, string][] = [
  [
    /unable to connect to server|connection refused/i,
    'no iperf3 server answered on that address and port: check the server step (is `iperf3 -s` started in the target node before the client, on the same port, and has it not exited after a previous -1 test?) and that the target address is reachable',
  ],
  [
    /server is busy/i,
    'another client is already testing against this server: give each concurrent iperf3 pair its own port, or run the tests one after another',
  ],
  // Before the control-socket rule: "unable to send control message: Network is unreachable" is a routing problem.
  [
    /no route to host|network is unreachable|connection timed out/i,
    "the client cannot reach the server: check addressing and routes between the two nodes (nslab up --dry-run FILE prints them; nslab exec LAB NODE -- ip route shows them live), and any fault step that cut the link",
  ],
  [
    /control socket has closed unexpectedly|unable to (?:receive|send) control message/i,
    'the server went away mid-test (killed, crashed, or its namespace was torn down): check the server step and that the test duration fits inside the step timeout',
  ],
];

function errorHint(message: string): string {
  for (const [re, hint] of ERROR_HINTS) if (re.test(message)) return hint;
  return 'run the same iperf3 command by hand inside the node (nslab exec NODE -- iperf3 ...) to see the failure';
}

function intervalsOf(doc: Iperf3Json): Iperf3Interval[] {
  return (doc.intervals ?? [])
    // iperf3 leaves -O warm-up intervals out of its end sums; leaving them out here keeps the two consistent.
    .filter((i) => i.sum.omitted !== true)
    .map((i) => ({ startS: i.sum.start, endS: i.sum.end, bitPerSec: i.sum.bits_per_second }));
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Some builds print a warning line before the JSON on stdout; the document is the outermost {...}.
    const a = text.indexOf('{');
    const b = text.lastIndexOf('}');
    if (a >= 0 && b > a) {
      try {
        return JSON.parse(text.slice(a, b + 1));
      } catch {
        /* fall through to the error below, with the original cause */
      }
    }
    throw new NslabError('E_IPERF3_OUTPUT', `iperf3 output is not JSON: ${text.trim().split('\n')[0]?.slice(0, 120) || '(empty)'}`, {
      hint: 'run the client with -J (JSON output) and pass its complete stdout',
      cause: first,
    });
  }
}

/** Parse iperf3 `-J` output (the text, or an already-parsed object). Throws NslabError E_IPERF3 / E_IPERF3_OUTPUT. */
export function parseIperf3(input: string | unknown): Iperf3Result {
  const raw = typeof input === 'string' ? parseJsonText(input) : input;
  const check = validate();
  if (!check(raw)) {
    const problems = ajvErrorsToProblems(check.errors ?? [], () => undefined, 'E_IPERF3_SCHEMA');
    throw new NslabError('E_IPERF3_OUTPUT', 'iperf3 JSON does not have the shape nslab reads', {
      hint: `checked against ${iperf3SchemaPath()}; was the output cut short, or is this an iperf3 version other than 3.x?`,
      problems,
    });
  }
  const doc = raw as Iperf3Json;

  if (doc.error !== undefined) {
    const partial = intervalsOf(doc);
    throw new NslabError('E_IPERF3', `iperf3 failed: ${doc.error}`, {
      hint: errorHint(doc.error),
      details: { iperf3Error: doc.error, partialIntervals: partial },
    });
  }

  // The schema's then-branch guarantees these exist when there is no error.
  const testStart = doc.start!.test_start!;
  const end = doc.end!;
  const protocol = testStart.protocol;
  const common = { protocol, reverse: testStart.reverse === 1, intervals: intervalsOf(doc) };

  if (protocol === 'UDP') {
    const sum = end.sum!;
    const received = end.sum_received;
    // iperf3 >= 3.12 reports the receiver side in sum_received. Older versions have only `sum`, whose rate is the
    // sender's; there the received rate is estimated from the datagrams that arrived.
    const throughputBitPerSec = received
      ? received.bits_per_second
      : sum.packets! > 0
        ? (sum.bits_per_second * (sum.packets! - sum.lost_packets!)) / sum.packets!
        : 0;
    return {
      ...common,
      durationS: (received ?? sum).seconds,
      throughputBitPerSec,
      sentBitPerSec: (end.sum_sent ?? sum).bits_per_second,
      retransmits: null,
      jitterMs: sum.jitter_ms!,
      lostPackets: sum.lost_packets!,
      packets: sum.packets!,
      lostPct: sum.lost_percent!,
    };
  }

  const sent = end.sum_sent!;
  const received = end.sum_received!;
  return {
    ...common,
    durationS: received.seconds,
    throughputBitPerSec: received.bits_per_second,
    sentBitPerSec: sent.bits_per_second,
    retransmits: sent.retransmits ?? null,
    jitterMs: null,
    lostPackets: null,
    packets: null,
    lostPct: null,
  };
}
