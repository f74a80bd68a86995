import type { ByteSource } from './byte-source.ts';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, jsonPlace, LineTable, NEWLINE, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-text.ts';
import type { SourceRef } from './source.ts';

/**
 * A large kubectl list (`kubectl get ... -o json`: one object whose `items` array holds the objects) read item by
 * item from its UTF-8 bytes (a file through a window, byte-source.ts), so that neither its text nor its parsed
 * tree is ever whole in memory: each item's text is cut out of the bytes and parsed on its own, when it is
 * needed, and is garbage as soon as it is decoded. parse-documents.ts decides when the result is the same as
 * parsing the whole text (every piece parses as JSON; see there).
 */

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

/**
 * Reads a source forward through its window, counting the line feeds met (the only bytes outside strings that
 * start a line) and the colons outside strings. Hot loops keep the window in locals and reload it at its end.
 */
class Cursor {
  readonly source: ByteSource;
  /** The current window and the offset of its first byte. */
  w: Uint8Array = new Uint8Array(0);
  base = 0;
  i = 0;
  line = 1;
  colons = 0;
  constructor(source: ByteSource) {
    this.source = source;
  }
  /** The byte at `offset`, or -1 past the end. */
  byteAt(offset: number): number {
    if (offset < this.base || offset - this.base >= this.w.length) this.#load(offset);
    const k = offset - this.base;
    return k < this.w.length ? this.w[k] : -1;
  }
  /** The byte at the cursor, or -1 past the end. */
  peek(): number {
    return this.byteAt(this.i);
  }
  #load(offset: number): void {
    const w = this.source.window(offset);
    this.w = w.bytes;
    this.base = w.start;
  }
  skipSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c === NEWLINE) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      this.i++;
    }
  }
  /** Past the string whose opening quote is at i (JSON strings hold no raw line feed). */
  skipString(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === -1) return;
      this.i++;
      if (c === BACKSLASH) this.i++;
      else if (c === QUOTE) return;
    }
  }
  /** Past the value at i, by bracket counting (its validity is JSON.parse's to decide). */
  skipValue(): void {
    if (this.peek() === QUOTE) return this.skipString();
    let depth = 0;
    let inString = false;
    let escaped = false;
    let line = this.line;
    let colons = this.colons;
    let i = this.i;
    for (;;) {
      if (i - this.base >= this.w.length || i < this.base) {
        this.i = i;
        if (this.peek() === -1) break;
      }
      const w = this.w;
      const base = this.base;
      const end = base + w.length;
      let stop = false;
      // The bytes of this window; a string, escape or value that goes on continues in the next.
      for (; i < end; i++) {
        const d = w[i - base];
        if (inString) {
          if (escaped) escaped = false;
          else if (d === BACKSLASH) escaped = true;
          else if (d === QUOTE) inString = false;
          continue;
        }
        if (d === QUOTE) inString = true;
        else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
        else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
          if (depth === 0) { stop = true; break; } // a scalar ends before its container's close
          depth--;
          if (depth === 0) { i++; stop = true; break; }
        } else if (depth === 0 && (d === COMMA || d === 32 || d === 9 || d === 13 || d === NEWLINE)) { stop = true; break; }
        else if (d === NEWLINE) line++;
        else if (d === COLON) colons++;
      }
      if (stop) break;
    }
    this.i = i;
    this.line = line;
    this.colons = colons;
  }
}

/** Whether the key starting at `start` (its quote) and ending before `end` is `"items"`. */
function isItemsKey(at: Cursor, start: number, end: number): boolean {
  if (end - start !== ITEMS_KEY.length) return false;
  for (let k = 0; k < ITEMS_KEY.length; k++) if (at.byteAt(start + k) !== ITEMS_KEY[k]) return false;
  return true;
}

const ITEMS_KEY = Buffer.from('"items"', 'latin1');

/**
 * The layout of a text that is one JSON object with a top-level `items` member holding an array (the other
 * members are skipped without being parsed), or undefined for any other shape, a second `items`, or text that is
 * not JSON in the ways a bracket count sees. It does not check that the pieces are JSON: the caller parses them.
 */
export function jsonListLayout(source: ByteSource): JsonListLayout | undefined {
  const at = new Cursor(source);
  at.skipSpace();
  if (at.peek() !== OPEN_BRACE) return undefined;
  at.i++;
  let layout: JsonListLayout | undefined;
  for (;;) {
    at.skipSpace();
    if (at.peek() === CLOSE_BRACE && !layout) return undefined;
    if (at.peek() !== QUOTE) return undefined;
    const keyStart = at.i;
    at.skipString();
    const isItems = isItemsKey(at, keyStart, at.i);
    at.skipSpace();
    if (at.peek() !== COLON) return undefined;
    at.i++;
    at.skipSpace();
    if (isItems) {
      if (layout || at.peek() !== OPEN_BRACKET) return undefined;
      layout = itemsOf(at);
      if (!layout) return undefined;
    } else {
      at.skipValue();
    }
    at.skipSpace();
    if (at.peek() === COMMA) { at.i++; continue; }
    if (at.peek() !== CLOSE_BRACE) return undefined;
    at.i++;
    at.skipSpace();
    return at.i === source.size ? layout : undefined;
  }
}

/** The elements of the array whose `[` is at the cursor; the cursor is left past its `]`. */
function itemsOf(at: Cursor): JsonListLayout | undefined {
  const arrayStart = at.i;
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: number[] = [];
  const colons: number[] = [];
  at.i++;
  at.skipSpace();
  if (at.peek() === CLOSE_BRACKET) {
    at.i++;
  } else {
    for (;;) {
      if (at.peek() === -1) return undefined;
      starts.push(at.i);
      lines.push(at.line);
      const before = at.colons;
      at.skipValue();
      colons.push(at.colons - before);
      ends.push(at.i);
      at.skipSpace();
      const c = at.peek();
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
  readonly #source: ByteSource;
  readonly #ascii: boolean;
  readonly layout: JsonListLayout;
  constructor(source: ByteSource, ascii: boolean, layout: JsonListLayout) {
    this.#source = source;
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
    return `${this.#slice(0, arrayStart)}[]${this.#slice(arrayEnd, this.#source.size)}`;
  }
  /** The 1-based line of `path` inside item i (of the deepest step of it found). */
  lineOf(i: number, path: readonly (string | number)[]): number {
    const first = this.layout.lines[i];
    if (path.length === 0) return first;
    const text = this.item(i);
    return first + new LineTable(text).lineOf(jsonPlace(text, path).at) - 1;
  }
  #slice(start: number, end: number): string {
    return this.#source.text(start, end, this.#ascii);
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
