// The web view's page: static HTML and one script, served by server.ts (no inline script, so the page's CSP can
// forbid any). The script draws the lab as SVG (zoom with the wheel, pan by dragging the background, drag nodes),
// plots each link's figures from the events WebSocket, sends link changes to /api/link and /api/impair, and opens
// a terminal (xterm.js, loaded on first use so that a large lab's page is not slowed by it) per node.
// Everything the script takes from the lab (names, addresses) is put in the page as text, never as markup.

/** The page, with the token in its script's URL (every request must carry it, sub-resources too). */
export const pageHtml = (token: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nslab web</title>
<link rel="icon" href="data:,">
<style>
:root { --bg:#0f1419; --panel:#161c24; --line:#2a3340; --text:#d8dee9; --muted:#8a96a8; --up:#3fb950; --down:#f85149; --acc:#58a6ff; --imp:#d29922; }
* { box-sizing: border-box; }
html, body { margin:0; height:100%; background:var(--bg); color:var(--text); font:13px/1.4 system-ui, sans-serif; }
body { display:flex; flex-direction:column; }
header { display:flex; gap:16px; align-items:center; padding:6px 12px; background:var(--panel); border-bottom:1px solid var(--line); }
header h1 { font-size:15px; margin:0; }
header .muted { color:var(--muted); }
#status.bad { color:var(--down); }
main { flex:1; display:flex; min-height:0; }
#graphwrap { flex:1; position:relative; min-width:0; }
#graph { width:100%; height:100%; display:block; cursor:grab; user-select:none; }
#graph.panning { cursor:grabbing; }
aside { width:360px; border-left:1px solid var(--line); background:var(--panel); display:flex; flex-direction:column; min-height:0; }
#panel { padding:10px; border-bottom:1px solid var(--line); }
#panel h2, #linksbox h2, #scenbox h2 { font-size:13px; margin:0 0 6px; }
#panel .row { display:flex; gap:6px; align-items:center; margin:4px 0; }
#panel input { width:80px; background:var(--bg); color:var(--text); border:1px solid var(--line); padding:3px 5px; border-radius:3px; }
button { background:#21262d; color:var(--text); border:1px solid var(--line); border-radius:4px; padding:3px 10px; cursor:pointer; }
button:hover { border-color:var(--acc); }
button:disabled { opacity:.5; cursor:default; }
#err { color:var(--down); white-space:pre-wrap; }
#linksbox { flex:1; overflow:auto; padding:10px; }
#scenbox { padding:10px; border-bottom:1px solid var(--line); max-height:40%; overflow:auto; }
#scenbox td { white-space:normal; word-break:break-word; }
#scenbox td .muted { font-size:11px; }
.st-pass { color:var(--up); } .st-fail, .st-error { color:var(--down); } .st-running { color:var(--acc); } .st-skipped, .st-pending { color:var(--muted); }
table { border-collapse:collapse; width:100%; }
td { padding:2px 4px; border-bottom:1px solid var(--line); white-space:nowrap; font-variant-numeric:tabular-nums; }
tr.sel td { background:#1f2a37; }
tr { cursor:pointer; }
.dot { display:inline-block; width:8px; height:8px; border-radius:50%; background:var(--up); }
.dot.down { background:var(--down); }
.num { text-align:right; color:var(--muted); }
svg .link { stroke:var(--up); stroke-width:2; }
svg .link.down { stroke:var(--down); stroke-dasharray:6 4; }
svg .link.sel { stroke-width:4; }
svg .hit { stroke:transparent; stroke-width:14; cursor:pointer; }
svg .node { cursor:pointer; }
svg .node .shape { stroke:#0b0f14; stroke-width:1.5; }
svg .node.host .shape { fill:#58a6ff; }
svg .node.router .shape { fill:#d2a8ff; }
svg .node.switch .shape { fill:#7ee787; }
svg .node text, svg .lbl { fill:var(--text); font-size:11px; text-anchor:middle; pointer-events:none; }
svg .lbl.imp { fill:var(--imp); }
svg .lbl.rate { fill:var(--muted); font-size:10px; }
.spark { stroke:var(--acc); fill:none; stroke-width:1.2; }
.spark.ba { stroke:var(--imp); }
#dock { height:40%; display:none; flex-direction:column; border-top:1px solid var(--line); background:#000; }
#dock.open { display:flex; }
#tabs { display:flex; gap:2px; background:var(--panel); padding:2px 6px; }
#tabs button { border-radius:4px 4px 0 0; }
#tabs button.active { border-color:var(--acc); }
#terms { flex:1; position:relative; min-height:0; }
#terms > div { position:absolute; inset:4px; display:none; }
#terms > div.active { display:block; }
#legend { position:absolute; left:10px; bottom:8px; color:var(--muted); font-size:11px; }
</style>
</head>
<body>
<header><h1 id="title">nslab</h1><span id="status" class="muted">connecting…</span><span class="muted">wheel: zoom · drag: pan/move · click a node: terminal · click a link: control</span></header>
<main>
  <div id="graphwrap">
    <svg id="graph"><g id="viewport"><g id="glinks"></g><g id="gnodes"></g></g></svg>
    <div id="legend">● host ◆ router ▬ switch · <span style="color:var(--up)">━ up</span> <span style="color:var(--down)">┅ down</span> · <span style="color:var(--imp)">impairment</span></div>
  </div>
  <aside>
    <div id="panel"><h2>Select a link</h2><div class="muted">Click a link in the drawing or in the table.</div></div>
    <div id="scenbox" hidden><h2 id="scentitle"></h2><table><tbody id="steprows"></tbody></table></div>
    <div id="linksbox"><h2>Links <span class="muted">(a→b / b→a, bit/s)</span></h2><table><tbody id="linkrows"></tbody></table></div>
  </aside>
</main>
<div id="dock"><div id="tabs"></div><div id="terms"></div></div>
<script src="assets/app.js?token=${encodeURIComponent(token)}"></script>
</body>
</html>
`;

export const APP_JS = String.raw`'use strict';
(function () {
  var token = new URLSearchParams(location.search).get('token') || '';
  var q = '?token=' + encodeURIComponent(token);
  var wsBase = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var HIST = 60;
  var state = { model: null, nodes: {}, links: {}, hist: {}, sel: null, view: { x: 0, y: 0, k: 1 }, terms: {}, active: null, lastStats: 0, frames: 0 };
  window.__nslab = state;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, text, parent) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmtBits(b) {
    if (b >= 1e9) return (b / 1e9).toFixed(1) + 'G';
    if (b >= 1e6) return (b / 1e6).toFixed(1) + 'M';
    if (b >= 1e3) return (b / 1e3).toFixed(1) + 'k';
    return String(Math.round(b));
  }
  function setStatus(text, bad) { var s = $('status'); s.textContent = text; s.className = bad ? 'bad' : 'muted'; }

  // ---- drawing ----
  function applyView() { $('viewport').setAttribute('transform', 'translate(' + state.view.x + ',' + state.view.y + ') scale(' + state.view.k + ')'); }
  function fit() {
    var r = $('graph').getBoundingClientRect();
    var xs = state.model.nodes.map(function (n) { return n.x; }), ys = state.model.nodes.map(function (n) { return n.y; });
    var minX = Math.min.apply(null, xs) - 60, maxX = Math.max.apply(null, xs) + 60, minY = Math.min.apply(null, ys) - 60, maxY = Math.max.apply(null, ys) + 60;
    var k = Math.min(r.width / (maxX - minX), r.height / (maxY - minY), 2);
    state.view = { k: k, x: (r.width - (maxX + minX) * k) / 2, y: (r.height - (maxY + minY) * k) / 2 };
    applyView();
  }
  function shapeFor(kind, g) {
    if (kind === 'router') return el('polygon', { class: 'shape', points: '0,-19 19,0 0,19 -19,0' }, g);
    if (kind === 'switch') return el('rect', { class: 'shape', x: -22, y: -11, width: 44, height: 22, rx: 3 }, g);
    return el('circle', { class: 'shape', r: 14 }, g);
  }
  function placeLink(l) {
    var a = state.nodes[l.a].m, b = state.nodes[l.b].m, v = state.links[l.index];
    [v.line, v.hit].forEach(function (e) { e.setAttribute('x1', a.x); e.setAttribute('y1', a.y); e.setAttribute('x2', b.x); e.setAttribute('y2', b.y); });
    var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    v.imp.setAttribute('x', mx); v.imp.setAttribute('y', my - 6);
    v.rate.setAttribute('x', mx); v.rate.setAttribute('y', my + 13);
  }
  function draw(model) {
    var first = !state.model;
    // A model refresh keeps the positions the user dragged the nodes to.
    if (!first) model.nodes.forEach(function (n) { var o = state.nodes[n.name]; if (o) { n.x = o.m.x; n.y = o.m.y; } });
    state.model = model;
    $('title').textContent = 'nslab · ' + model.lab;
    document.title = 'nslab web · ' + model.lab;
    var gl = $('glinks'), gn = $('gnodes');
    gl.textContent = ''; gn.textContent = '';
    state.nodes = {}; state.links = {};
    model.nodes.forEach(function (n) {
      var g = el('g', { class: 'node ' + n.kind, transform: 'translate(' + n.x + ',' + n.y + ')', 'data-node': n.name }, gn);
      shapeFor(n.kind, g);
      var t = el('text', { y: n.kind === 'switch' ? 25 : 30 }, g); t.textContent = n.name;
      var tip = el('title', {}, g); tip.textContent = n.name + ' (' + n.kind + ')\n' + n.interfaces.join('\n') + '\nclick: open a terminal';
      state.nodes[n.name] = { m: n, g: g };
    });
    model.links.forEach(function (l) {
      var line = el('line', { class: 'link ' + l.state }, gl);
      var hit = el('line', { class: 'hit', 'data-link': l.index }, gl);
      var tip = el('title', {}, hit); tip.textContent = l.a + ':' + l.aIf + ' — ' + l.b + ':' + l.bIf + ' (' + l.state + ')';
      var imp = el('text', { class: 'lbl imp' }, gl);
      var rate = el('text', { class: 'lbl rate' }, gl);
      state.links[l.index] = { m: l, line: line, hit: hit, imp: imp, rate: rate };
      if (!state.hist[l.index]) state.hist[l.index] = [];
      paintLink(l.index);
      placeLink(l);
    });
    buildTable();
    if (first) fit();
    if (state.sel !== null) showPanel(state.sel);
  }
  function impText(l) {
    if (!l.aToB && !l.bToA) return '';
    if (l.aToB === l.bToA) return l.aToB;
    return (l.aToB || '-') + ' / ' + (l.bToA || '-');
  }
  function paintLink(i) {
    var v = state.links[i], l = v.m;
    v.line.setAttribute('class', 'link ' + l.state + (state.sel === i ? ' sel' : ''));
    v.imp.textContent = impText(l);
  }

  // ---- link table and sparklines ----
  function buildTable() {
    var body = $('linkrows');
    body.textContent = '';
    state.model.links.forEach(function (l) {
      var tr = h('tr', undefined, body);
      tr.dataset.link = l.index;
      var c1 = h('td', undefined, tr); var dot = h('span', undefined, c1); dot.className = 'dot ' + l.state;
      h('td', l.a + ' — ' + l.b, tr);
      var c3 = h('td', undefined, tr);
      var svg = el('svg', { width: 90, height: 20 }, c3);
      var ab = el('polyline', { class: 'spark' }, svg), ba = el('polyline', { class: 'spark ba' }, svg);
      var num = h('td', '', tr); num.className = 'num';
      var v = state.links[l.index];
      v.row = tr; v.dot = dot; v.sparkAB = ab; v.sparkBA = ba; v.num = num;
      tr.addEventListener('click', function () { select(l.index); });
      paintSpark(l.index);
    });
  }
  function points(series, w, hgt, max) {
    var n = series.length, out = [];
    for (var i = 0; i < n; i++) out.push(((w * (HIST - n + i)) / (HIST - 1)).toFixed(1) + ',' + (hgt - 1 - ((hgt - 2) * series[i]) / max).toFixed(1));
    return out.join(' ');
  }
  function paintSpark(i) {
    var v = state.links[i], hs = state.hist[i];
    if (!v.sparkAB) return;
    var ab = hs.map(function (f) { return f.aToB.bitPerSec; }), ba = hs.map(function (f) { return f.bToA.bitPerSec; });
    var max = Math.max(1, Math.max.apply(null, ab.concat(ba)));
    v.sparkAB.setAttribute('points', points(ab, 90, 20, max));
    v.sparkBA.setAttribute('points', points(ba, 90, 20, max));
    var last = hs[hs.length - 1];
    if (last) {
      var drops = last.aToB.dropPerSec + last.bToA.dropPerSec;
      v.num.textContent = fmtBits(last.aToB.bitPerSec) + ' / ' + fmtBits(last.bToA.bitPerSec) + (drops ? ' · ' + drops + ' drop/s' : '');
      v.rate.textContent = last.aToB.bitPerSec + last.bToA.bitPerSec > 0 ? fmtBits(last.aToB.bitPerSec) + '↑ ' + fmtBits(last.bToA.bitPerSec) + '↓' + (drops ? ' ✕' + drops : '') : '';
    }
  }
  // A frame of figures; the history sent on connecting (a minute of frames) is painted once, after its last frame.
  function onStats(frame, quiet) {
    state.frames++;
    state.lastStats = performance.now();
    frame.links.forEach(function (r) {
      var hs = state.hist[r.index];
      if (!hs) return;
      hs.push(r);
      if (hs.length > HIST) hs.shift();
      if (quiet) return;
      var v = state.links[r.index];
      if (v && v.m.state !== r.state) { v.m.state = r.state; paintLink(r.index); v.dot.className = 'dot ' + r.state; }
      paintSpark(r.index);
    });
    if (!quiet && state.sel !== null) paintPanelPlot();
  }

  // ---- control panel ----
  function select(i) {
    var old = state.sel;
    state.sel = i;
    if (old !== null && state.links[old]) { paintLink(old); state.links[old].row.className = ''; }
    paintLink(i);
    state.links[i].row.className = 'sel';
    showPanel(i);
  }
  function showPanel(i) {
    var l = state.links[i].m, p = $('panel');
    p.textContent = '';
    h('h2', 'Link ' + l.a + ':' + l.aIf + ' — ' + l.b + ':' + l.bIf, p);
    var r1 = h('div', undefined, p); r1.className = 'row';
    var st = h('span', l.state, r1); st.id = 'linkstate';
    var toggle = h('button', l.state === 'down' ? 'Bring up' : 'Take down', r1); toggle.id = 'toggle';
    toggle.addEventListener('click', function () { post('/api/link', { link: i, state: l.state === 'down' ? 'up' : 'down' }, toggle); });
    h('div', 'impairment ' + l.a + '→' + l.b + ': ' + (l.aToB || 'none') + ' · ' + l.b + '→' + l.a + ': ' + (l.bToA || 'none'), p).className = 'muted';
    var r2 = h('div', undefined, p); r2.className = 'row';
    var inputs = {};
    [['rate', '10mbit'], ['delay', '20ms'], ['loss', '1%']].forEach(function (f) {
      var inp = h('input', undefined, r2); inp.placeholder = f[0] + ' ' + f[1]; inp.id = 'in-' + f[0]; inputs[f[0]] = inp;
    });
    var r3 = h('div', undefined, p); r3.className = 'row';
    var apply = h('button', 'Apply (both directions)', r3); apply.id = 'apply';
    apply.addEventListener('click', function () { post('/api/impair', { link: i, rate: inputs.rate.value, delay: inputs.delay.value, loss: inputs.loss.value }, apply); });
    var clear = h('button', 'Clear', r3); clear.id = 'clear';
    clear.addEventListener('click', function () { post('/api/impair', { link: i, clear: true }, clear); });
    var plot = el('svg', { width: 336, height: 70, id: 'plot' }, p);
    el('polyline', { class: 'spark', id: 'plotab' }, plot); el('polyline', { class: 'spark ba', id: 'plotba' }, plot);
    h('div', '', p).id = 'plotlegend';
    h('div', '', p).id = 'err';
    paintPanelPlot();
  }
  function paintPanelPlot() {
    var i = state.sel, hs = state.hist[i] || [], l = state.links[i].m;
    var ab = hs.map(function (f) { return f.aToB.bitPerSec; }), ba = hs.map(function (f) { return f.bToA.bitPerSec; });
    var max = Math.max(1, Math.max.apply(null, ab.concat(ba)));
    var pa = $('plotab'), pb = $('plotba');
    if (!pa) return;
    pa.setAttribute('points', points(ab, 336, 70, max)); pb.setAttribute('points', points(ba, 336, 70, max));
    var last = hs[hs.length - 1];
    $('plotlegend').textContent = 'last 60 s, peak ' + fmtBits(max) + 'bit/s · ' + l.a + '→' + l.b + ' (blue) ' + (last ? fmtBits(last.aToB.bitPerSec) + 'bit/s, ' + last.aToB.dropPerSec + ' drop/s' : '') + ' · ' + l.b + '→' + l.a + ' (amber) ' + (last ? fmtBits(last.bToA.bitPerSec) + 'bit/s, ' + last.bToA.dropPerSec + ' drop/s' : '');
  }
  function post(path, body, button) {
    button.disabled = true;
    $('err').textContent = '';
    return fetch(path + q, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (r) {
        if (!r.ok) { $('err').textContent = r.error + (r.hint ? '\n' + r.hint : ''); return; }
        var v = state.links[r.link.index];
        v.m = r.link;
        state.model.links[r.link.index] = r.link;
        paintLink(r.link.index);
        v.dot.className = 'dot ' + r.link.state;
        showPanel(r.link.index);
      })
      .catch(function (e) { $('err').textContent = String(e); })
      .finally(function () { button.disabled = false; });
  }

  // ---- zoom, pan, drag, click ----
  var svg = $('graph'), drag = null;
  function toGraph(ev) { var r = svg.getBoundingClientRect(); return { x: (ev.clientX - r.left - state.view.x) / state.view.k, y: (ev.clientY - r.top - state.view.y) / state.view.k }; }
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    var k = Math.min(8, Math.max(0.05, state.view.k * Math.exp(-ev.deltaY * 0.0015)));
    state.view.x = px - ((px - state.view.x) * k) / state.view.k;
    state.view.y = py - ((py - state.view.y) * k) / state.view.k;
    state.view.k = k;
    state.moved = true;
    applyView();
  }, { passive: false });
  svg.addEventListener('pointerdown', function (ev) {
    var nodeEl = ev.target.closest('[data-node]'), linkEl = ev.target.closest('[data-link]');
    drag = { sx: ev.clientX, sy: ev.clientY, moved: false, node: nodeEl ? nodeEl.getAttribute('data-node') : null, link: linkEl ? Number(linkEl.getAttribute('data-link')) : null, vx: state.view.x, vy: state.view.y };
    svg.setPointerCapture(ev.pointerId);
    if (!drag.node) svg.classList.add('panning');
  });
  svg.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.sx, dy = ev.clientY - drag.sy;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.node) {
      var p = toGraph(ev), n = state.nodes[drag.node];
      n.m.x = p.x; n.m.y = p.y;
      n.g.setAttribute('transform', 'translate(' + p.x + ',' + p.y + ')');
      state.model.links.forEach(function (l) { if (l.a === drag.node || l.b === drag.node) placeLink(state.links[l.index].m); });
    } else {
      state.view.x = drag.vx + dx; state.view.y = drag.vy + dy; state.moved = true;
      applyView();
    }
  });
  svg.addEventListener('pointerup', function () {
    var d = drag;
    drag = null;
    svg.classList.remove('panning');
    if (!d || d.moved) return;
    if (d.node) openTerminal(d.node);
    else if (d.link !== null) select(d.link);
  });

  // ---- terminals ----
  var xtermLoading = null;
  function loadXterm() {
    if (xtermLoading) return xtermLoading;
    xtermLoading = new Promise(function (resolve, reject) {
      var css = document.createElement('link'); css.rel = 'stylesheet'; css.href = 'assets/xterm.css' + q; document.head.appendChild(css);
      var n = 0;
      ['assets/xterm.js', 'assets/addon-fit.js'].forEach(function (src) {
        var s = document.createElement('script'); s.src = src + q;
        s.onload = function () { if (++n === 2) resolve(); };
        s.onerror = function () { reject(new Error('cannot load ' + src)); };
        document.head.appendChild(s);
      });
    });
    return xtermLoading;
  }
  function activate(node) {
    state.active = node;
    Object.keys(state.terms).forEach(function (k) {
      var t = state.terms[k];
      t.tab.className = k === node ? 'active' : '';
      t.box.className = k === node ? 'active' : '';
    });
    var t = state.terms[node];
    if (t) { t.fit.fit(); t.term.focus(); }
  }
  function openTerminal(node) {
    var dock = $('dock');
    if (!dock.classList.contains('open')) { dock.classList.add('open'); if (!state.moved) fit(); }
    if (state.terms[node] && state.terms[node].ws.readyState <= 1) return activate(node);
    return loadXterm().then(function () {
      var old = state.terms[node];
      if (old) { old.tab.remove(); old.box.remove(); }
      var box = h('div', undefined, $('terms'));
      var tab = h('button', node, $('tabs'));
      tab.addEventListener('click', function () { activate(node); });
      var term = new Terminal({ fontSize: 13, cursorBlink: true, theme: { background: '#000000' } });
      var fit = new FitAddon.FitAddon();
      term.loadAddon(fit);
      var t = { node: node, term: term, fit: fit, box: box, tab: tab, ws: null, opened: false };
      state.terms[node] = t;
      term.open(box);
      activate(node);
      var ws = new WebSocket(wsBase + '/ws/term' + q + '&node=' + encodeURIComponent(node) + '&rows=' + term.rows + '&cols=' + term.cols);
      ws.binaryType = 'arraybuffer';
      t.ws = ws;
      var enc = new TextEncoder();
      ws.onopen = function () { t.opened = true; };
      ws.onmessage = function (ev) { term.write(new Uint8Array(ev.data)); };
      ws.onclose = function (ev) { term.write('\r\n\x1b[2m[terminal closed' + (ev.reason ? ': ' + ev.reason : '') + ']\x1b[0m\r\n'); tab.textContent = node + ' (closed)'; };
      term.onData(function (d) { if (ws.readyState === 1) ws.send(enc.encode(d)); });
      term.onResize(function (s) { if (ws.readyState === 1) ws.send(JSON.stringify({ rows: s.rows, cols: s.cols })); });
      return t;
    });
  }
  window.addEventListener('resize', function () { if (state.active && state.terms[state.active]) state.terms[state.active].fit.fit(); });
  state.openTerminal = openTerminal;

  // ---- a scenario's steps (nslab run --web) ----
  function showScenario(sc) {
    state.scenario = sc;
    $('scenbox').hidden = false;
    $('scentitle').textContent = 'Scenario ' + sc.name + ' · ' + sc.status;
    $('scentitle').className = 'st-' + sc.status;
    var body = $('steprows');
    body.textContent = '';
    sc.steps.forEach(function (st) {
      var tr = h('tr', undefined, body);
      tr.dataset.step = st.id;
      h('td', st.id, tr);
      var name = h('td', st.name, tr); name.title = st.message || '';
      var status = h('td', st.status + (st.durationMs !== undefined ? ' · ' + (st.durationMs / 1000).toFixed(1) + ' s' : ''), tr); status.className = 'st-' + st.status;
      var c = h('td', undefined, tr);
      if (st.rttMs && st.rttMs.length > 1) {
        var ok = st.rttMs.filter(function (x) { return x !== null; });
        var svgEl = el('svg', { width: 70, height: 18 }, c);
        var max = Math.max.apply(null, ok.concat([0.001]));
        var pts = st.rttMs.map(function (x, i) { return ((70 * i) / (st.rttMs.length - 1)).toFixed(1) + ',' + (x === null ? 17 : 17 - (15 * x) / max).toFixed(1); }).join(' ');
        el('polyline', { class: 'spark', points: pts }, svgEl).appendChild(el('title', {})).textContent = 'RTT per ping, max ' + max.toFixed(2) + ' ms (lost: at the bottom)';
      } else if (st.summary) h('span', st.summary, c).className = 'muted';
    });
  }

  // ---- events ----
  function connect() {
    var ws = new WebSocket(wsBase + '/ws/events' + q);
    ws.onopen = function () { setStatus('live'); };
    ws.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (m.type === 'model') { draw(m.model); if (!state.ready) { state.ready = performance.now(); setStatus('live'); } }
      else if (m.type === 'history') m.frames.forEach(function (f, i) { onStats(f, i < m.frames.length - 1); });
      else if (m.type === 'stats') onStats(m);
      else if (m.type === 'scenario') showScenario(m.scenario);
    };
    ws.onclose = function (ev) { setStatus('disconnected' + (ev.reason ? ': ' + ev.reason : ' (the server stopped)'), true); };
  }
  connect();
})();
`;
