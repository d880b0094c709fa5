// `nslab web LAB` and `nslab up FILE --web`: serve the lab's web view until Ctrl-C or until the lab goes down.

import { requireRoot } from '../api/index.js';
import type { RunHooks } from '../scenario/run.js';
import { startWebView, type ScenarioView, type WebView } from '../web/index.js';

type Argv = Record<string, unknown>;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function web(argv: Argv): Promise<number> {
  requireRoot();
  return serveWeb(argv.lab as string, argv);
}

/** Serve until stopped; the lab is left as it is (up, unless someone took it down). */
export async function serveWeb(lab: string, argv: Argv, opts: { upped?: boolean } = {}): Promise<number> {
  const listen = (argv.listen as string | undefined) ?? '127.0.0.1';
  if (!LOOPBACK.has(listen))
    process.stderr.write(
      `nslab: warning: the web view listens on ${listen}, not on 127.0.0.1: anyone who can reach it and has the URL (its token) can run commands as root in the lab's nodes. Share the URL only over a channel you trust; the page itself is plain HTTP.\n`,
    );
  const view = await startWebView(lab, { listen, port: (argv.port as number | undefined) ?? 0, log: (l) => process.stdout.write(l + '\n') });
  const stop = () => void view.close('interrupted');
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, stop);
  process.stdout.write(`web view of lab '${lab}': ${view.url}\n(open it in a browser on this machine; Ctrl-C stops the server${opts.upped ? ', the lab stays up' : ''})\n`);
  try {
    const reason = await view.closed;
    process.stdout.write(`web view stopped: ${reason}${opts.upped && reason === 'interrupted' ? `; lab '${lab}' is still up (nslab down ${lab})` : ''}\n`);
    return 0;
  } finally {
    for (const s of signals) process.off(s, stop);
  }
}

/**
 * `nslab run --web`: hooks that serve the web view of each scenario's lab once it is up, and show its steps there
 * as they start and end. The view stops by itself when the run tears the lab down; the page keeps the last state.
 */
export function scenarioWebHooks(base: RunHooks, argv: Argv): RunHooks {
  let view: Promise<WebView | undefined> | undefined;
  let state: ScenarioView | undefined;
  const publish = () => void view?.then((v) => state && v?.publishScenario(state));
  const upsert = (s: ScenarioView['steps'][number]) => {
    if (!state) return;
    const i = state.steps.findIndex((x) => x.id === s.id);
    if (i >= 0) state.steps[i] = s;
    else state.steps.push(s);
  };
  return {
    ...base,
    onSetup(scenario) {
      state = { name: scenario.name, status: 'running', steps: scenario.steps.map((s) => ({ id: s.id, name: s.name, kind: s.spec.kind, status: 'pending' })) };
      base.onSetup?.(scenario);
    },
    onLabUp(lab, setupMs) {
      base.onLabUp?.(lab, setupMs);
      view = startWebView(lab.name, { listen: (argv.listen as string | undefined) ?? '127.0.0.1', port: (argv.port as number | undefined) ?? 0 }).then(
        (v) => {
          process.stderr.write(`web view of lab '${lab.name}': ${v.url}\n`);
          if (state) v.publishScenario(state);
          return v;
        },
        (e: Error) => {
          process.stderr.write(`nslab: the web view could not start: ${e.message}\n`);
          return undefined;
        },
      );
    },
    onStepStart(step) {
      upsert({ id: step.id, name: step.name, kind: step.spec.kind, status: 'running' });
      publish();
      base.onStepStart?.(step);
    },
    onStepEnd(r) {
      const metrics = Object.entries(r.metrics).filter(([, v]) => v !== null && typeof v !== 'object').slice(0, 3);
      upsert({
        id: r.id,
        name: r.name,
        kind: r.kind,
        status: r.status,
        durationMs: r.durationMs,
        summary: metrics.map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`).join(' '),
        ...(r.message ? { message: r.message } : {}),
        ...(r.series?.rttMs ? { rttMs: r.series.rttMs.map((x) => x.rttMs) } : {}),
      });
      // The outcome as soon as the last step ends: teardown comes next, and the view stops with the lab, before
      // onTeardown could tell it.
      if (state && state.steps.every((s) => s.status !== 'pending' && s.status !== 'running'))
        state.status = state.steps.some((s) => s.status === 'error') ? 'error' : state.steps.some((s) => s.status === 'fail') ? 'fail' : 'pass';
      publish();
      base.onStepEnd?.(r);
    },
    onTeardown(res) {
      if (state) {
        state.status = res.status;
        publish();
      }
      base.onTeardown?.(res);
    },
  };
}
