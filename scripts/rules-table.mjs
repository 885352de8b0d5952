// Rewrites the rule table of README.md from the rules catalogue (src/core/rules/rules.ts); run after a build:
// `npm run docs:rules`. test/rules.test.ts fails while README.md is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withRulesTable } from '../dist/core/rules/docs.js';

const readme = resolve(import.meta.dirname, '../README.md');
const before = readFileSync(readme, 'utf8');
const after = withRulesTable(before);
if (after === before) console.log('README.md: rule table already up to date');
else {
  writeFileSync(readme, after);
  console.log('README.md: rule table rewritten from src/core/rules/rules.ts');
}
