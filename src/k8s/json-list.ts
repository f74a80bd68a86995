import { jsonPlace } from './json-text.ts';
import type { SourceRef } from './source.ts';

/**
 * A large kubectl list (`kubectl get ... -o json`: one object whose `items` array holds the objects) read item by
 * item from its UTF-8 bytes, so that its parsed tree is never whole in memory: each item's text is cut out of the
 * bytes and parsed on its own, when it is needed, and is garbage as soon as it is decoded. parse-documents.ts
 * decides when the result is the same as parsing the whole text (every piece parses as JSON; see there).
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;
const NEWLINE = 10;

/** Where the items of a list are in its bytes: the `items` array and each element's start and end offsets. */
export interface JsonListLayout {
  /** Offset of the `[` of the top-level `items` array. */
  readonly arrayStart: number;
  /** Offset just past its `]`. */
  readonly arrayEnd: number;
  /** Element i spans bytes [starts[i], ends[i]). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** The 1-based line each element starts on. */
  readonly lines: Int32Array;
  /**
   * The colons outside strings in each element: in JSON text, one per member of an object (countMembers), so an
   * element that parses to fewer members repeats a key.
   */
  readonly colons: Int32Array;
}

/** Counts the line feeds met while scanning (the only bytes outside strings that start a line). */
class Cursor {
  readonly b: Uint8Array;
  i = 0;
  line = 1;
  colons = 0;
  constructor(b: Uint8Array) {
    this.b = b;
  }
  skipSpace(): void {
    const b = this.b;
    let i = this.i;
    for (; i < b.length; i++) {
      const c = b[i];
      if (c === NEWLINE) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
    }
    this.i = i;
  }
  /** Past the string whose opening quote is at i (JSON strings hold no raw line feed). */
  skipString(): void {
    const b = this.b;
    let i = this.i + 1;
    while (i < b.length) {
      const c = b[i];
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE) { i++; break; }
      else i++;
    }
    this.i = i;
  }
  /** Past the value at i, by bracket counting (its validity is JSON.parse's to decide). */
  skipValue(): void {
    const b = this.b;
    const n = b.length;
    let i = this.i;
    if (b[i] === QUOTE) return this.skipString();
    let depth = 0;
    let line = this.line;
    let colons = this.colons;
    while (i < n) {
      const d = b[i];
      if (d === QUOTE) {
        // Inside a string: only a backslash or the closing quote matters.
        for (i++; i < n; i++) {
          const e = b[i];
          if (e === BACKSLASH) i++;
          else if (e === QUOTE) break;
        }
        i++;
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (depth === 0) break; // a scalar ends before its container's close
        depth--;
        if (depth === 0) { i++; break; }
      } else if (depth === 0 && (d === COMMA || d === 32 || d === 9 || d === 13 || d === NEWLINE)) break;
      else if (d === NEWLINE) line++;
      else if (d === COLON) colons++;
      i++;
    }
    this.i = i;
    this.line = line;
    this.colons = colons;
  }
}

/**
 * The layout of a text that is one JSON object with a top-level `items` member holding an array (the other
 * members are skipped without being parsed), or undefined for any other shape, a second `items`, or text that is
 * not JSON in the ways a bracket count sees. It does not check that the pieces are JSON: the caller parses them.
 */
export function jsonListLayout(bytes: Uint8Array): JsonListLayout | undefined {
  const at = new Cursor(bytes);
  at.skipSpace();
  if (bytes[at.i] !== OPEN_BRACE) return undefined;
  at.i++;
  let layout: JsonListLayout | undefined;
  for (;;) {
    at.skipSpace();
    if (bytes[at.i] === CLOSE_BRACE && !layout) return undefined;
    if (bytes[at.i] !== QUOTE) return undefined;
    const keyStart = at.i;
    at.skipString();
    const isItems = at.i - keyStart === 7 && Buffer.from(bytes.buffer, bytes.byteOffset + keyStart, 7).toString('latin1') === '"items"';
    at.skipSpace();
    if (bytes[at.i] !== COLON) return undefined;
    at.i++;
    at.skipSpace();
    if (isItems) {
      if (layout || bytes[at.i] !== OPEN_BRACKET) return undefined;
      layout = itemsOf(at);
      if (!layout) return undefined;
    } else {
      at.skipValue();
    }
    at.skipSpace();
    if (bytes[at.i] === COMMA) { at.i++; continue; }
    if (bytes[at.i] !== CLOSE_BRACE) return undefined;
    at.i++;
    at.skipSpace();
    return at.i === bytes.length ? layout : undefined;
  }
}

