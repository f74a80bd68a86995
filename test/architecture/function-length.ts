// Finds functions, methods and arrows longer than a limit, by parsing TypeScript sources with the compiler API
// (not by counting braces), so that a long closure inside a short-looking export is found as well.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One function (or method, accessor, constructor, arrow, function expression) and how many lines it spans. */
export interface LongFunction {
  /** Path as given to the scanner, relative to the repository root when scanned by `scanTree`. */
  readonly file: string;
  /** A readable name: the declared name, the variable or property it is assigned to, or `<anonymous>` with its line. */
  readonly name: string;
  /** 1-based line of the first line of the function. */
  readonly line: number;
  /** Lines from the first to the last line of the function, both included (nested functions count in). */
  readonly lines: number;
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  const named = (n: ts.Node): string | undefined => {
    const name = (n as { name?: ts.Node }).name;
    return name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
  };
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const own = named(node);
  if (own) return own;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    const viaParent = named(parent);
    if (viaParent) return viaParent;
  }
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return `<anonymous at line ${line + 1}>`;
}

function isFunctionLike(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node);
}

/** Every function-like node of one source text longer than `limit` lines. */
export function longFunctionsIn(file: string, text: string, limit: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) found.push({ file, name: nameOf(node, source), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every `.ts` file under `dir`, depth first, in a stable order. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every function longer than `limit` lines in the `.ts` files under `root/dir`, with paths relative to `root`. */
export function scanTree(root: string, dir: string, limit: number): LongFunction[] {
  return tsFiles(join(root, dir)).flatMap((path) =>
    longFunctionsIn(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'), limit));
}
