// `--report html=DIR`: the page from src/report/html.ts written as DIR/index.html, with the run's pcaps copied into
// DIR/pcaps/ so the page's relative links work wherever DIR is moved (a CI artifact, a laptop).

import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { toSvg } from '../graph/index.js';
import { renderHtmlReport } from '../report/html.js';
import type { Scenario, ScenarioResult } from '../scenario/model.js';

export interface HtmlReportWritten {
  /** DIR/index.html */
  index: string;
  /** Files copied into DIR/pcaps/. */
  copied: string[];
  /** Artifacts the results name that were not on disk any more (shown as "not saved" in the page). */
  missing: string[];
}

/** Topology drawings for the report, by lab name. A drawing that fails is left out: the report matters more. */
export async function topologyPictures(scenarios: Pick<Scenario, 'topology'>[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of scenarios) {
    if (out[s.topology.name] !== undefined) continue;
    try {
      out[s.topology.name] = await toSvg(s.topology);
    } catch {
      // no picture for this lab; the rest of the report is still written
    }
  }
  return out;
}

export function writeHtmlReport(dir: string, results: ScenarioResult[], pictures: Record<string, string>): HtmlReportWritten {
  mkdirSync(dir, { recursive: true });
  const copied: string[] = [];
  const missing: string[] = [];
  const hrefs = new Map<string, string | undefined>();
  const used = new Set<string>();
  results.forEach((r, i) => {
    for (const p of r.steps.flatMap((s) => s.artifacts ?? [])) {
      // A capture appears on its capture step and on the step that stopped it: copy it once.
      const key = `${i}\0${p}`;
      if (hrefs.has(key)) continue;
      if (!existsSync(p)) {
        hrefs.set(key, undefined);
        missing.push(p);
        continue;
      }
      // Two scenarios may name their captures alike (file names come from step names): the second gets its
      // scenario's number in front.
      let name = basename(p);
      if (used.has(name)) name = `${i + 1}-${name}`;
      for (let n = 2; used.has(name); n++) name = `${i + 1}-${n}-${basename(p)}`;
      used.add(name);
      mkdirSync(join(dir, 'pcaps'), { recursive: true });
      copyFileSync(p, join(dir, 'pcaps', name));
      copied.push(join(dir, 'pcaps', name));
      // Relative, and each path segment URL-encoded: step names may hold spaces or '#'.
      hrefs.set(key, `pcaps/${encodeURIComponent(name)}`);
    }
  });
  const html = renderHtmlReport(results, pictures, {
    artifactHref: (p, i) => hrefs.get(`${i}\0${p}`),
    generatedAt: new Date().toISOString(),
  });
  const index = join(dir, 'index.html');
  writeFileSync(index, html);
  return { index, copied, missing };
}
