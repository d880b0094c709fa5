// The nslab command line. Each command's handler is imported only when that command runs, so that quick commands
// (exec, ls) do not pay for loading the schema validator.

import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { NslabError } from '../model/errors.js';
import { printError } from './output.js';

type Handler = (argv: Record<string, unknown>) => Promise<number>;

const modules = { commands: () => import('./commands.js'), graph: () => import('./graph.js'), ls: () => import('./ls.js'), web: () => import('./web.js') };
const lazy = (name: string, from: keyof typeof modules = 'commands'): Handler => async (argv) => {
  const mod = (await modules[from]()) as unknown as Record<string, Handler>;
  return mod[name](argv);
};

/**
 * `nslab exec LAB NODE ping -c 3 …`: everything after the node belongs to the command, options included, so a
 * `--` is implied there (yargs would otherwise read `-c 3` as its own option).
 */
export function implyDashDash(args: string[]): string[] {
  if (args[0] !== 'exec' || args.includes('--') || args.length <= 3 || args[1].startsWith('-') || args[2].startsWith('-')) return args;
  return [...args.slice(0, 3), '--', ...args.slice(3)];
}

export async function main(argsIn: string[] = hideBin(process.argv)): Promise<number> {
  const args = implyDashDash(argsIn);
  let exitCode = 0;
  const json = args.includes('--json');
  const run = (h: Handler) => async (argv: Record<string, unknown>) => {
    try {
      exitCode = await h(argv);
    } catch (e) {
      // Only up and run can be retried under --kernel uml; the library's hint then names the command typed.
      const retargeted = e instanceof NslabError && (args[0] === 'up' || args[0] === 'run') ? (await import('./uml.js')).withUmlCommand(e, args) : e;
      exitCode = printError(retargeted, json);
    }
  };
  const file = (y: Argv) => y.positional('file', { type: 'string', describe: 'topology file (YAML)', demandOption: false });
  const webOptions = {
    listen: { type: 'string', describe: 'web view: address to listen on (default 127.0.0.1; anything else prints a warning)' },
    port: { type: 'number', describe: 'web view: port (default: any free one)' },
  } as const;
  const jsonOption = { type: 'boolean', describe: 'machine-readable output (JSON on stdout; errors as JSON on stderr)' } as const;
  const parser: Argv = yargs(args)
    .scriptName('nslab')
    .usage('$0 <command> [options]\n\nTest-lab network emulator: topology files become namespaces, veth links, bridges and routes.')
    .command(
      'validate <file>',
      'check a topology or a scenario file (and its topology); report every problem with FILE:LINE:COL and the fix',
      (y) => file(y).option('json', jsonOption),
      run(lazy('validate')),
    )
    .command(
      'up [file]',
      'build a lab from a topology file (or a generator with --topo) and print its nodes and addresses',
      (y) =>
        file(y)
          .option('dry-run', { type: 'boolean', describe: 'print the plan (every command) without root or any change' })
          .option('topo', { type: 'string', describe: 'generate the lab: single,N | linear,N | tree,D,F | ring,N | fattree,K | dumbbell,N' })
          .option('name', { type: 'string', describe: 'lab name for --topo (default: the generator name)' })
          .option('kernel', { choices: ['host', 'uml'] as const, default: 'host', describe: 'uml: run the lab inside user-mode Linux (has netem; no root needed); an interactive shell, or the command after --' })
          .option('web', { type: 'boolean', describe: 'then serve its web view (see nslab web) until Ctrl-C; the lab stays up' })
          .options(webOptions)
          .option('wait', { type: 'boolean', default: true, describe: 'a routed lab (routing: ospf, bgp, isis): return once every host reaches every host and the routes hold still; --no-wait returns when the daemons have started' })
          .option('wait-timeout', { type: 'string', default: '60s', describe: 'give up waiting for convergence after this long (exit 2, the lab stays up)' })
          .option('console', { type: 'boolean', describe: 'then open the console on it (as nslab console), and take the lab down when the console ends' })
          .option('json', jsonOption),
      run(async (argv) => {
        if (argv.console && (argv.kernel === 'uml' || argv['dry-run'] || argv.json)) throw new NslabError('E_USAGE', '--console goes with neither --kernel uml, --dry-run nor --json', { hint: 'nslab up FILE --console' });
        return argv.kernel === 'uml' && !argv['dry-run'] ? (await import('./uml.js')).upUml(argv, args) : lazy('up')(argv);
      }),
    )
    .command(
      'web <lab>',
      'a live web page of a running lab: the drawing, per-link figures, link control and a terminal per node (URL with a token, on 127.0.0.1)',
      (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).options(webOptions),
      run(lazy('web', 'web')),
    )
    .command('down <lab>', 'tear a lab down: stop its processes and delete its namespaces', (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).option('json', jsonOption), run(lazy('down')))
    .command(
      'show <lab>',
      "a running lab's nodes, interfaces, addresses, peers, link states (read from the kernel now), impairments and processes",
      (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).option('json', jsonOption),
      run(lazy('show')),
    )
    .command(
      'console <lab>',
      "a console on a running lab, like Mininet's CLI: pingall, pingpair, NODE CMD (node names resolve), link A B down|up, impair, iperf, net, links, show, graph, help; reads commands from a pipe too",
      (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }),
      run(lazy('openConsole')),
    )
    .command('ls', 'list the labs on this machine', (y) => y.option('json', jsonOption), run(lazy('ls', 'ls')))
    .command(
      'exec <lab> <node> [cmd..]',
      'run a command in a node (argv, no shell; use -- before the command): stdio and exit code pass through',
      (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).positional('node', { type: 'string', describe: 'a node of the lab' }).positional('cmd', { type: 'string', array: true, describe: 'the command and its arguments (after --)' }),
      run(lazy('exec')),
    )
    .command(
      'impair <lab> <link>',
      'change a link\'s impairments while the lab runs (LINK: h1:eth0 or h1-s1); keys not given stay as they are',
      (y) =>
        y
          .positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" })
          .positional('link', { type: 'string', describe: 'h1-s1 (two nodes) or h1:eth0 (an interface)' })
          .option('rate', { type: 'string', describe: 'rate limit, tc units (10mbit)' })
          .option('delay', { type: 'string', describe: 'one-way delay per direction (80ms)' })
          .option('jitter', { type: 'string', describe: 'delay variation (5ms)' })
          .option('distribution', { choices: ['normal', 'pareto', 'paretonormal', 'uniform'] as const, describe: 'jitter distribution (needs --jitter)' })
          .option('loss', { type: 'string', describe: 'random loss (2%)' })
          .option('duplicate', { type: 'string', describe: 'duplication (1%)' })
          .option('reorder', { type: 'string', describe: 'reordering (25%, needs a delay)' })
          .option('corrupt', { type: 'string', describe: 'corruption (0.1%)' })
          .option('limit', { type: 'number', describe: 'netem queue length in packets' })
          .option('direction', { type: 'string', describe: 'only one direction: A->B (default both)' })
          .option('clear', { type: 'boolean', describe: 'remove every impairment (of the direction)' }),
      run(lazy('impair')),
    )
    .command(
      'link <lab> <words..>',
      'take a link down, bring it back up, or blackhole it (carrier up, every frame dropped: a silent failure): LINK up|down|blackhole, where LINK is h1-s1, h1:eth0, or the two nodes (nslab link LAB s1 h1 down, Mininet\'s order)',
      (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).positional('words', { type: 'string', array: true, describe: 'LINK up|down|blackhole, or NODE NODE up|down|blackhole' }),
      run(lazy('link')),
    )
    .command('shell <lab> <node>', 'an interactive shell in a node, with the node in the prompt', (y) => y.positional('lab', { type: 'string', describe: "the lab's name (nslab ls lists them)" }).positional('node', { type: 'string', describe: 'a node of the lab' }), run(lazy('shell')))
    .command(
      'clean',
      'remove what is left of labs whose builder or owner died (--all: every lab)',
      (y) => y.option('all', { type: 'boolean', describe: 'also remove labs that are up' }).option('json', jsonOption),
      run(lazy('clean')),
    )
    .command(
      'run <scenario..>',
      'run scenarios: build the lab, run the steps and checks, always tear down (--lab LAB: on a lab already up, left up); exit 0 pass, 1 failed check, 2 error',
      (y) =>
        y
          .positional('scenario', { type: 'string', array: true, describe: 'scenario files (YAML)' })
          .option('report', { type: 'string', array: true, describe: 'json=FILE | junit=FILE | tap[=FILE] | html=DIR (repeatable)' })
          .option('keep', { type: 'boolean', describe: 'leave the lab up afterwards for debugging' })
          .option('lab', { type: 'string', describe: "run the steps on this lab, already up (e.g. configured by hand): it is neither built nor torn down, and must have the nodes and links the steps name" })
          .option('artifacts', { type: 'string', describe: 'where captures (pcaps) go (default ./nslab-artifacts)' })
          .option('web', { type: 'boolean', describe: "serve each scenario's lab as a web view (see nslab web) while it runs: its steps, link figures and terminals" })
          .options(webOptions)
          .option('strict-health', { type: 'boolean', describe: "exit 2 when the emulation's health was at risk in any step (for CI that would rather retry than trust a busy machine)" })
          .option('kernel', { choices: ['host', 'uml'] as const, default: 'host', describe: 'uml: run inside user-mode Linux (has netem; no root needed)' }),
      run(async (argv) => {
        if (argv.kernel === 'uml' && argv.lab !== undefined) throw new NslabError('E_USAGE', '--lab runs on a lab that is up on this host; --kernel uml builds its own', { hint: 'drop --kernel uml' });
        return argv.kernel === 'uml' ? (await import('./uml.js')).runUml(argv, args) : (await import('./run.js')).run(argv, args);
      }),
    )
    .command(
      'graph <file>',
      'draw a topology: DOT on stdout, or -o lab.svg|lab.dot|lab.mmd',
      (y) =>
        file(y)
          .option('output', { alias: 'o', type: 'string', describe: 'write here; .svg, .dot/.gv, .mmd/.mermaid picks the format' })
          .option('format', { type: 'string', choices: ['dot', 'mermaid', 'svg'], describe: 'override the format (e.g. Mermaid on stdout)' })
          .option('group', { type: 'string', choices: ['auto', 'always', 'never'], default: 'auto', describe: 'collapse leaf hosts (auto: above 50 nodes)' }),
      run(lazy('graph', 'graph')),
    )
    .command(
      'export <file>',
      'translate a topology for another tool (containerlab)',
      (y) =>
        file(y)
          .option('format', { type: 'string', choices: ['containerlab'], demandOption: true, describe: 'the other tool' })
          .option('output', { alias: 'o', type: 'string', describe: 'write here instead of stdout' })
          .option('image', { type: 'string', describe: 'container image for every node (default ghcr.io/srl-labs/network-multitool)' })
          .option('frr-image', { type: 'string', describe: 'container image for FRR routers (default quay.io/frrouting/frr:8.5.0)' }),
      run(lazy('exportTopology', 'graph')),
    )
    .command('schema <which>', 'print the JSON Schema of topology or scenario files (for editors)', (y) => y.positional('which', { choices: ['topology', 'scenario'] as const, describe: 'which file format' }), run(lazy('schema')))
    // A command of its own, so that `nslab completion --help` prints help (yargs' completion command prints the
    // script whatever follows it); yargs still answers the script's --get-yargs-completions.
    .command('completion', 'print a shell completion script (bash/zsh): nslab completion >> ~/.bashrc', (y) => y, () => void parser.showCompletionScript())
    .completion('__completion', false)
    .command('doctor', 'check root, iproute2, kernel features, qdiscs and tools, with the fix for each gap', (y) => y.option('json', jsonOption), run(lazy('doctor')))
    .parserConfiguration({ 'populate--': true })
    .demandCommand(1, 'name a command (nslab --help lists them)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`nslab: ${msg}\n(nslab --help lists commands and options)\n`);
      exitCode = 2; // a usage error is an error, not a failed expectation
    });
  await parser.parseAsync();
  return exitCode;
}

