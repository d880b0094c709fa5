// Where each node of the web view is drawn at first, pure and deterministic (the same lab is drawn the same way on
// every load): a force layout (Fruchterman–Reingold: links pull as d²/k, every pair pushes as k²/d), started from
// the nodes on a circle in breadth-first order from the best-connected node, so that neighbours start close and
// the layout settles in few rounds. The user can drag nodes afterwards; that is the page's business.

export interface LayoutInput {
  nodes: string[];
  /** Pairs of node names; repeats and unknown names are ignored. */
  edges: [string, string][];
}

export interface Point {
  x: number;
  y: number;
}

/** Positions in a square of side `size` (centred on size/2), one per node, by name. */
export function layoutGraph(g: LayoutInput, size = 1000): Map<string, Point> {
  const n = g.nodes.length;
  const out = new Map<string, Point>();
  if (n === 0) return out;
  if (n === 1) return out.set(g.nodes[0], { x: size / 2, y: size / 2 });
  const index = new Map(g.nodes.map((name, i) => [name, i]));
  const adj: number[][] = g.nodes.map(() => []);
  const seen = new Set<string>();
  const edges: [number, number][] = [];
  for (const [a, b] of g.edges) {
    const i = index.get(a);
    const j = index.get(b);
    const key = i! < j! ? `${i},${j}` : `${j},${i}`;
    if (i === undefined || j === undefined || i === j || seen.has(key)) continue;
    seen.add(key);
    edges.push([i, j]);
    adj[i].push(j);
    adj[j].push(i);
  }
  // Breadth-first order from the best-connected node (ties: first in the file), each component after the last.
  const order: number[] = [];
  const placed = new Uint8Array(n);
  const byDegree = [...adj.keys()].sort((a, b) => adj[b].length - adj[a].length || a - b);
  for (const start of byDegree) {
    if (placed[start]) continue;
    placed[start] = 1;
    const queue = [start];
    for (let q = 0; q < queue.length; q++) {
      order.push(queue[q]);
      for (const nb of adj[queue[q]]) if (!placed[nb]) (placed[nb] = 1), queue.push(nb);
    }
  }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  order.forEach((v, rank) => {
    const angle = (2 * Math.PI * rank) / n;
    xs[v] = Math.cos(angle) * size * 0.4;
    ys[v] = Math.sin(angle) * size * 0.4;
  });
  const k = Math.sqrt((size * size) / n) * 0.75; // the ideal distance between neighbours
  // Rounds: enough for a small lab to settle, bounded so that a large one costs ~40M pair steps at most (~100 ms).
  const rounds = Math.max(40, Math.min(300, Math.floor(40e6 / (n * n))));
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temp = size / 10;
  for (let r = 0; r < rounds; r++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        let ddx = xs[i] - xs[j];
        let ddy = ys[i] - ys[j];
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 1e-6) {
          // Two nodes on the same spot: push them apart along a fixed direction that depends on the pair only.
          ddx = ((i * 7 + j * 13) % 17) - 8 || 1;
          ddy = ((i * 11 + j * 5) % 19) - 9 || 1;
          d2 = ddx * ddx + ddy * ddy;
        }
        const f = (k * k) / d2; // repulsion k²/d, along the unit vector (ddx, ddy)/d
        dx[i] += ddx * f;
        dy[i] += ddy * f;
        dx[j] -= ddx * f;
        dy[j] -= ddy * f;
      }
    for (const [i, j] of edges) {
      const ddx = xs[i] - xs[j];
      const ddy = ys[i] - ys[j];
      const d = Math.sqrt(ddx * ddx + ddy * ddy) || 1e-3;
      const f = d / k; // attraction d²/k, along the unit vector
      dx[i] -= ddx * f;
      dy[i] -= ddy * f;
      dx[j] += ddx * f;
      dy[j] += ddy * f;
    }
    for (let i = 0; i < n; i++) {
      const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (len > 0) {
        const step = Math.min(len, temp);
        xs[i] += (dx[i] / len) * step;
        ys[i] += (dy[i] / len) * step;
      }
      // A weak pull to the centre keeps separate components (and lone nodes) from drifting off.
      xs[i] *= 0.995;
      ys[i] *= 0.995;
    }
    temp = Math.max(size / 500, temp * 0.97);
  }
  // Fit into the square with a margin.
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs[i]);
    maxX = Math.max(maxX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = (size * 0.9) / span;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  g.nodes.forEach((name, i) => out.set(name, { x: Math.round((size / 2 + (xs[i] - cx) * scale) * 10) / 10, y: Math.round((size / 2 + (ys[i] - cy) * scale) * 10) / 10 }));
  return out;
}
