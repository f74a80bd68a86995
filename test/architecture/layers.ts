// The layers of src/ and the check that imports point one way (docs/architecture.md draws the same order).
// Reads every import of every file with TypeScript's own parser: `import ... from`, `import type`, side-effect
// `import 'x'`, `export ... from`, `import x = require()`, dynamic `import('x')` and type-level `import('x').T`.
import { posix } from 'node:path';
import ts from 'typescript';

/**
 * The layers, bottom first. A file may import its own layer and the layers below it, never one above. `evaluate`
 * sits above `realize`: the evaluators read the objects realize emits (Antrea's and Contrail's object types,
 * Antrea's static tiers, which node a pod runs on), and realize never consults an evaluator. `targets` is the one
 * place that joins convert, realize and evaluate per target; `report` holds what several commands print.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['net', 'k8s'],
  ['model'],
  ['convert'],
  ['realize'],
  ['evaluate'],
  ['targets'],
  ['report'],
  ['client', 'server', 'adapter', 'lab'],
  ['cli'],
];

/** Folders of src/ that hold no TypeScript the check reads (the console's browser JavaScript and styles). */
export const NOT_LAYERED: readonly string[] = ['console'];

/** One import of one file. */
export interface ImportEdge {
  /** The importing file, relative to the repository (`src/convert/x.ts`). */
  readonly from: string;
  /** The imported file, resolved relative to the repository, or the bare specifier (`node:fs`, `yaml`). */
  readonly to: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** Whether the specifier is relative (a file of the repository). */
  readonly relative: boolean;
}

/** A problem the check found, as one line that names the file, the import and why. */
export interface LayerProblem {
  readonly kind: 'upward' | 'outside-src' | 'no-layer' | 'cycle' | 'unreadable';
  /** `src/a/x.ts` imports `src/b/y.ts` for upward/outside-src; the folder cycle for cycles. */
  readonly key: string;
  readonly message: string;
}

/** Every import of one file's text. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string) => {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    const to = relative ? posix.normalize(posix.join(posix.dirname(file), specifier)) : specifier;
    edges.push({ from: file, to, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, relative });
  };
  const unreadable = (node: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    edges.push({ from: file, to: `<a computed import() specifier at line ${line}>`, line, relative: true });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) add(node, arg.text);
      else unreadable(node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The top-level folder of a file under src/ (`src/convert/x.ts` -> `convert`), or undefined outside src/. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : undefined;
}

/** The index of a folder's layer in LAYERS, or -1. */
export function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

function layerName(index: number): string {
  return LAYERS[index].join('|');
}

/**
 * The edge between sibling folders an import crosses: the two folders just below the deepest folder both files
 * share (`src/realize/contrail/x.ts` -> `src/realize/antrea/y.ts`: realize/contrail -> realize/antrea). None when
 * one file sits directly in that shared folder (a folder's own files may serve its subfolders and use them).
 */
export function siblingEdge(from: string, to: string): [string, string] | undefined {
  const a = posix.dirname(from).split('/');
  const b = posix.dirname(to).split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i >= a.length || i >= b.length) return undefined;
  return [a.slice(0, i + 1).join('/'), b.slice(0, i + 1).join('/')];
}

/** The strongly connected groups (more than one folder) of a directed graph, each sorted, as cycles. */
function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}

/**
 * Checks a set of files (repository-relative path -> text): no import points to a higher layer, src/ imports
 * nothing outside src/ (testing/, test/, bench/ are not shipped), every folder of src/ has a layer, and no two
 * sibling folders import each other, directly or around a loop.
 */
export function checkLayers(files: ReadonlyMap<string, string>): LayerProblem[] {
  const problems: LayerProblem[] = [];
  const folders = new Map<string, Map<string, ImportEdge>>();
  const unlayered = new Set<string>();
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const fromFolder = folderOf(file);
    if (fromFolder === undefined || NOT_LAYERED.includes(fromFolder)) continue;
    const fromLayer = layerOf(fromFolder);
    if (fromLayer < 0) {
      if (!unlayered.has(fromFolder)) problems.push({ kind: 'no-layer', key: `src/${fromFolder}`, message: `src/${fromFolder}/ is in no layer: add it to LAYERS (test/architecture/layers.ts) and to docs/architecture.md` });
      unlayered.add(fromFolder);
      continue;
    }
    for (const edge of importsOf(file, text)) {
      if (!edge.relative) continue;
      const where = `${file}:${edge.line} imports ${edge.to}`;
      if (edge.to.startsWith('<')) {
        problems.push({ kind: 'unreadable', key: `${file} ${edge.to}`, message: `${file}:${edge.line}: import() with a computed specifier; the layers cannot be checked: name the module literally` });
        continue;
      }
      const toFolder = folderOf(edge.to);
      if (toFolder === undefined) {
        problems.push({ kind: 'outside-src', key: `${file} -> ${edge.to}`, message: `${where}: src/ imports only src/ (test-only code lives in testing/ and test/, which the package does not ship)` });
        continue;
      }
      const toLayer = layerOf(toFolder);
      if (toLayer > fromLayer) {
        problems.push({ kind: 'upward', key: `${file} -> ${edge.to}`, message: `${where}: ${fromFolder} (layer ${layerName(fromLayer)}) may not import ${toFolder} (layer ${layerName(toLayer)}, above it)` });
      }
      const sibling = siblingEdge(file, edge.to);
      if (sibling) {
        const [a, b] = sibling;
        let targets = folders.get(a);
        if (!targets) folders.set(a, (targets = new Map()));
        if (!targets.has(b)) targets.set(b, edge);
      }
    }
  }
  const graph = new Map([...folders].map(([a, targets]) => [a, new Set(targets.keys())]));
  for (const cycle of cyclesOf(graph)) {
    const members = new Set(cycle);
    const edges = cycle.flatMap((a) => [...(folders.get(a) ?? [])].filter(([b]) => members.has(b)).map(([b, e]) => `${a} -> ${b} (${e.from}:${e.line} imports ${e.to})`));
    problems.push({ kind: 'cycle', key: cycle.join(' <-> '), message: `the folders ${cycle.join(', ')} import each other: ${edges.join('; ')}` });
  }
  return problems;
}
