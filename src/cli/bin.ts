#!/usr/bin/env node
// The `nslab` executable: run the command line and exit with its code. `exec` takes a fast path (see fast-exec.ts).
import { fastExec, parseExecArgs } from './fast-exec.js';

const args = process.argv.slice(2);
const quick = parseExecArgs(args);
const run = quick
  ? fastExec(quick).catch(async (e) => (await import('./output.js')).printError(e, false))
  : import('./main.js').then((m) => m.main());
run.then((code) => {
  // process.exit() at once would drop output still queued for a pipe: `nslab up --topo tree,3,10 --dry-run | grep`
  // lost all but the first 64 KiB. Exit once stdout and stderr have flushed what is queued.
  let pending = 2;
  const flushed = () => --pending === 0 && process.exit(code);
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
});
