// The web view's pure parts: the gate (token and WebSocket origin), the layout, the rate arithmetic and the
// counter reader's output parser.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { allowedOrigins, gate, layoutGraph, linkRates, newToken, originAllowed, requestToken, tokenMatches } from '../../src/web/index.js';
import { parseCounterFrame, type CounterFrame, type IfCounters } from '../../src/exec/counters.js';

t.test('token: random, URL-safe, compared exactly', async (t) => {
  const a = newToken();
  const b = newToken();
  t.match(a, /^[A-Za-z0-9_-]{32}$/);
  t.not(a, b, 'two tokens differ');
  t.ok(tokenMatches(a, a));
  t.notOk(tokenMatches(a, b));
  t.notOk(tokenMatches(a, undefined));
  t.notOk(tokenMatches(a, ''));
  t.notOk(tokenMatches(a, a.slice(0, -1)), 'a prefix is not the token');
  t.notOk(tokenMatches(a, a + 'x'), 'nor a longer string');
  t.equal(requestToken(`/api/lab?token=${a}`), a);
  t.equal(requestToken('/ws/term?node=h1&token=xyz&rows=3'), 'xyz');
  t.equal(requestToken('/'), undefined);
  t.equal(requestToken(undefined), undefined);
});

t.test('origins: fixed from the listening address, never from the request', async (t) => {
  const lo = allowedOrigins('127.0.0.1', 8080);
  t.same([...lo].sort(), ['http://127.0.0.1:8080', 'http://[::1]:8080', 'http://localhost:8080']);
  t.ok(originAllowed('http://127.0.0.1:8080', lo));
  t.ok(originAllowed('http://LOCALHOST:8080', lo), 'origins compare case-insensitively (scheme and host)');
  t.notOk(originAllowed('http://127.0.0.1:8081', lo), 'another port is another origin');
  t.notOk(originAllowed('https://127.0.0.1:8080', lo), 'another scheme too');
  t.notOk(originAllowed('http://evil.example:8080', lo), 'a rebound DNS name (Host and Origin agreeing) is foreign');
  t.notOk(originAllowed('null', lo), 'a sandboxed or file: page sends "null"');
  t.ok(originAllowed(undefined, lo), 'no Origin: not a browser, let in by the token alone');
  const wide = allowedOrigins('192.0.2.7', 9000);
  t.same([...wide], ['http://192.0.2.7:9000']);
  t.same([...allowedOrigins('fd00::7', 9000)], ['http://[fd00::7]:9000']);
});

t.test('gate: every request needs the token; a WebSocket also a known origin', async (t) => {
  const tok = newToken();
  const allowed = allowedOrigins('127.0.0.1', 1234);
  t.same(gate({ url: '/', websocket: false }, tok, allowed), { ok: false, status: 403, reason: 'missing or wrong token' });
  t.same(gate({ url: '/?token=nope', websocket: false }, tok, allowed).ok, false);
  t.same(gate({ url: `/assets/app.js?token=${tok}`, websocket: false }, tok, allowed), { ok: true });
  t.same(gate({ url: `/ws/events?token=${tok}`, origin: 'http://127.0.0.1:1234', websocket: true }, tok, allowed), { ok: true });
  const foreign = gate({ url: `/ws/events?token=${tok}`, origin: 'http://evil.example', websocket: true }, tok, allowed);
  t.same(foreign, { ok: false, status: 403, reason: 'origin http://evil.example not allowed' });
  t.same(gate({ url: '/ws/term', origin: 'http://127.0.0.1:1234', websocket: true }, tok, allowed).ok, false, 'the right origin without the token');
});

const lrl = {
  nodes: ['r1', 's1', 's2', 'h1', 'h2', 'h3', 'h4'],
  edges: [['h1', 's1'], ['h2', 's1'], ['s1', 'r1'], ['r1', 's2'], ['h3', 's2'], ['h4', 's2']] as [string, string][],
};
const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