/** The elements of the array whose `[` is at the cursor; the cursor is left past its `]`. */
function itemsOf(at: Cursor): JsonListLayout | undefined {
  const bytes = at.b;
  const arrayStart = at.i;
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: number[] = [];
  const colons: number[] = [];
  at.i++;
  at.skipSpace();
  if (bytes[at.i] === CLOSE_BRACKET) {
    at.i++;
  } else {
    for (;;) {
      if (at.i >= bytes.length) return undefined;
      starts.push(at.i);
      lines.push(at.line);
      const before = at.colons;
      at.skipValue();
      colons.push(at.colons - before);
      ends.push(at.i);
      at.skipSpace();
      const c = bytes[at.i];
      at.i++;
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) return undefined;
      at.skipSpace();
    }
  }
  return { arrayStart, arrayEnd: at.i, starts: Int32Array.from(starts), ends: Int32Array.from(ends), lines: Int32Array.from(lines), colons: Int32Array.from(colons) };
}

/**
 * The members of every object in a parsed JSON value (JSON.parse keeps one member per repeated key: compared with
 * the colons of its text, this finds repeated keys without scanning the text for them). Iterative: no recursion.
 */
export function countMembers(root: unknown): number {
  let members = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    for (const key in v) {
      members++;
      const x = (v as Record<string, unknown>)[key];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return members;
}

/** The bytes of a list with their layout: each item's text, and lines inside an item for messages. */
export class JsonListText {
  readonly #bytes: Buffer;
  readonly #ascii: boolean;
  readonly layout: JsonListLayout;
  constructor(bytes: Uint8Array, ascii: boolean, layout: JsonListLayout) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#ascii = ascii;
    this.layout = layout;
  }
  get count(): number {
    return this.layout.starts.length;
  }
  /** The text of item i. */
  item(i: number): string {
    return this.#slice(this.layout.starts[i], this.layout.ends[i]);
  }
  /** The list without its items' text: the same object with `items: []`. */
  wrapper(): string {
    const { arrayStart, arrayEnd } = this.layout;
    return `${this.#slice(0, arrayStart)}[]${this.#slice(arrayEnd, this.#bytes.length)}`;
  }
  /** The 1-based line of `path` inside item i (of the deepest step of it found). */
  lineOf(i: number, path: readonly (string | number)[]): number {
    const first = this.layout.lines[i];
    if (path.length === 0) return first;
    const text = this.item(i);
    const at = jsonPlace(text, path).at;
    let line = first;
    for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) line++;
    return line;
  }
  #slice(start: number, end: number): string {
    return this.#bytes.toString(this.#ascii ? 'latin1' : 'utf8', start, end);
  }
}

/**
 * Where an object of such a list was read: a small record instead of closures (a list may hold hundreds of
 * thousands of objects), its line known at once and lines inside it found on demand.
 */
export class JsonItemSource implements SourceRef {
  readonly file: string;
  readonly line: number;
  readonly #list: JsonListText;
  readonly #item: number;
  readonly #within: readonly (string | number)[];
  /** Object `within` (a path inside item `item`; [] for the item itself) of the list read from `file`. */
  constructor(file: string, list: JsonListText, item: number, within: readonly (string | number)[]) {
    this.file = file;
    this.#list = list;
    this.#item = item;
    this.#within = within;
    this.line = within.length ? list.lineOf(item, within) : list.layout.lines[item];
  }
  lineOf(path: readonly (string | number)[]): number {
    return this.#list.lineOf(this.#item, this.#within.length ? [...this.#within, ...path] : path);
  }
}
