// `nslab web LAB` and `nslab up FILE --web`: serve the lab's web view until Ctrl-C or until the lab goes down.

import { requireRoot } from '../api/index.js';
import { startWebView } from '../web/index.js';

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