t.test('layout: deterministic, inside the box, spread out, neighbours close', async (t) => {
  const p = layoutGraph(lrl, 1000);
  t.same([...p.keys()], lrl.nodes, 'one position per node, in order');
  t.same(layoutGraph(lrl, 1000), p, 'the same lab is laid out the same way');
  for (const [n, q] of p) t.ok(q.x >= 0 && q.x <= 1000 && q.y >= 0 && q.y <= 1000, `${n} inside the box`);
  const pts = [...p.values()];
  let minPair = Infinity;
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) minPair = Math.min(minPair, dist(pts[i], pts[j]));
  t.ok(minPair > 60, `no two nodes on top of each other (closest pair ${minPair.toFixed(0)})`);
  const linked = new Set(lrl.edges.map(([a, b]) => `${a} ${b}`));
  let near = 0, nearN = 0, far = 0, farN = 0;
  for (const a of lrl.nodes)
    for (const b of lrl.nodes)
      if (a < b) {
        const d = dist(p.get(a)!, p.get(b)!);
        if (linked.has(`${a} ${b}`) || linked.has(`${b} ${a}`)) (near += d), nearN++;
        else (far += d), farN++;
      }
  t.ok(near / nearN < far / farN, `linked nodes are closer on average (${(near / nearN).toFixed(0)} vs ${(far / farN).toFixed(0)})`);
  t.ok(dist(p.get('h1')!, p.get('s1')!) < dist(p.get('h1')!, p.get('h3')!), 'h1 sits by its switch, away from the other LAN');
});

t.test('layout: edge cases and a large lab', async (t) => {
  t.same(layoutGraph({ nodes: [], edges: [] }).size, 0);
  t.same(layoutGraph({ nodes: ['a'], edges: [] }).get('a'), { x: 500, y: 500 });
  const two = layoutGraph({ nodes: ['a', 'b'], edges: [['a', 'b'], ['b', 'a'], ['a', 'a'], ['a', 'zz']] });
  t.ok(dist(two.get('a')!, two.get('b')!) > 100, 'repeated, looping and unknown edges are ignored');
  const nodes = [...Array(200).keys()].map((i) => `h${i}`).concat('s1');
  const big = layoutGraph({ nodes, edges: nodes.slice(0, 200).map((h) => [h, 's1'] as [string, string]) });
  t.equal(big.size, 201);
  t.ok([...big.values()].every((q) => Number.isFinite(q.x) && Number.isFinite(q.y)), 'every position is a number');
  const s = big.get('s1')!;
  const mean = [...big.values()].reduce((acc, q) => ({ x: acc.x + q.x / 201, y: acc.y + q.y / 201 }), { x: 0, y: 0 });
  t.ok(dist(s, mean) < 100, 'the star\'s centre is drawn in the middle');
});

const ifc = (o: Partial<IfCounters>): IfCounters => ({ adminUp: true, carrier: true, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0, ifDropped: 0, qdiscDrops: 0, ...o });
const frame = (h1: Partial<IfCounters>, s1: Partial<IfCounters>): CounterFrame => ({
  byNetns: new Map([
    ['ns-h1', new Map([['eth0', ifc(h1)]])],
    ['ns-s1', new Map([['eth0', ifc(s1)]])],
  ]),
  missing: [],
});

