import { isNode, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import type { InputProblem } from './invalid-input.ts';
import { LeftToGeneralParser, loadYamlDocument } from './js-yaml-document.ts';
import type { ByteSource } from './byte-source.ts';
import { countMembers, JsonItemSource, jsonListLayout, JsonListText } from './json-list.ts';
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
 * The largest YAML text np2dfw gives the general YAML parser (the `yaml` package; characters): it needs about 40
 * bytes of memory and 1 µs per character. Documents js-yaml reads (js-yaml-document.ts: all but those with anchors
 * or errors) and JSON have no limit below the file limit.
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
  /** The source of the object at `anchor`. */
  source(anchor: A): SourceRef;
}

/** Locators whose objects' lines are found on first use (most objects are never cited). */
function lazyLocator<A>(file: string, line: Locator<A>['line'], items: Locator<A>['items'], root: A): Locator<A> {
  return { root, line, items, source: (anchor) => lazySource(file, (path) => line(anchor, path)) };
}

/**
 * Parses YAML (one or more documents, YAML 1.1 as kubectl reads it: `yes`/`on` are booleans) or JSON into objects.
 * `kind: List` and typed lists (`PodList`, ...) are flattened into their items, each item keeping its own line
 * numbers. Hostile input (alias bombs, deep nesting, oversized YAML, an input with no object) is refused with one
 * clear problem. Problems are collected, not thrown.
 */
export function parseDocuments(input: InputText, problems: InputProblem[]): RawObject[] {
  const drain = (objects: ObjectSequence) => {
    const out: RawObject[] = [];
    for (let raw = objects.next(); raw; raw = objects.next()) out.push(raw);
    problems.push(...objects.problems);
    return out;
  };
  try {
    return drain(parseDocumentsLazily(input));
  } catch (e) {
    if (!(e instanceof NotAJsonList)) throw e;
    return drain(parseDocumentsLazily(input, { itemByItem: false }));
  }
}

/**
 * The objects of one input, handed out one at a time and in order, with the problems parseDocuments would report
 * (the same, in the same order): complete at once, or, for a JSON list read item by item, once `next` has returned
 * undefined.
 */
export interface ObjectSequence {
  /** How many objects there are: exactly, or for a JSON list read item by item, its number of items. */
  readonly expected: number;
  /** The next object (each object once), or undefined past the last. Throws NotAJsonList (see there). */
  next(): RawObject | undefined;
  readonly problems: readonly InputProblem[];
}

/**
 * Thrown by a JSON list read item by item when an item turns out not to be JSON, or to repeat a key: the text is
 * no list this fast path reads, and the input must be parsed again with `itemByItem: false` (whoever took objects
 * from it lets go of what they made of them).
 */
export class NotAJsonList extends Error {}

/**
 * parseDocuments as a sequence. A JSON list read from bytes (`kubectl get -o json`) is parsed item by item as its
 * objects are taken (unless `itemByItem` is false), so that neither its text nor its parsed tree is ever whole in
 * memory.
 */
export function parseDocumentsLazily(input: InputText, options: { readonly itemByItem?: boolean } = {}): ObjectSequence {
  if (input.utf8 && options.itemByItem !== false) {
    const list = parseJsonList(input, input.utf8);
    if (list) return list;
  }
  const problems: InputProblem[] = [];
  const out: RawObject[] = [];
  const first = firstSignificantChar(input.text);
  if (first === '{' || first === '[') {
    // JSON.parse does not recurse, and nothing here walks deeper than a Kubernetes object's schema.
    const json = parseJson(input, problems, out);
    if (json !== 'not-json') return arraySequence(out, problems);
  }
  if (nestingDepthExceeds(input.text, MAX_NESTING)) {
    problems.push({ file: input.name, path: [], message: `refused: nested more than ${MAX_NESTING} levels deep; no Kubernetes object is` });
    return arraySequence(out, problems);
  }
  parseYaml(input, problems, out);
  return arraySequence(out, problems);
}

/** A sequence over objects already parsed, letting go of each as it is taken. */
export function arraySequence(objects: (RawObject | undefined)[], problems: readonly InputProblem[] = []): ObjectSequence {
  let next = 0;
  return {
    expected: objects.length,
    problems,
    next: () => {
      if (next >= objects.length) return undefined;
      const raw = objects[next];
      objects[next++] = undefined;
      return raw;
    },
  };
}

