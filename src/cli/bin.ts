#!/usr/bin/env node
// The `nslab` executable: run the command line and exit with its code. `exec` and `ls`, the commands people and
// scripts call in loops, take fast paths that load neither yargs nor the schema validator, the YAML parser or the
// compiler (see fast-exec.ts and ls.ts): each answers within about 1.5× the time Node itself takes to start.
const args = process.argv.slice(2);
const printError = async (e: unknown) => (await import('./output.js')).printError(e, args.includes('--json'));
const isLs = args[0] === 'ls' && args.slice(1).every((a) => a === '--json');
const run =
  args[0] === 'exec'
    ? import('./fast-exec.js').then((m) => {
        const quick = m.parseExecArgs(args);
        return quick ? m.fastExec(quick).catch(printError) : import('./main.js').then((mm) => mm.main());
      })
    : isLs
      ? import('./ls.js').then((m) => m.ls({ json: args.includes('--json') })).catch(printError)
      : import('./main.js').then((m) => m.main());
run.then((code) => {
  // process.exit() at once would drop output still queued for a pipe: `nslab up --topo tree,3,10 --dry-run | grep`
  // lost all but the first 64 KiB. Exit once stdout and stderr have flushed what is queued.
  let pending = 2;
  const flushed = () => --pending === 0 && process.exit(code);
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
});
