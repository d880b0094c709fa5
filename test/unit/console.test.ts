// The console's language (pure): parsing lines into commands, tab completion, Mininet's summary line; and the
// pieces it shows: the lab's hosts file and the text tree.
import t from 'tap';
import { completeConsoleLine, parseConsoleLine, pingSummary } from '../../src/cli/console-parse.js';
import { hostsText, gaiText } from '../../src/features/hosts/index.js';
import { textTree } from '../../src/graph/text.js';
import { NslabError } from '../../src/model/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';

const nodes = ['r1', 's1', 's2', 'h1', 'h2', 'h3', 'h4'];
const links = ['h1-s1', 'h2-s1', 's1-r1', 'r1-s2', 'h3-s2', 'h4-s2'];

t.test('lines become commands', async (t) => {
  const p = (line: string) => parseConsoleLine(line, nodes);
  t.same(p(''), { kind: 'empty' });
  t.same(p('   # a comment'), { kind: 'empty' });
  t.same(p('pingall'), { kind: 'pingall' });
  t.same(p('pingall -6'), { kind: 'pingall', family: 6 });
  t.same(p('pingpair'), { kind: 'pingpair' });
  t.same(p('pingpair h1 h3 -4'), { kind: 'pingpair', a: 'h1', b: 'h3', family: 4 });
  t.same(p('link s1 h1 down'), { kind: 'link', words: ['s1', 'h1', 'down'] });
  t.same(p('link h1-s1 up'), { kind: 'link', words: ['h1-s1', 'up'] });
  t.same(p('impair r1-s2 delay 20ms loss 1%'), { kind: 'impair', link: 'r1-s2', change: { delay: '20ms', loss: '1%' }, clear: false });
  t.same(p('impair r1 s2 --rate 10mbit limit 100 direction r1->s2'), { kind: 'impair', link: 'r1-s2', change: { rate: '10mbit', limit: 100 }, clear: false, direction: 'r1->s2' });
  t.same(p('impair r1-s2 clear'), { kind: 'impair', link: 'r1-s2', change: {}, clear: true });
  t.same(p('iperf h1 h3'), { kind: 'iperf', client: 'h1', server: 'h3', durationS: 2 });
  t.same(p('iperf h1 h3 5'), { kind: 'iperf', client: 'h1', server: 'h3', durationS: 5 });
  t.same(p('h1 ping -c1 h2'), { kind: 'node', node: 'h1', cmd: 'ping -c1 h2' });
  t.same(p("h1   echo 'a  b' | wc -c"), { kind: 'node', node: 'h1', cmd: "echo 'a  b' | wc -c" }, 'the command is the rest of the line as typed, for sh -c');
  for (const [alias, kind] of [['dump', 'show'], ['intfs', 'net'], ['quit', 'exit'], ['nodes', 'nodes'], ['links', 'links'], ['graph', 'graph'], ['help', 'help']])
    t.same(p(alias), { kind }, alias);
});

t.test('mistakes are usage errors that say what was expected', async (t) => {
  const bad = (line: string, code: string, message: RegExp) => {
    try {
      parseConsoleLine(line, nodes);
      t.fail(`${line}: no error`);
    } catch (e) {
      t.ok(e instanceof NslabError, line);
      t.equal((e as NslabError).code, code, line);
      t.match((e as NslabError).message, message, line);
    }
  };
  bad('pingal', 'E_USAGE', /'pingal' is neither a command nor a node/);
  bad('h9 ls', 'E_USAGE', /'h9' is neither/);
  bad('h1', 'E_USAGE', /a command to run in h1/);
  bad('pingpair h1', 'E_USAGE', /two nodes, or none/);
  bad('pingpair h1 h9', 'E_UNKNOWN_NODE', /no node 'h9'/);
  bad('link h1 s1 sideways', 'E_USAGE', /A B up\|down/);
  bad('impair r1-s2', 'E_USAGE', /something to change/);
  bad('impair r1-s2 colour red', 'E_USAGE', /not 'colour'/);
  bad('impair r1-s2 delay', 'E_USAGE', /a value after delay/);
  bad('iperf h1', 'E_USAGE', /CLIENT SERVER/);
  bad('iperf h1 h2 1.5', 'E_USAGE', /whole number of seconds/);
  bad('nodes h1', 'E_USAGE', /no arguments/);
});

t.test('tab completion: commands and nodes first, then what each command takes', async (t) => {
  const c = (line: string) => completeConsoleLine(line, nodes, links);
  t.same(c('pinga'), [['pingall'], 'pinga']);
  t.same(c('ping'), [['pingall', 'pingpair'], 'ping']);
  t.same(c('h'), [['h1', 'h2', 'h3', 'h4', 'help'], 'h']);
  t.same(c('h1 ping -c1 h'), [['h1', 'h2', 'h3', 'h4'], 'h'], 'after a node: node names, to use as addresses');
  t.same(c('link s1 '), [[...nodes, 'blackhole', 'down', 'up'].sort(), '']);
  t.same(c('link s1 h1 d'), [['down'], 'd']);
  t.same(c('link h1-s1 '), [['blackhole', 'down', 'up'], '']);
  t.same(c('impair r1-'), [['r1-s2'], 'r1-']);
  t.same(c('impair r1-s2 de'), [['delay'], 'de']);
  t.same(c('iperf h1 h'), [['h1', 'h2', 'h3', 'h4'], 'h']);
  t.same(c('pingall -'), [['-4', '-6'], '-']);
  t.same(c('graph '), [[], '']);
  t.same(c(''), [[...['pingall', 'pingpair', 'link', 'impair', 'iperf', 'nodes', 'net', 'links', 'show', 'dump', 'graph', 'help', 'exit', 'quit'], ...nodes].sort(), '']);
});

