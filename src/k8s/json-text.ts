/**
 * A fast path for JSON input (`kubectl get -o json`): V8's JSON.parse reads it tens of times faster than a YAML
 * parser and without recursion, and this scanner adds what JSON.parse cannot say: where a field is (for messages)
 * and which keys repeat (the API server's strict decoding refuses duplicate fields). Both scans are iterative
 * character loops, with no recursion and no per-character allocation.
 */

/** The character codes (and bytes) of JSON's structure, for the scanners here and in json-list.ts. */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COLON = 58;
export const COMMA = 44;
export const NEWLINE = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Offset just past the string starting at `i` (an opening quote). */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Offset just past the value starting at `i` (any JSON value), by bracket counting. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) return i;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) { i = skipString(text, i); continue; }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) { depth--; if (depth === 0) return i + 1; }
    i++;
  }
  return i;
}

/** Where a path leads in a JSON text: the line-worthy offset found, and the value's offset when fully resolved. */
export interface JsonPlace {
  /** Offset of the deepest step found: a member's key, an array element, or `start` itself. */
  readonly at: number;
  /** Offset of the value at the full path, or -1 when the path does not lead to one. */
  readonly value: number;
}

/**
 * Follows `path` from the value starting at `start` in a valid JSON text, skipping siblings without parsing them.
 */
export function jsonPlace(text: string, path: readonly (string | number)[], start = 0): JsonPlace {
  let i = skipSpace(text, start);
  let found = i;
  for (const step of path) {
    const c = text.charCodeAt(i);
    if (typeof step === 'number' && c === OPEN_BRACKET) {
      i = skipSpace(text, i + 1);
      for (let n = 0; n < step; n++) {
        if (text.charCodeAt(i) === CLOSE_BRACKET) return { at: found, value: -1 };
        i = skipSpace(text, skipValue(text, i));
        if (text.charCodeAt(i) !== COMMA) return { at: found, value: -1 };
        i = skipSpace(text, i + 1);
      }
      if (text.charCodeAt(i) === CLOSE_BRACKET) return { at: found, value: -1 };
      found = i;
    } else if (typeof step === 'string' && c === OPEN_BRACE) {
      i = skipSpace(text, i + 1);
      let hit = false;
      while (i < text.length && text.charCodeAt(i) === QUOTE) {
        const keyStart = i;
        const keyEnd = skipString(text, i);
        const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
        i = skipSpace(text, keyEnd);
        if (text.charCodeAt(i) !== COLON) return { at: found, value: -1 };
        i = skipSpace(text, i + 1);
        if (key === step) { found = keyStart; hit = true; break; }
        i = skipSpace(text, skipValue(text, i));
        if (text.charCodeAt(i) !== COMMA) break;
        i = skipSpace(text, i + 1);
      }
      if (!hit) return { at: found, value: -1 };
    } else {
      return { at: found, value: -1 };
    }
  }
  return { at: found, value: i };
}

/** The offsets of the elements of the array starting at `start`, in one pass. */
export function jsonArrayItemOffsets(text: string, start: number): number[] {
  const out: number[] = [];
  let i = skipSpace(text, start);
  if (text.charCodeAt(i) !== OPEN_BRACKET) return out;
  i = skipSpace(text, i + 1);
  while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET) {
    out.push(i);
    i = skipSpace(text, skipValue(text, i));
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipSpace(text, i + 1);
  }
  return out;
}

/** A key that appears twice in one JSON object. */
export interface DuplicateJsonKey {
  readonly key: string;
  /** Offset of the second occurrence. */
  readonly offset: number;
}

/** Past this many keys, an object's keys are kept in a Set rather than compared one by one. */
const SMALL_OBJECT_KEYS = 32;

/**
 * Every key repeated within one object of a valid JSON text (up to `limit`). The keys of the open objects are kept
 * as (start, end) offsets on one flat stack and compared in place, so a typical object costs no allocation.
 */
export function duplicateJsonKeys(text: string, limit = 100): DuplicateJsonKey[] {
  const out: DuplicateJsonKey[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  // Per open container: the index in starts/ends where its keys begin (-1 for an array), and a Set once it is big.
  const bases: number[] = [];
  const sets: (Set<string> | undefined)[] = [];
  let expectKey = false;
  const sameKey = (a0: number, a1: number, b0: number, b1: number) => {
    if (a1 - a0 !== b1 - b0) return false;
    for (let k = 0; k < a1 - a0; k++) if (text.charCodeAt(a0 + k) !== text.charCodeAt(b0 + k)) return false;
    return true;
  };
  for (let i = 0; i < text.length && out.length < limit; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (expectKey) {
        const top = bases.length - 1;
        const base = bases[top];
        let set = sets[top];
        let dup = false;
        if (set) {
          const key = text.slice(i, end);
          dup = set.has(key);
          set.add(key);
        } else {
          for (let k = base; k < starts.length && !dup; k++) dup = sameKey(starts[k], ends[k], i, end);
          starts.push(i);
          ends.push(end);
          if (starts.length - base > SMALL_OBJECT_KEYS) {
            set = new Set();
            for (let k = base; k < starts.length; k++) set.add(text.slice(starts[k], ends[k]));
            sets[top] = set;
          }
        }
        if (dup) out.push({ key: JSON.parse(text.slice(i, end)) as string, offset: i });
        expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE) { bases.push(starts.length); sets.push(undefined); expectKey = true; }
    else if (c === OPEN_BRACKET) { bases.push(-1); sets.push(undefined); expectKey = false; }
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      const base = bases.pop()!;
      sets.pop();
      if (base >= 0) { starts.length = base; ends.length = base; }
      expectKey = false;
    } else if (c === COMMA) expectKey = bases.length > 0 && bases[bases.length - 1] >= 0;
    i++;
  }
  return out;
}

/** Maps offsets to 1-based line numbers; the line table is built once, on first use. */
export class LineTable {
  readonly #text: string;
  #starts: number[] | undefined;
  constructor(text: string) {
    this.#text = text;
  }
  /** The 1-based line holding `offset`. */
  lineOf(offset: number): number {
    if (!this.#starts) {
      const starts = [0];
      let i = -1;
      while ((i = this.#text.indexOf('\n', i + 1)) >= 0) starts.push(i + 1);
      this.#starts = starts;
    }
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
