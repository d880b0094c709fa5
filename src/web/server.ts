// The web view's server: one HTTP server on loopback (by default) that serves the page, the lab's model, its live
// figures over a WebSocket, link control (through Lab.setLink and Lab.impair, the code paths of `nslab link` and
// `nslab impair`), and terminals (a pty per WebSocket). Every request passes the gate in auth.ts first.
// It stops by itself when the lab goes down: it watches the lab's state directory (inotify through fs.watch), where
// `down` rewrites the journal and then removes the directory; no polling of the journal.

import { watch, existsSync, readFileSync, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Lab } from '../api/lab.js';
import { showLab } from '../api/show.js';
import { CounterReader, type CounterFrame } from '../exec/counters.js';
import { Pty } from '../exec/pty.js';
import { NslabError, type RawImpairment } from '../model/index.js';
import { StateStore, type Runner } from '../sys/index.js';
import { allowedOrigins, gate, newToken } from './auth.js';
import { linkRates, viewModel, type LinkRates, type ViewModel } from './model.js';
import { APP_JS, pageHtml } from './page.js';

export interface WebOptions {
  /** Address to listen on; 127.0.0.1 unless given (the CLI's --listen, which warns). */
  listen?: string;
  /** 0 (the default): any free port. */
  port?: number;
  store?: StateStore;
  runner?: Runner;
  /** Interval of the live figures, 1000 ms by default. */
  intervalMs?: number;
  /** One line per control action and terminal (who did what), for the operator's console. */
  log?: (line: string) => void;
  /** The token to require; a fresh random one by default (tests pass none). */
  token?: string;
}

export interface WebView {
  /** The page's URL, token included: the only way in. */
  url: string;
  token: string;
  port: number;
  /** Resolves with the reason when the server has stopped (lab down, close()). */
  closed: Promise<string>;
  close(reason?: string): Promise<string>;
  /** Show a scenario's progress on the page (`nslab run --web`): the latest state, also sent to pages that connect later. */
  publishScenario(state: ScenarioView): void;
}

/** A scenario's steps as the page lists them. */
export interface ScenarioView {
  name: string;
  status: 'running' | 'pass' | 'fail' | 'error';
  steps: { id: string; name: string; kind: string; status: string; durationMs?: number; summary?: string; message?: string; rttMs?: (number | null)[] }[];
}

/** How many past frames of figures a page gets when it connects: the sparklines' first minute. */
const HISTORY = 60;

const req = createRequire(import.meta.url);
const asset = (spec: string) => readFileSync(req.resolve(spec));

