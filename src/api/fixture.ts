// withLab: a lab as a test fixture. Up, run the body, and tear down whatever happens: the body returns or throws,
// the test runner aborts (its AbortSignal: a timeout or a cancelled test), our own timeout fires, or the process
// gets SIGINT, SIGTERM or SIGHUP (once: further signals are ignored while the labs come down, then the first is
// raised again so that the process ends as it would have). Works the same from node:test, tap and vitest: it needs
// nothing from the runner but an optional signal.

import { NslabError } from '../model/index.js';
import { Lab, type UpOptions } from './lab.js';
import { describeValue, resolveTopologySource, type TopologySource } from './source.js';

export interface WithLabOptions extends Omit<UpOptions, 'signal' | 'lifetime'> {
  /**
   * The test runner's signal: node:test's `t.signal`, vitest's `context.signal`, or `AbortSignal.timeout(ms)`.
   * When it aborts, the lab is torn down at once and withLab rejects, even if the body is still running.
   */
  signal?: AbortSignal;
  /** Tear down and reject (E_TIMEOUT) when the body has not finished after this many milliseconds. */
  timeoutMs?: number;
  /** Tear the lab down on SIGINT, SIGTERM and SIGHUP, then re-raise the signal (default true). */
  handleSignals?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Sig = (typeof SIGNALS)[number];

/** Every withLab in flight in this process, by its abort function; one set of signal handlers serves them all. */
const active = new Set<(sig: Sig) => void>();
let received: Sig | undefined;

function onSignal(sig: Sig): void {
  if (received) return; // once: later signals wait for the teardown the first one started
  received = sig;
  process.stderr.write(`\nnslab: ${sig} received, tearing down ${active.size} lab${active.size === 1 ? '' : 's'}…\n`);
  for (const abort of active) abort(sig);
}

const handlers = new Map(SIGNALS.map((s) => [s, () => onSignal(s)] as const));

function register(abort: (sig: Sig) => void): void {
  if (active.size === 0) for (const [s, h] of handlers) process.on(s, h);
  active.add(abort);
}

/** Forget one withLab; when the last is gone, drop the handlers and re-raise a signal that came meanwhile. */
async function unregister(abort: (sig: Sig) => void): Promise<void> {
  if (!active.delete(abort) || active.size > 0) return;
  for (const [s, h] of handlers) process.off(s, h);
  const sig = received;
  received = undefined;
  // Re-raised even when others listen: a runner's exit hook (signal-exit, as tap's children have) stood back the
  // first time because our handler was there too, and acts now; with no listener the default action ends the
  // process as the signal meant to. (A program's own handler hears the signal twice: after and before teardown.)
  if (!sig) return;
  process.kill(process.pid, sig);
  // With a listener, the signal reaches JavaScript on a later turn of the event loop: wait for it, rather than
  // rejecting at once and letting an unhandled E_INTERRUPTED end the process with code 1 first. If the process
  // survives (a handler that keeps it alive), withLab rejects with E_INTERRUPTED after this pause.
  await new Promise((r) => setTimeout(r, 1000));
}

function abortReason(signal: AbortSignal): NslabError {
  const r = signal.reason;
  if (r instanceof NslabError) return r;
  const why = r instanceof Error ? `${r.name}: ${r.message}` : r === undefined ? 'no reason given' : String(r);
  return new NslabError('E_ABORTED', `the test runner aborted the lab (${why})`, {
    cause: r,
    hint: 'the lab was torn down; a test timeout is the usual cause: raise the test timeout or shorten the body',
  });
}

/**
 * Bring a lab up, run `body` with it, and always tear it down. Returns what the body returns. `topology` is a
 * path, YAML text, a topology object or a resolved topology; `options.name` runs it under another lab name (give
 * each concurrently running test its own). Errors: the body's error; NslabError E_TIMEOUT, E_ABORTED or
 * E_INTERRUPTED when stopped from outside; E_TEARDOWN when the lab could not be removed entirely.
 */
export async function withLab<T>(topology: TopologySource, body: (lab: Lab) => Promise<T> | T, options: WithLabOptions = {}): Promise<T> {
  if (typeof body !== 'function')
    throw new NslabError('E_BAD_ARGUMENT', `withLab: the body must be a function (lab) => …, not ${describeValue(body)}`, { hint: "withLab('topologies/two-hosts.yaml', async (lab) => { … })" });
  if (options === null || typeof options !== 'object')
    throw new NslabError('E_BAD_ARGUMENT', `withLab: options must be an object, not ${describeValue(options)}`, { hint: '{ name, signal, timeoutMs }' });
  const { signal, timeoutMs, handleSignals = true, ...upOptions } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new NslabError('E_BAD_ARGUMENT', `withLab: signal must be an AbortSignal, not ${describeValue(signal)}`, { hint: "node:test: { signal: t.signal }; vitest: { signal: context.signal }" });
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0))
    throw new NslabError('E_BAD_ARGUMENT', `withLab: timeoutMs must be a positive number, not ${describeValue(timeoutMs)}`, { hint: '{ timeoutMs: 60_000 }' });
  // Resolve first: a topology mistake is reported before anything (root included) is needed.
  const resolved = resolveTopologySource(topology, { name: upOptions.name });

  const ac = new AbortController();
  const onRunnerAbort = () => ac.abort(abortReason(signal!));
  const onProcessSignal = (sig: Sig) => ac.abort(new NslabError('E_INTERRUPTED', `${sig} received: lab '${resolved.name}' was torn down`));
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ac.abort(new NslabError('E_TIMEOUT', `the test body did not finish within ${timeoutMs} ms: lab '${resolved.name}' was torn down`, { hint: 'raise timeoutMs, or shorten the body' })), timeoutMs);
  if (signal?.aborted) onRunnerAbort();
  else signal?.addEventListener('abort', onRunnerAbort, { once: true });
  if (handleSignals) register(onProcessSignal);
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(ac.signal.reason);
    if (ac.signal.aborted) fail();
    else ac.signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined); // observed below when it matters; never an unhandled rejection

  let up: Promise<Lab> | undefined;
  let lab: Lab | undefined;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    try {
      // A lab of a test suite is ephemeral: should this process die without tearing it down (SIGKILL), `nslab
      // clean` removes it because its owner is gone.
      if (ac.signal.aborted) throw ac.signal.reason;
      up = Lab.up(resolved, { ...upOptions, name: undefined, lifetime: 'ephemeral', signal: ac.signal });
      up.catch(() => undefined);
      lab = await Promise.race([up, aborted]);
      const running = Promise.resolve().then(() => body(lab!));
      // After an abort the body may still be running and then fail on the vanished lab: that failure is expected.
      running.catch(() => undefined);
      outcome = { ok: true, value: await Promise.race([running, aborted]) };
    } catch (e) {
      outcome = { ok: false, error: ac.signal.aborted ? ac.signal.reason : e };
    }
    // Aborted while building: Lab.up rolls back by itself (it saw the same signal); wait until it has, and
    // should it have finished the build first, tear that lab down below.
    if (!lab && up) lab = await up.catch(() => undefined);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onRunnerAbort);
  }
  try {
    if (lab) {
      try {
        await lab.down();
      } catch (e) {
        const err = e instanceof NslabError ? e : new NslabError('E_TEARDOWN', String(e), { cause: e });
        if (outcome.ok) throw err;
        throw new NslabError('E_TEARDOWN', `lab '${resolved.name}' was not torn down entirely after the test body failed: ${err.message}`, {
          cause: outcome.error,
          hint: err.hint ?? `remove what is left with: NSLAB_STATE_DIR=${process.env.NSLAB_STATE_DIR ?? '/run/nslab'} nslab down ${resolved.name}`,
          details: { teardown: err, bodyError: outcome.error },
        });
      }
    }
  } finally {
    if (handleSignals) await unregister(onProcessSignal);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
