// @ts-check
/**
 * `npm run lint:length [-- LINES]`: the functions under src/ longer than LINES lines (80 by default), as prettier
 * wraps them, longest first; exit 1 when there is one. Function declarations, methods, constructors, accessors and
 * function expressions and arrows (named by the variable or property they are assigned to), nested ones included.
 * Length alone does not make a function hard to read: this lists where to look, for a split into named steps.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const limit = Number(process.argv[2] ?? 80);

/** @param {string} dir @returns {Generator<string>} */
function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** @param {ts.Node} node */
const isFunction = (node) =>
  ts.isFunctionDeclaration(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node);

/** @param {ts.Node} node @param {ts.SourceFile} file */
function nameOf(node, file) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const own = /** @type {{ name?: ts.Node }} */ (node).name;
  if (own) return own.getText(file);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText(file);
  return '(anonymous)';
}

/** @type {{ lines: number; where: string; name: string }[]} */
const long = [];
for (const path of tsFiles(join(ROOT, 'src'))) {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (isFunction(node)) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const where = `${relative(ROOT, path)}:${first + 1}`;
      if (last - first + 1 > limit) long.push({ lines: last - first + 1, where, name: nameOf(node, file) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}
long.sort((a, b) => b.lines - a.lines);
for (const f of long) console.log(`${String(f.lines).padStart(4)}  ${f.where}  ${f.name}`);
console.log(long.length ? `${long.length} function(s) over ${limit} lines.` : `No function over ${limit} lines.`);
process.exitCode = long.length ? 1 : 0;