/** Serve a running lab's web view. Resolves once it listens. */
export async function startWebView(lab: string, opts: WebOptions = {}): Promise<WebView> {
  const store = opts.store ?? new StateStore();
  const runner = opts.runner;
  const log = opts.log ?? (() => undefined);
  const show = await showLab(lab, { store, runner });
  if (!show.kernelRead) throw new NslabError('E_WEB_KERNEL', `the web view cannot read lab '${lab}': ${show.kernelError}`, { hint: 'run it as root, on a lab built on the host kernel' });
  const first = viewModel(show);
  const positions = new Map(first.nodes.map((n) => [n.name, { x: n.x, y: n.y }]));
  let model: ViewModel = first;
  const netnsOf = new Map(show.nodes.map((n) => [n.name, n.netns]));
  const envOf = new Map(Lab.open(lab, { store }).topology.nodes.map((n) => [n.name, n.env]));
  const token = opts.token ?? newToken();
  const listen = opts.listen ?? '127.0.0.1';
  const assets: Record<string, [string, Buffer | string]> = {
    '/assets/xterm.js': ['text/javascript', asset('@xterm/xterm/lib/xterm.js')],
    '/assets/xterm.css': ['text/css', asset('@xterm/xterm/css/xterm.css')],
    '/assets/addon-fit.js': ['text/javascript', asset('@xterm/addon-fit/lib/addon-fit.js')],
    '/assets/app.js': ['text/javascript', APP_JS],
  };

  const events = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const terms = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const ptys = new Set<Pty>();
  const history: { t: number; links: LinkRates[] }[] = [];
  let stopping: Promise<string> | undefined;
  let resolveClosed!: (reason: string) => void;
  const closed = new Promise<string>((r) => (resolveClosed = r));

  const broadcast = (msg: unknown) => {
    const text = JSON.stringify(msg);
    for (const c of events.clients) if (c.readyState === c.OPEN) c.send(text);
  };

  const headers = {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Everything the page needs comes from this server; xterm.js sets inline styles on its elements.
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  };
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { ...headers, 'content-type': `${type}; charset=utf-8` });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, v: unknown) => send(res, status, 'application/json', JSON.stringify(v));

  const readBody = (r: IncomingMessage): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => {
        body += d;
        if (body.length > 64 * 1024) reject(new NslabError('E_BAD_ARGUMENT', 'request body too large'));
      });
      r.on('end', () => {
        try {
          const v = JSON.parse(body || '{}');
          if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
          resolve(v as Record<string, unknown>);
        } catch (e) {
          reject(new NslabError('E_BAD_ARGUMENT', `request body is not a JSON object: ${(e as Error).message}`));
        }
      });
      r.on('error', reject);
    });

  /** Re-read the lab after a change (ours or anyone's): link states and impairments; positions stay. */
  let refreshing: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (refreshing ??= showLab(lab, { store, runner })
      .then((r) => {
        model = viewModel(r, positions);
        broadcast({ type: 'model', model });
      })
      .catch(() => undefined)
      .finally(() => (refreshing = undefined)));

  const control = async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    const link = model.links.find((l) => l.index === body.link);
    if (!link) throw new NslabError('E_BAD_ARGUMENT', `no link with index ${JSON.stringify(body.link)}`, { hint: `indexes: 0…${model.links.length - 1}` });
    const handle = Lab.open(lab, { store, runner });
    if (path === '/api/link') {
      const state = body.state;
      if (state !== 'up' && state !== 'down') throw new NslabError('E_BAD_ARGUMENT', `state must be 'up' or 'down', not ${JSON.stringify(state)}`);
      log(`web: link ${link.spec} (${link.a}-${link.b}) ${state}`);
      await handle.setLink(link.spec, state);
    } else {
      const change: RawImpairment = {};
      for (const k of ['rate', 'delay', 'loss'] as const) {
        const v = body[k];
        if (typeof v === 'string' && v.trim() !== '') change[k] = v.trim();
      }
      const clear = body.clear === true;
      if (!clear && !Object.keys(change).length) throw new NslabError('E_BAD_ARGUMENT', 'nothing to change', { hint: 'give rate, delay or loss, or clear' });
      log(`web: impair ${link.spec} (${link.a}-${link.b}) ${clear ? 'clear' : JSON.stringify(change)}`);
      await handle.impair(link.spec, change, { clear });
    }
    await refresh();
    return { ok: true, link: model.links.find((l) => l.index === link.index) };
  };

  const server = createServer((r, res) => {
    const verdict = gate({ url: r.url, websocket: false }, token, new Set());
    if (!verdict.ok) return send(res, 403, 'text/plain', `forbidden: ${verdict.reason}\n`);
    const path = new URL(r.url!, 'http://x').pathname;
    if (r.method === 'GET' && path === '/') return send(res, 200, 'text/html', pageHtml(token));
    if (r.method === 'GET' && assets[path]) return send(res, 200, assets[path][0], assets[path][1]);
    if (r.method === 'GET' && path === '/api/lab') return sendJson(res, 200, model);
    if (r.method === 'POST' && (path === '/api/link' || path === '/api/impair')) {
      readBody(r)
        .then((body) => control(path, body))
        .then(
          (v) => sendJson(res, 200, v),
          (e: unknown) => {
            const ne = e instanceof NslabError ? e : undefined;
            sendJson(res, ne && ne.code !== 'E_KERNEL_OP' ? 400 : 500, { ok: false, code: ne?.code ?? 'E_INTERNAL', error: (e as Error).message, hint: ne?.hint });
          },
        );
      return;
    }
    send(res, 404, 'text/plain', 'not found\n');
  });

  const allowed = new Set<string>();
  server.on('upgrade', (r: IncomingMessage, socket, head) => {
    const verdict = gate({ url: r.url, origin: r.headers.origin, websocket: true }, token, allowed);
    const path = new URL(r.url ?? '/', 'http://x').pathname;
    const wss = path === '/ws/events' ? events : path === '/ws/term' ? terms : undefined;
    if (!verdict.ok || !wss || stopping) {
      socket.end(`HTTP/1.1 ${verdict.ok ? '404 Not Found' : '403 Forbidden'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(r, socket, head, (ws) => wss.emit('connection', ws, r));
  });

  let scenario: ScenarioView | undefined;
  events.on('connection', (ws: WebSocket) => {
    ws.send(JSON.stringify({ type: 'model', model }));
    ws.send(JSON.stringify({ type: 'history', frames: history }));
    if (scenario) ws.send(JSON.stringify({ type: 'scenario', scenario }));
  });

  terms.on('connection', (ws: WebSocket, r: IncomingMessage) => {
    const q = new URL(r.url!, 'http://x').searchParams;
    const node = q.get('node') ?? '';
    if (!netnsOf.has(node)) return ws.close(4004, `no node '${node.slice(0, 40)}'`);
    const prompt = `[${lab}:${node}] \\w \\$ `;
    // The same shell as `nslab shell LAB NODE`: the node in the prompt, no rc files that could hide it.
    const argv = Lab.open(lab, { store }).entryArgv(node, ['env', `PS1=${prompt}`, `NSLAB_LAB=${lab}`, `NSLAB_NODE=${node}`, 'bash', '--norc', '--noprofile', '-i']);
    const pty = new Pty(argv, { rows: Number(q.get('rows')), cols: Number(q.get('cols')), env: envOf.get(node) });
    ptys.add(pty);
    log(`web: terminal on ${node} (pid ${pty.pid})`);
    pty.onData((d) => ws.readyState === ws.OPEN && ws.send(d, { binary: true }));
    pty.onExit(() => {
      ptys.delete(pty);
      if (ws.readyState === ws.OPEN) ws.close(1000, 'the shell exited');
    });
    // Binary frames are keys; text frames are resize requests: {"rows":R,"cols":C}.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return pty.write(data);
      try {
        const m = JSON.parse(data.toString()) as { rows?: number; cols?: number };
        if (typeof m.rows === 'number' && typeof m.cols === 'number') pty.resize(m.rows, m.cols);
      } catch {
        /* not a resize request: ignored */
      }
    });
    ws.on('close', () => void pty.kill());
  });

  // The live figures: one counter frame per interval, rates against the previous one.
  const reader = new CounterReader(show.nodes.map((n) => n.netns));
  let prev: { frame: CounterFrame; at: number } | undefined;
  let reading = false;
  const tick = async () => {
    if (reading || stopping) return; // a slow read (a loaded machine) skips a beat rather than piling up
    reading = true;
    try {
      const frame = await reader.read();
      const at = performance.now();
      const rates = linkRates(model.links, (n) => netnsOf.get(n)!, prev?.frame, frame, prev ? at - prev.at : 0);
      prev = { frame, at };
      const entry = { t: Date.now(), links: rates };
      history.push(entry);
      if (history.length > HISTORY) history.shift();
      broadcast({ type: 'stats', ...entry });
    } catch (e) {
      if (!stopping) void close(`reading the counters failed: ${(e as Error).message}`);
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 1000);
  void tick();

  // Lab down: `down` rewrites the journal (status tearing-down), then removes the lab's directory.
  const labDir = store.labDir(lab);
  let debounce: NodeJS.Timeout | undefined;
  const onChange = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const found = store.inspect(lab);
      if (found.state !== 'ok' || found.journal.status !== 'up') void close(`lab '${lab}' went down`);
      else void refresh();
    }, 30);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of [labDir, store.root]) {
    const w = watch(dir, onChange);
    w.on('error', onChange); // the directory itself removed
    watchers.push(w);
  }

  async function close(reason = 'stopped'): Promise<string> {
    stopping ??= (async () => {
      clearInterval(timer);
      clearTimeout(debounce);
      for (const w of watchers) w.close();
      reader.close();
      for (const c of [...events.clients, ...terms.clients]) c.close(1001, reason.slice(0, 100));
      await Promise.all([...ptys].map((p) => p.kill()));
      for (const c of [...events.clients, ...terms.clients]) c.terminate();
      const down = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections(); // idle keep-alive connections would hold close() open
      await down;
      resolveClosed(reason);
      return reason;
    })();
    return stopping;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, listen, () => resolve());
  }).catch(async (e: NodeJS.ErrnoException) => {
    await close('could not listen');
    throw new NslabError('E_WEB_LISTEN', `cannot listen on ${listen}:${opts.port ?? 0}: ${e.message}`, { hint: e.code === 'EADDRINUSE' ? 'choose another --port, or 0 for any free one' : 'give an address of this machine to --listen' });
  });
  const port = (server.address() as AddressInfo).port;
  for (const o of allowedOrigins(listen, port)) allowed.add(o);
  const host = listen.includes(':') ? `[${listen}]` : listen;
  // The lab may have gone down while we started.
  if (!existsSync(labDir)) void close(`lab '${lab}' went down`);
  const publishScenario = (state: ScenarioView) => {
    scenario = state;
    broadcast({ type: 'scenario', scenario });
  };
  return { url: `http://${host}:${port}/?token=${token}`, token, port, closed, close, publishScenario };
}
