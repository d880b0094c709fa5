// Profile one up and down of a generated lab: run it as `node --cpu-prof --cpu-prof-dir bench/out/prof
// dist/bench/profile.js TOPO`. Prints the stage timings and every process nslab started, with its wall time,
// so the CPU profile (Node's share) can be set against process spawning and kernel work.

import { generated, runNslab } from './nslab.js';

const topo = process.argv[2] ?? 'single,200';
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const r = await runNslab(generated('bprof', topo));
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify(
    {
      topo,
      wallMs: performance.now() - t0,
      upMs: r.upMs,
      downMs: r.downMs,
      nodeCpuUserMs: cpu.user / 1000,
      nodeCpuSystemMs: cpu.system / 1000,
      upProcesses: r.upProcesses,
      downProcesses: r.downProcesses,
      stageMs: r.stageMs,
      spawnMs: r.spawnMs,
      spawns: r.spawns.map((s) => ({ what: s.what, atMs: Math.round(s.startAtMs - t0), wallMs: Math.round(s.wallMs), inputLines: s.inputLines })),
    },
    null,
    1,
  ),
);
