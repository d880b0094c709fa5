// The API reference (docs/api/, TypeDoc over src/index.ts) cannot drift from the declarations: it is generated
// again here and compared file by file. And the README's node:test example is examples/testing/node-test.test.ts,
// verbatim (the packaging test type-checks and runs that file).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

t.test('docs/api is what `npm run docs:api` generates now', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'api-docs-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? d.path, d.name).slice(dir.length + 1)).sort();
  const fresh = files(out);
  t.same(files('docs/api'), fresh, 'the same files');
  for (const f of fresh) {
    const same = readFileSync(join(out, f), 'utf8') === readFileSync(join('docs/api', f), 'utf8');
    t.ok(same, `docs/api/${f} is up to date${same ? '' : ': run `npm run docs:api` and commit the result'}`);
  }
});

t.test('the README example is examples/testing/node-test.test.ts', async (t) => {
  const readme = readFileSync('README.md', 'utf8');
  const example = readFileSync('examples/testing/node-test.test.ts', 'utf8');
  t.ok(readme.includes('## Use it from your tests'), 'the section exists');
  t.ok(readme.includes('```ts\n' + example + '```'), 'the README shows the example file verbatim');
});