t.test('linkRates: bits and packets per second per direction, drops on the way', async (t) => {
  const links = [{ index: 0, a: 'h1', aIf: 'eth0', b: 's1', bIf: 'eth0' }];
  const ns = (n: string) => `ns-${n}`;
  const prev = frame({ txBytes: 1000, txPackets: 10 }, { txBytes: 0, ifDropped: 5 });
  const cur = frame({ txBytes: 1000 + 250_000, txPackets: 10 + 200, qdiscDrops: 4 }, { txBytes: 500, txPackets: 4, ifDropped: 5 + 2, rxBytes: 9 });
  const [r] = linkRates(links, ns, prev, cur, 2000);
  t.same(r, {
    index: 0,
    state: 'up',
    aToB: { bitPerSec: 1_000_000, pktPerSec: 100, dropPerSec: 2 + 1 }, // 250 kB in 2 s = 1 Mbit/s; 4 qdisc drops at a + 2 at b's interface in 2 s
    bToA: { bitPerSec: 2000, pktPerSec: 2, dropPerSec: 0 },
  });
  const [first] = linkRates(links, ns, undefined, cur, 0);
  t.same(first.aToB, { bitPerSec: 0, pktPerSec: 0, dropPerSec: 0 }, 'no previous frame: zero, not the counters since boot');
  const [back] = linkRates(links, ns, cur, prev, 1000);
  t.equal(back.aToB.bitPerSec, 0, 'a counter that went backwards (interface re-created) is zero, not negative');
  const [down] = linkRates(links, ns, prev, frame({ adminUp: false }, {}), 1000);
  t.equal(down.state, 'down', 'one end administratively down');
  const [nocarrier] = linkRates(links, ns, prev, frame({}, { carrier: false }), 1000);
  t.equal(nocarrier.state, 'down', 'one end without carrier');
  const gone: CounterFrame = { byNetns: new Map([['ns-h1', new Map([['eth0', ifc({})]])]]), missing: ['ns-s1'] };
  t.equal(linkRates(links, ns, prev, gone, 1000)[0].state, 'down', 'an end not found');
});

t.test('parseCounterFrame: interfaces by name, qdisc drops by interface index', async (t) => {
  const text = ['ns\tnsA', 'if\t1\tlo\t1\t1\t0\t0\t0\t0\t0', 'if\t7\teth0\t1\t0\t10\t20\t1500\t3000\t4', 'q\t7\t5', 'q\t7\t1', 'q\t99\t3', 'missing\tnsB', 'ns\tnsC', 'if\t2\teth1\t0\t1\t1\t2\t3\t4\t0', ''].join('\n');
  const f = parseCounterFrame(text);
  t.same(f.missing, ['nsB']);
  t.same(f.byNetns.get('nsA')!.get('eth0'), { adminUp: true, carrier: false, rxPackets: 10, txPackets: 20, rxBytes: 1500, txBytes: 3000, ifDropped: 4, qdiscDrops: 6 });
  t.same(f.byNetns.get('nsC')!.get('eth1')!.adminUp, false);
  t.equal(f.byNetns.get('nsC')!.get('eth1')!.txBytes, 4);
});

t.test('pty helper: a real terminal (size, resize, tty), and nothing left after kill', async (t) => {
  const { Pty } = await import('../../src/exec/pty.js');
  const p = new Pty(['sh', '-c', 'stty size; tty; read line; stty size; echo "got:$line"; sleep 30'], { rows: 30, cols: 100, cwd: '/' });
  let out = '';
  p.onData((d) => (out += d.toString()));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
    return re.test(out);
  };
  t.ok(await waitFor(/30 100/), 'the size given at the start');
  t.match(out, /\/dev\/pts\/\d+/, 'stdin is a pseudo-terminal');
  p.resize(40, 120);
  await new Promise((r) => setTimeout(r, 100));
  p.write('hello\n');
  t.ok(await waitFor(/got:hello/), 'keys reach the program (and are echoed by the tty)');
  t.match(out, /40 120/, 'the resize reached the terminal');
  t.match(out, /hello\r\n/, 'the tty echoed the line');
  const helper = p.pid!;
  await p.kill();
  let alive = true;
  try {
    process.kill(helper, 0);
  } catch {
    alive = false;
  }
  t.notOk(alive, 'the helper is gone');
  const left = spawnSync('pgrep', ['-f', 'got:\\$line'], { encoding: 'utf8' }).stdout.trim();
  t.equal(left, '', 'and the program on the terminal got the hangup');
});