t.test("Mininet's summary line", async (t) => {
  t.equal(pingSummary(12, 12), '*** Results: 0% dropped (12/12 received)');
  t.equal(pingSummary(6, 12), '*** Results: 50% dropped (6/12 received)');
  t.equal(pingSummary(0, 2), '*** Results: 100% dropped (0/2 received)');
  t.equal(pingSummary(0, 0), '*** Results: 0% dropped (0/0 received)');
});

t.test("the lab's hosts file: every node by name and NODE-IFNAME, IPv4 and IPv6; gai.conf puts IPv4 first", async (t) => {
  const lrl = loadTopology('topologies/lan-router-lan.yaml');
  const text = hostsText(lrl.name, lrl.nodes);
  t.match(text, /^10\.10\.0\.1\tr1 r1-eth0$/m);
  t.match(text, /^10\.10\.1\.1\tr1 r1-eth1$/m, 'a router has its name on each of its addresses');
  t.match(text, /^10\.10\.0\.2\th1 h1-eth0$/m);
  t.match(text, /^fd00:10::2\th1 h1-eth0$/m);
  t.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  t.notMatch(text, /\bs1\b/, 'switches have no addresses');
  t.ok(text.indexOf('10.10.0.2\th1') < text.indexOf('fd00:10::2\th1'), 'IPv4 lines first');
  t.same(lrl.files?.map((f) => f.target), ['/etc/hosts', '/etc/gai.conf'], 'the resolved topology carries both files');
  t.match(gaiText('x'), /^precedence ::ffff:0:0\/96 100$/m);
  // An interface name that is not a plain label, or that would be another node's name, gets no NODE-IFNAME.
  const odd = loadTopologyText('name: odd\nnodes: { a: {}, b: {}, a-x: {} }\nlinks:\n  - endpoints: ["a:x", "b:e.1"]\n  - [a-x, b]\n', 'odd.yaml');
  const oddText = hostsText('odd', odd.nodes);
  t.match(oddText, /^\S+\ta$/m, "a:x would be a-x, another node's name");
  t.match(oddText, /^\S+\tb$/m, 'b-e.1 is not a plain label');
  t.match(oddText, /^\S+\ta-x a-x-eth0$/m);
});

t.test('graph as text: a tree from the best-connected node, loops listed after', async (t) => {
  const tree = textTree(loadTopology('topologies/lan-router-lan.yaml'));
  t.equal(
    tree,
    ['s1 (switch)', '├─ h1  s1:eth0 ↔ h1:eth0', '├─ h2  s1:eth1 ↔ h2:eth0', '└─ r1 (router)  s1:eth2 ↔ r1:eth0', '   └─ s2 (switch)  r1:eth1 ↔ s2:eth0', '      ├─ h3  s2:eth1 ↔ h3:eth0', '      └─ h4  s2:eth2 ↔ h4:eth0'].join('\n'),
  );
  const ring = textTree(loadTopologyText('name: ring\ntopo: ring,3\n', 'ring.yaml'));
  t.match(ring, /and, closing loops:\n {3}\S+ ↔ \S+$/);
});

t.test('run --lab: the steps must name nodes and links the running lab has, each missing one located', async (t) => {
  const { checkScenarioFitsLab, loadScenario } = await import('../../src/scenario/load.js');
  const grade = loadScenario('scenarios/lrl-grade.yaml');
  const lrl = loadTopology('topologies/lan-router-lan.yaml');
  t.doesNotThrow(() => checkScenarioFitsLab(grade, lrl), 'its own topology fits');
  const failover = loadScenario('scenarios/failover.yaml');
  try {
    checkScenarioFitsLab(failover, lrl);
    t.fail('no error');
  } catch (e) {
    const err = e as NslabError;
    t.equal(err.code, 'E_LAB_MISMATCH');
    t.ok(err.problems.length > 0);
    t.ok(err.problems.every((p) => p.location?.file === 'scenarios/failover.yaml' && p.location.line > 0), 'every problem is located in the scenario');
    t.match(err.problems[0], { code: 'E_UNKNOWN_LINK', path: /^steps\[\d+\]/ });
  }
  const two = loadTopologyText('name: two\nnodes: { h1: {}, h2: {} }\nlinks: [[h1, h2]]\n', 'two.yaml');
  t.throws(() => checkScenarioFitsLab(grade, two), { code: 'E_LAB_MISMATCH' }, "reach: all expands to the scenario topology's hosts, which the lab lacks");
});
