import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { InputProblem } from './invalid-input.ts';
import { duplicateJsonKeys, jsonArrayItemOffsets, jsonPlace, LineTable } from './json-text.ts';
import { nestingDepthExceeds } from './nesting-depth.ts';
import type { InputText } from './read-inputs.ts';
import type { SourceRef } from './source.ts';

/** A Kubernetes object as read, before validation: its kind, apiVersion, body and where it came from. */
export interface RawObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly body: Record<string, unknown>;
  readonly source: SourceRef;
}

/** The most aliases one document may expand; more is refused as an alias bomb. */
export const MAX_ALIASES = 1000;
/** The most objects np2dfw reads from one input. */
export const MAX_OBJECTS_PER_INPUT = 2_000_000;
/** The deepest nesting accepted; Kubernetes objects (managedFields included) stay far below it. */
export const MAX_NESTING = 200;
/**
 * The largest YAML text np2dfw parses (characters). The YAML parser needs about 40 bytes of memory and 1 µs per
 * character; JSON (`kubectl get -o json`) has no such limit below the file limit, as it is parsed natively.
 */
export const MAX_YAML_CHARS = 48 * 1024 * 1024;
/** How deep lists may nest in lists (a List of PodLists is 2). */
const MAX_LIST_NESTING = 8;
/** The most parse errors reported for one input; the rest are counted. */
const MAX_SYNTAX_ERRORS = 20;

/**
 * Finds lines in one parsed document. An anchor marks an object inside it: a path for YAML (the parser keeps
 * every node's position), an offset for JSON (found by scanning the text, only along the way asked for).
 */
interface Locator<A> {
  readonly root: A;
  /** The 1-based line of `path` inside the object at `anchor` (of the nearest ancestor found). */
  line(anchor: A, path: readonly (string | number)[]): number;
  /** Anchors of the first `count` elements of the anchor's `items` list. */
  items(anchor: A, count: number): A[];
}

/**
 * Parses YAML (one or more documents, YAML 1.1 as kubectl reads it: `yes`/`on` are booleans) or JSON into objects.
 * `kind: List` and typed lists (`PodList`, ...) are flattened into their items, each item keeping its own line
 * numbers. Hostile input (alias bombs, deep nesting, oversized YAML, an input with no object) is refused with one
 * clear problem. Problems are collected, not thrown.
 */
export function parseDocuments(input: InputText, problems: InputProblem[]): RawObject[] {
  const out: RawObject[] = [];
  const refuse = (message: string, line?: number) => problems.push({ file: input.name, line, path: [], message });
  const first = firstSignificantChar(input.text);
  if (first === '{' || first === '[') {
    // JSON.parse does not recurse, and nothing here walks deeper than a Kubernetes object's schema.
    const json = parseJson(input, problems, out);
    if (json !== 'not-json') return out;
  }
  if (nestingDepthExceeds(input.text, MAX_NESTING)) {
    refuse(`refused: nested more than ${MAX_NESTING} levels deep; no Kubernetes object is`);
    return out;
  }
  if (input.text.length > MAX_YAML_CHARS) {
    refuse(`refused: ${input.text.length} characters of YAML, more than the ${MAX_YAML_CHARS} np2dfw parses; give it JSON (kubectl get -o json) for larger inputs`);
    return out;
  }
  parseYaml(input, problems, out);
  return out;
}

function firstSignificantChar(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\uFEFF') return c;
  }
  return undefined;
}

/** JSON through JSON.parse; 'not-json' when it does not parse (it may be YAML flow style: the YAML parser decides). */
function parseJson(input: InputText, problems: InputProblem[], out: RawObject[]): 'done' | 'not-json' {
  let value: unknown;
  try {
    value = JSON.parse(input.text);
  } catch {
    return 'not-json';
  }
  const text = input.text;
  const lines = new LineTable(text);
  // Anchors are offsets, found lazily: nothing is scanned unless a line is asked for.
  const locator: Locator<() => number> = {
    root: () => 0,
    line: (anchor, path) => lines.lineOf(jsonPlace(text, path, anchor()).at),
    items: (anchor, count) => {
      let offsets: number[] | undefined;
      const all = () => {
        if (!offsets) {
          const list = jsonPlace(text, ['items'], anchor()).value;
          offsets = list < 0 ? [] : jsonArrayItemOffsets(text, list);
        }
        return offsets;
      };
      return Array.from({ length: count }, (_, i) => () => all()[i] ?? anchor());
    },
  };
  const duplicates = duplicateJsonKeys(input.text);
  if (duplicates.length) {
    for (const d of duplicates) {
      problems.push({ file: input.name, line: lines.lineOf(d.offset), path: [], message: `duplicate field ${JSON.stringify(d.key)}: a key may appear once in an object` });
    }
    return 'done';
  }
  collectObjects(value, input, problems, out, locator, 'the JSON document');
  return 'done';
}

