// The project's rule that no function in src/ runs over 60 lines, kept true by parsing the sources
// with the TypeScript compiler: a function, method, accessor, constructor or arrow, counted from
// its first line to its last.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 60;
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

interface LongFunction {
  /** file:line name (lines) */
  where: string;
  lines: number;
}

function longFunctions(fileName: string, text: string, maxLines: number): LongFunction[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > maxLines) found.push({ where: `${fileName}:${first + 1} ${nameOf(node, source)} (${lines} lines)`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The function's own name, or what it is assigned to or passed as (an arrow in `const x = …`, `foo: …`). */
function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `argument of ${parent.expression.getText(source).slice(0, 40)}`;
  return 'anonymous function';
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

describe(`functions in src/ (at most ${MAX_LINES} lines each)`, () => {
  it('names a function over the limit, whatever kind it is, and passes one at the limit', () => {
    const body = (count: number) => Array.from({ length: count - 2 }, (_, i) => `  step(${i});`).join('\n');
    const text = [
      `export function atLimit() {\n${body(MAX_LINES)}\n}`,
      `export const arrow = () => {\n${body(MAX_LINES + 1)}\n};`,
      `class Runner {\n  method() {\n${body(MAX_LINES + 1)}\n  }\n}`,
      `register(function () {\n${body(MAX_LINES + 1)}\n});`,
    ].join('\n');
    expect(longFunctions('sample.ts', text, MAX_LINES).map((f) => f.where)).toEqual([
      `sample.ts:${MAX_LINES + 1} arrow (${MAX_LINES + 1} lines)`,
      `sample.ts:${2 * MAX_LINES + 3} method (${MAX_LINES + 1} lines)`,
      `sample.ts:${3 * MAX_LINES + 5} argument of register (${MAX_LINES + 1} lines)`,
    ]);
  });

  it('finds none in src/', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const long = files.flatMap((file) => longFunctions(path.relative(SRC, file), readFileSync(file, 'utf8'), MAX_LINES));
    expect(long.map((f) => f.where)).toEqual([]);
  });
});