/**
 * The fast path for a JSON list given as bytes, or undefined when it does not apply (the general path then reads
 * the text as before). It applies when the text is one object whose top-level `items` member is an array, the
 * object is a list (`List`, `PodList`, ...), the object without its items parses as JSON and repeats no key. Each
 * item is then parsed when its objects are taken; one that is not JSON or repeats a key throws NotAJsonList, and
 * the general path reports it as it always has. When every item parses, the pieces are exactly the whole text's
 * parse, split: the separators between items are commas and white space only (json-list.ts), so the whole text is
 * JSON and parses to the same values.
 */
function parseJsonList(input: InputText, bytes: ByteSource): ObjectSequence | undefined {
  const layout = jsonListLayout(bytes);
  if (!layout) return undefined;
  const list = new JsonListText(bytes, input.ascii === true, layout);
  const wrapperText = list.wrapper();
  let wrapper: unknown;
  try {
    wrapper = JSON.parse(wrapperText);
  } catch {
    return undefined;
  }
  if (duplicateJsonKeys(wrapperText, 1).length) return undefined;
  const kind = (wrapper as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !kind.endsWith('List')) return undefined;
  const itemKind = kind === 'List' ? undefined : { kind: kind.slice(0, -'List'.length), apiVersion: (wrapper as { apiVersion?: unknown }).apiVersion };
  const problems: InputProblem[] = [];
  const state: CollectState = { count: 0, overflow: false };
  let item = 0;
  const pending: RawObject[] = [];
  let at = 0;
  // One walk for every item, as the list's own walk reaches them (one level of list nesting down); anchors are
  // paths inside the item being walked.
  const locator: Locator<readonly (string | number)[]> = {
    root: [],
    line: (anchor, path) => list.lineOf(item, anchor.length ? [...anchor, ...path] : path),
    items: (anchor, count) => Array.from({ length: count }, (_, k) => [...anchor, 'items', k]),
    source: (anchor) => new JsonItemSource(input.name, list, item, anchor),
  };
  const visit = visitor(input, problems, pending, locator, state);
  return {
    expected: list.count,
    problems,
    next: () => {
      while (at >= pending.length) {
        if (item >= list.count) return undefined;
        const text = list.item(item);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw new NotAJsonList(`${input.name}: item ${item} is not JSON`);
        }
        if (countMembers(value) !== layout.colons[item]) throw new NotAJsonList(`${input.name}: item ${item} repeats a key`);
        pending.length = 0;
        at = 0;
        visit(value, locator.root, `${kind} item ${item}`, itemKind, 1);
        item++;
      }
      return pending[at++];
    },
  };
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
  const locator: Locator<() => number> = lazyLocator<() => number>(
    input.name,
    (anchor, path) => lines.lineOf(jsonPlace(text, path, anchor()).at),
    (anchor, count) => {
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
    () => 0,
  );
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

/** Counts shared by the documents of one input. */
interface YamlState {
  syntaxErrors: number;
  anyContent: boolean;
  documents: number;
}

/**
 * YAML, one document at a time: split at `---` lines, each document goes through js-yaml (js-yaml-document.ts)
 * and, when it leaves it (anchors, errors), through the general parser. Lines for messages come from the general
 * parser, run lazily on a js-yaml document only when one of its objects is cited.
 */
function parseYaml(input: InputText, problems: InputProblem[], out: RawObject[]): void {
  const state: YamlState = { syntaxErrors: 0, anyContent: false, documents: 0 };
  const objectsBefore = out.length;
  const chunks = splitDocuments(input.text);
  if (!chunks) {
    parseWithLibrary(input.text, 0, input, problems, out, state);
  } else {
    for (const chunk of chunks) {
      const value = loadYamlDocument(chunk.text, MAX_NESTING);
      if (value instanceof LeftToGeneralParser) {
        if (value.why === 'error' && chunk.text.length > MAX_YAML_CHARS) {
          // Too large for the general parser to say more: js-yaml's reason and line it is.
          state.anyContent = true;
          state.documents++;
          if (++state.syntaxErrors <= MAX_SYNTAX_ERRORS) {
            problems.push({ file: input.name, line: chunk.firstLine + (value.line ?? 0), path: [], message: `YAML: ${value.reason}` });
          }
          continue;
        }
        parseWithLibrary(chunk.text, chunk.firstLine - 1, input, problems, out, state);
        continue;
      }
      if (value === undefined || value === null) continue; // an empty document, as kubectl skips it
      state.anyContent = true;
      state.documents++;
      let parsed: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
      const lazy = () => {
        if (!parsed) {
          const lineCounter = new LineCounter();
          const doc = parseDocument(chunk.text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.1' });
          parsed = { doc, lineCounter };
        }
        return parsed;
      };
      const locator = yamlLocator(
        input.name,
        () => lazy().doc,
        (offset) => lazy().lineCounter.linePos(offset).line + chunk.firstLine - 1,
        chunk.firstLine,
      );
      collectObjects(value, input, problems, out, locator, `document ${state.documents}`);
    }
  }
  if (state.syntaxErrors > MAX_SYNTAX_ERRORS) {
    problems.push({ file: input.name, path: [], message: `... and ${state.syntaxErrors - MAX_SYNTAX_ERRORS} more YAML errors: is this a YAML or JSON file?` });
  }
  if (!state.anyContent && out.length === objectsBefore) EMPTY_INPUTS.add(input);
}

/** The inputs found empty (no document, or only comments and separators), as kubectl skips them. */
const EMPTY_INPUTS = new WeakSet<InputText>();
/** The problems saying that a document is no Kubernetes object (no mapping, no kind). */
const NO_OBJECT_PROBLEMS = new WeakSet<InputProblem>();

/** Whether parseDocuments found the input empty: no document, or only comments and separators. */
export function isEmptyInput(input: InputText): boolean {
  return EMPTY_INPUTS.has(input);
}

/**
 * Whether a problem of parseDocuments says only that a document is no Kubernetes object (not a mapping, or a
 * mapping without kind): a file all of whose problems are such holds no Kubernetes object, as a values file or an
 * expected-output file beside manifests does.
 */
export function isNoObjectProblem(problem: InputProblem): boolean {
  return NO_OBJECT_PROBLEMS.has(problem);
}

/** A document separator np2dfw splits at: `---` or `...` alone on its line (a comment may follow). */
const SEPARATOR = /^(?:---|\.\.\.)[ \t]*(?:#.*)?\r?$/;

/**
 * The documents of a YAML stream with the line each starts on, or undefined when the stream has directives or
 * separators with content on their line (`--- !tag`), which are left to the general parser whole.
 */
function splitDocuments(text: string): { text: string; firstLine: number }[] | undefined {
  const chunks: { text: string; firstLine: number }[] = [];
  let chunkStart = 0;
  let chunkLine = 1;
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(start);
    if (c === 37) return undefined; // %YAML or %TAG
    if ((c === 45 && text.startsWith('---', start)) || (c === 46 && text.startsWith('...', start))) {
      if (!SEPARATOR.test(text.slice(start, end))) return undefined;
      chunks.push({ text: text.slice(chunkStart, start), firstLine: chunkLine });
      chunkStart = end + 1;
      chunkLine = line + 1;
    }
    start = end + 1;
  }
  chunks.push({ text: text.slice(chunkStart), firstLine: chunkLine });
  return chunks;
}

/** Finds lines in a document the general parser holds (nodes keep their offsets). */
function yamlLocator(file: string, doc: () => Document.Parsed, lineAt: (offset: number) => number, docLine: number): Locator<readonly (string | number)[]> {
  return lazyLocator<readonly (string | number)[]>(
    file,
    (anchor, path) => {
      const full = [...anchor, ...path];
      const d = doc();
      for (let n = full.length; n >= 0; n--) {
        const node = d.getIn(full.slice(0, n), true);
        if (isNode(node) && node.range) return lineAt(node.range[0]);
      }
      return docLine;
    },
    (anchor, count) => Array.from({ length: count }, (_, i) => [...anchor, 'items', i]),
    [],
  );
}

/** The general YAML parser on `text` (a whole stream, or one document of it starting after `lineOffset` lines). */
function parseWithLibrary(text: string, lineOffset: number, input: InputText, problems: InputProblem[], out: RawObject[], state: YamlState): void {
  if (text.length > MAX_YAML_CHARS) {
    state.anyContent = true;
    problems.push({
      file: input.name,
      line: lineOffset + 1,
      path: [],
      message: `refused: ${text.length} characters of YAML beyond what np2dfw reads fast, more than the ${MAX_YAML_CHARS} it parses in full; give it JSON (kubectl get -o json) for larger inputs`,
    });
    return;
  }
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + lineOffset;
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.1' });
    docs = (Array.isArray(parsed) ? parsed : [parsed]) as Document.Parsed[];
  } catch (e) {
    state.anyContent = true;
    problems.push({ file: input.name, path: [], message: `cannot parse: ${firstLine((e as Error).message)}` });
    return;
  }
  for (const doc of docs) {
    const docLine = doc.contents?.range ? lineAt(doc.contents.range[0]) : lineOffset + 1;
    if (doc.errors.length) {
      state.anyContent = true;
      const number = ++state.documents;
      if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
        problems.push({ file: input.name, line: docLine, path: [], message: `refused: document ${number} is nested too deeply to parse` });
        continue;
      }
      for (const err of doc.errors) {
        if (++state.syntaxErrors > MAX_SYNTAX_ERRORS) continue;
        const line = err.pos ? lineAt(err.pos[0]) : docLine;
        problems.push({ file: input.name, line, path: [], message: `YAML: ${firstLine(err.message)}` });
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document (`---` alone, or only comments)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      state.anyContent = true;
      const number = ++state.documents;
      const msg = (e as Error).message;
      const why = e instanceof RangeError
        ? `refused: document ${number} is nested too deeply`
        : /excessive alias count/i.test(msg)
          ? `refused: document ${number} expands too many aliases (more than ${MAX_ALIASES}), as an alias bomb does`
          : `document ${number}: ${firstLine(msg)}`;
      problems.push({ file: input.name, line: docLine, path: [], message: why });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, as kubectl skips it
    state.anyContent = true;
    const number = ++state.documents;
    collectObjects(value, input, problems, out, yamlLocator(input.name, () => doc, lineAt, docLine), `document ${number}`);
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
  visitor(input, problems, out, locator, { count: 0, overflow: false })(root, locator.root, what);
}

/** The objects found so far in one input (against MAX_OBJECTS_PER_INPUT), and whether that limit was passed. */
interface CollectState {
  count: number;
  overflow: boolean;
}

type Visit<A> = (v: unknown, anchor: A, label: string, inherited?: { kind: string; apiVersion: unknown }, depth?: number) => void;

/** The walk of collectObjects, appending objects to `out` and counting them in `state`. */
function visitor<A>(input: InputText, problems: InputProblem[], out: RawObject[], locator: Locator<A>, state: CollectState): Visit<A> {
  const problem = (anchor: A, path: (string | number)[], message: string, noObject = false) => {
    const p: InputProblem = { file: input.name, line: locator.line(anchor, path), path, message };
    if (noObject) NO_OBJECT_PROBLEMS.add(p);
    problems.push(p);
  };
  const visit: Visit<A> = (v, anchor, label, inherited, depth = 0) => {
    if (state.count >= MAX_OBJECTS_PER_INPUT) {
      if (!state.overflow) problems.push({ file: input.name, path: [], message: `refused: more than ${MAX_OBJECTS_PER_INPUT} objects in one input` });
      state.overflow = true;
      return;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problem(anchor, [], `${label} is not a Kubernetes object (expected a mapping with apiVersion and kind)`, depth === 0);
      return;
    }
    const body = v as Record<string, unknown>;
    const kind = body.kind ?? inherited?.kind;
    const apiVersion = body.apiVersion ?? inherited?.apiVersion;
    if (typeof kind !== 'string' || kind === '') {
      problem(anchor, ['kind'], `${label} has no kind`, depth === 0);
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
    state.count++;
    out.push({ kind, apiVersion, body, source: locator.source(anchor) });
  };
  return visit;
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