function parseYaml(input: InputText, problems: InputProblem[], out: RawObject[]): void {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(input.text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.1' });
    docs = (Array.isArray(parsed) ? parsed : [parsed]) as Document.Parsed[];
  } catch (e) {
    problems.push({ file: input.name, path: [], message: `cannot parse: ${firstLine((e as Error).message)}` });
    return;
  }
  let syntaxErrors = 0;
  const objectsBefore = out.length;
  let anyContent = false;
  docs.forEach((doc, index) => {
    const docLine = doc.contents?.range ? lineAt(doc.contents.range[0]) : 1;
    if (doc.errors.length) {
      anyContent = true;
      if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
        problems.push({ file: input.name, line: docLine, path: [], message: `refused: document ${index + 1} is nested too deeply to parse` });
        return;
      }
      for (const err of doc.errors) {
        if (++syntaxErrors > MAX_SYNTAX_ERRORS) continue;
        const line = err.pos ? lineAt(err.pos[0]) : docLine;
        problems.push({ file: input.name, line, path: [], message: `YAML: ${firstLine(err.message)}` });
      }
      return;
    }
    if (doc.contents === null) return; // an empty document (`---` alone, or only comments)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      anyContent = true;
      const msg = (e as Error).message;
      const why = e instanceof RangeError
        ? `refused: document ${index + 1} is nested too deeply`
        : /excessive alias count/i.test(msg)
          ? `refused: document ${index + 1} expands too many aliases (more than ${MAX_ALIASES}), as an alias bomb does`
          : `document ${index + 1}: ${firstLine(msg)}`;
      problems.push({ file: input.name, line: docLine, path: [], message: why });
      return;
    }
    if (value === null || value === undefined) return; // an empty document, as kubectl skips it
    anyContent = true;
    const locator: Locator<readonly (string | number)[]> = {
      root: [],
      line: (anchor, path) => {
        const full = [...anchor, ...path];
        for (let n = full.length; n >= 0; n--) {
          const node = doc.getIn(full.slice(0, n), true);
          if (isNode(node) && node.range) return lineAt(node.range[0]);
        }
        return docLine;
      },
      items: (anchor, count) => Array.from({ length: count }, (_, i) => [...anchor, 'items', i]),
    };
    collectObjects(value, input, problems, out, locator, `document ${index + 1}`);
  });
  if (syntaxErrors > MAX_SYNTAX_ERRORS) {
    problems.push({ file: input.name, path: [], message: `... and ${syntaxErrors - MAX_SYNTAX_ERRORS} more YAML errors: is this a YAML or JSON file?` });
  }
  if (!anyContent && out.length === objectsBefore) {
    problems.push({ file: input.name, path: [], message: 'the input holds no Kubernetes object (it is empty)' });
  }
}

/**
 * Walks one parsed document: an object, or a `List`/typed list whose items are objects (a List of lists too).
 */
function collectObjects<A>(
  root: unknown,
  input: InputText,
  problems: InputProblem[],
  out: RawObject[],
  locator: Locator<A>,
  what: string,
): void {
  const problem = (anchor: A, path: (string | number)[], message: string) =>
    problems.push({ file: input.name, line: locator.line(anchor, path), path, message });
  let overflow = false;
  const visit = (v: unknown, anchor: A, label: string, inherited?: { kind: string; apiVersion: unknown }, depth = 0): void => {
    if (out.length >= MAX_OBJECTS_PER_INPUT) {
      if (!overflow) problems.push({ file: input.name, path: [], message: `refused: more than ${MAX_OBJECTS_PER_INPUT} objects in one input` });
      overflow = true;
      return;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problem(anchor, [], `${label} is not a Kubernetes object (expected a mapping with apiVersion and kind)`);
      return;
    }
    const body = v as Record<string, unknown>;
    const kind = body.kind ?? inherited?.kind;
    const apiVersion = body.apiVersion ?? inherited?.apiVersion;
    if (typeof kind !== 'string' || kind === '') {
      problem(anchor, ['kind'], `${label} has no kind`);
      return;
    }
    if (kind === 'List' || (kind.endsWith('List') && Object.hasOwn(body, 'items'))) {
      const items = body.items;
      if (items === null || items === undefined) return; // an empty list
      if (!Array.isArray(items)) {
        problem(anchor, ['items'], `${kind}: items: Invalid value: must be a list`);
        return;
      }
      if (depth >= MAX_LIST_NESTING) {
        problem(anchor, [], `refused: lists nested more than ${MAX_LIST_NESTING} deep`);
        return;
      }
      const itemKind = kind === 'List' ? undefined : { kind: kind.slice(0, -'List'.length), apiVersion };
      const anchors = locator.items(anchor, items.length);
      for (let i = 0; i < items.length; i++) {
        // Lists nest once or twice in practice; deeper nesting was refused before parsing.
        visit(items[i], anchors[i] ?? anchor, `${kind} item ${i}`, itemKind, depth + 1);
      }
      return;
    }
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      problem(anchor, ['apiVersion'], `${kind} has no apiVersion`);
      return;
    }
    out.push({ kind, apiVersion, body, source: lazySource(input.name, (path) => locator.line(anchor, path)) });
  };
  visit(root, locator.root, what);
}

/** A SourceRef whose line is found on first use (most objects are never cited). */
function lazySource(file: string, lineOf: (path: readonly (string | number)[]) => number): SourceRef {
  let line: number | undefined;
  return {
    file,
    get line() {
      return (line ??= lineOf([]));
    },
    lineOf,
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
