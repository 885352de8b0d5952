import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const coreDir = join(ROOT, 'src/core');
const files = readdirSync(coreDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(coreDir, f));

// The compiler proves most of this too (tsconfig.core.json, in `npm run typecheck`: no Node or DOM types); this
// test stays because it is fast, says which file, and alone sees the core importing an edge (src/node, src/cli).
describe('the core is pure (the web page runs the same files)', () => {
  it('has files to check', () => expect(files.length).toBeGreaterThan(20));

  it.each(files.map((f) => [relative(ROOT, f), f]))(
    '%s imports nothing from Node, the edges or Buffer',
    (_name, file) => {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may mention them
      expect(code).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
      expect(code).not.toMatch(/\bBuffer\b|\bprocess\.|__dirname/);
      expect(code).not.toMatch(/from\s+['"](\.\.\/)+(node|cli)\//);
    },
  );
});
