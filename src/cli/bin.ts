#!/usr/bin/env node
// The `nslab` executable: run the command line and exit with its code. `exec` takes a fast path (see fast-exec.ts).
import { fastExec, parseExecArgs } from './fast-exec.js';

const args = process.argv.slice(2);
const quick = parseExecArgs(args);
const run = quick
  ? fastExec(quick).catch(async (e) => (await import('./output.js')).printError(e, false))
  : import('./main.js').then((m) => m.main());
run.then((code) => process.exit(code));
