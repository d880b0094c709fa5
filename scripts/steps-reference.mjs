#!/usr/bin/env node
// Write docs/steps.md, the reference of every scenario step and option, from schema/scenario.schema.json
// (see src/scenario/reference.ts). Run through `npm run docs:steps`, which builds first.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stepsReference } from '../dist/scenario/reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8'));
writeFileSync(join(root, 'docs/steps.md'), stepsReference(schema));
console.log('wrote docs/steps.md');
