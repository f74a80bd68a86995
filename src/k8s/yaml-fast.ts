/**
 * A fast reader for the plain YAML that `kubectl get -o yaml` prints and people write: block mappings and
 * sequences, plain and single-line quoted scalars, literal block scalars (`|`, `|-`), one-line flow collections
 * (`{}`, `[a, b]`, `{app: web}`), full-line and trailing comments. It is tens of times faster than the general
 * YAML parser, which np2dfw still uses for everything else.
 *
 * It never guesses: on anything outside that subset (anchors, aliases, tags, folded or indented block scalars,
 * multi-line flow or quoted scalars, complex or non-string keys, duplicate keys, numbers other than plain decimal
 * integers, timestamps, any syntax error) it answers BAIL, and the caller parses the document with the general
 * parser, which gives the same value or the right error with its line. Scalars resolve as YAML 1.1 does (kubectl
 * reads YAML 1.1): `yes`/`on`/`y` are true, `no`/`off`/`n` false, `~`/`null`/empty null.
 */

/** The answer for a document outside the supported subset. */
export const BAIL: unique symbol = Symbol('bail');

/** Thrown internally to abandon the fast path. */
class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

const BOOL_TRUE = new Set(['Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SIMPLE_INT = /^(?:0|[1-9][0-9]{0,14})$/;
/**
 * Every other YAML 1.1 scalar type, as the parser's YAML 1.1 schema tests them (binary, octal, signed or
 * underscored or hexadecimal integers, floats, infinities, sexagesimal numbers, timestamps, merge keys): left to
 * the parser.
 */
const OTHER_TYPED = new RegExp([
  '^[-+]?0b[0-1_]+$',
  '^[-+]?0[0-7_]+$',
  '^[-+]?[0-9][0-9_]*$',
  '^[-+]?0x[0-9a-fA-F_]+$',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
  '^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$',
  '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$',
  '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$',
  '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}',
  '^<<$',
].join('|'));
/**
 * Characters that cannot start a plain scalar we accept; `-`, `?` and `:` can when a non-space follows
 * (`--config=x`, `::/0`).
 */
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?:$|[ \t]))/;

/**
 * Parses one YAML document (no `---` line inside) whose root is a mapping. Returns its value, undefined for an
 * empty document, or BAIL.
 */
export function readFastYaml(text: string): unknown {
  try {
    const reader = new Reader(text);
    reader.skipToContent();
    if (reader.done()) return undefined;
    const value = reader.block(reader.indent());
    reader.skipToContent();
    if (!reader.done()) bail();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) bail();
    return value;
  } catch (e) {
    if (e instanceof Bail || e instanceof RangeError) return BAIL;
    throw e;
  }
}

/** The deepest block nesting the fast reader follows; deeper documents go to the general parser, which refuses them. */
const MAX_DEPTH = 100;

class Reader {
  readonly lines: string[];
  pos = 0;
  /** The current line's text after its indentation, comment stripped; set by skipToContent. */
  text = '';
  #indent = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  done(): boolean {
    return this.pos >= this.lines.length;
  }

  indent(): number {
    return this.#indent;
  }

  /** Moves to the next line with content (skipping blank and comment lines) and reads its indentation and text. */
  skipToContent(): void {
    for (; this.pos < this.lines.length; this.pos++) {
      let line = this.lines[this.pos];
      if (line.endsWith('\r')) line = line.slice(0, -1);
      let i = 0;
      while (i < line.length && line.charCodeAt(i) === 32) i++;
      if (i === line.length) continue;
      const c = line.charCodeAt(i);
      if (c === 35) continue; // # comment
      if (c === 9 || line.includes('\t')) bail(); // tabs: indentation errors, or comment and scalar edges
      this.#indent = i;
      this.text = stripComment(line.slice(i));
      return;
    }
  }

  /** Replaces the current line by its remainder at a deeper column (`- key: v` continues as `key: v`). */
  shift(column: number, text: string): void {
    this.#indent = column;
    this.text = text;
  }

  /** How deep the block being read is nested. */
  depth = 0;

  /** A block node starting on the current line, at `indent`. */
  block(indent: number): unknown {
    if (++this.depth > MAX_DEPTH) bail();
    try {
      return this.node(indent);
    } finally {
      this.depth--;
    }
  }

  node(indent: number): unknown {
    const t = this.text;
    if (t === '-' || t.startsWith('- ')) return this.sequence(indent);
    if (entry(t)) return this.mapping(indent);
    const value = inlineValue(t);
    this.pos++;
    this.skipToContent();
    if (!this.done() && this.#indent > indent) bail(); // a multi-line plain scalar
    return value;
  }

  sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (!this.done() && this.#indent === indent && (this.text === '-' || this.text.startsWith('- '))) {
      if (this.text === '-') {
        this.pos++;
        this.skipToContent();
        out.push(!this.done() && this.#indent > indent ? this.block(this.#indent) : null);
        continue;
      }
      const rest = this.text.slice(2);
      let spaces = 0;
      while (spaces < rest.length && rest.charCodeAt(spaces) === 32) spaces++;
      const column = indent + 2 + spaces;
      this.shift(column, rest.slice(spaces));
      if (this.text.startsWith('|') || this.text.startsWith('>')) bail();
      out.push(this.block(column));
    }
    if (!this.done() && this.#indent > indent) bail();
    return out;
  }

  mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (!this.done() && this.#indent === indent) {
      const e = entry(this.text);
      if (!e) bail();
      const { key, rest } = e!;
      if (Object.hasOwn(out, key) || key === '__proto__') bail();
      if (rest === '') {
        this.pos++;
        this.skipToContent();
        if (!this.done() && this.#indent > indent) out[key] = this.block(this.#indent);
        else if (!this.done() && this.#indent === indent && (this.text === '-' || this.text.startsWith('- '))) out[key] = this.sequence(indent);
        else out[key] = null;
      } else if (rest === '|' || rest === '|-') {
        this.pos++;
        out[key] = this.literal(indent, rest === '|-');
        this.skipToContent();
      } else {
        out[key] = inlineValue(rest);
        this.pos++;
        this.skipToContent();
        if (!this.done() && this.#indent > indent) bail();
      }
    }
    if (!this.done() && this.#indent > indent) bail();
    return out;
  }

  /** A literal block scalar's content, from the raw lines after its header (`strip` for `|-`, else clip). */
  literal(parent: number, strip: boolean): string {
    const content: string[] = [];
    let blockIndent = -1;
    for (; this.pos < this.lines.length; this.pos++) {
      let line = this.lines[this.pos];
      if (line.endsWith('\r')) line = line.slice(0, -1);
      let i = 0;
      while (i < line.length && line.charCodeAt(i) === 32) i++;
      if (i === line.length) {
        if (blockIndent >= 0 && i > blockIndent) content.push(line.slice(blockIndent));
        else content.push('');
        continue;
      }
      if (blockIndent < 0) {
        if (i <= parent) break;
        blockIndent = i;
      }
      if (i < blockIndent) {
        if (i > parent) bail();
        break;
      }
      content.push(line.slice(blockIndent));
    }
    // Blank lines after the content belong to what follows, except as the scalar's trailing newlines (clipped).
    while (content.length && content[content.length - 1] === '') content.pop();
    if (content.length === 0) return '';
    return content.join('\n') + (strip ? '' : '\n');
  }
}

/** Drops a trailing ` # comment`; a `#` with quotes on the line is left to the full parser. */
function stripComment(text: string): string {
  let end = text.length;
  const hash = text.indexOf(' #');
  if (hash >= 0) {
    if (text.includes('"') || text.includes("'")) bail();
    end = hash;
  }
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** `key: rest` or `key:` as a block mapping entry; undefined when the line is not one. */
function entry(t: string): { key: string; rest: string } | undefined {
  const c = t.charCodeAt(0);
  if (c === 34 || c === 39) {
    const { value, end } = quoted(t, 0);
    if (t.charCodeAt(end) !== 58) return undefined;
    if (end + 1 < t.length && t.charCodeAt(end + 1) !== 32) return undefined;
    return { key: value, rest: t.slice(end + 1).trimStart() };
  }
  let colon = t.indexOf(': ');
  if (colon < 0) {
    if (!t.endsWith(':')) return undefined;
    colon = t.length - 1;
  }
  if (c === 91 || c === 123) return undefined; // a flow collection (a flow key is left to inlineValue's checks)
  if (INDICATOR.test(t)) bail();
  const key = mapKey(t.slice(0, colon).trimEnd());
  return { key, rest: t.slice(colon + 1).trimStart() };
}

/** A plain key as the parser gives it: resolved as a scalar, then as a string (`y` becomes "true", `.` "NaN"). */
function mapKey(text: string): string {
  if (text === '') bail();
  const v = plain(text);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return bail();
}

/** A value written on the rest of a line: quoted, flow, or plain. */
function inlineValue(t: string): unknown {
  const c = t.charCodeAt(0);
  if (c === 34 || c === 39) {
    const { value, end } = quoted(t, 0);
    if (end !== t.length) bail();
    return value;
  }
  if (c === 91 || c === 123) {
    const flow = new Flow(t);
    const value = flow.value();
    flow.space();
    if (flow.i !== t.length) bail();
    return value;
  }
  if (INDICATOR.test(t) || t.includes(': ') || t.endsWith(':')) bail();
  return plain(t);
}

/** A plain scalar resolved as YAML 1.1 does, or bail when it is of a type left to the full parser. */
function plain(s: string): unknown {
  if (NULLS.has(s)) return null;
  if (BOOL_TRUE.has(s)) return true;
  if (BOOL_FALSE.has(s)) return false;
  if (SIMPLE_INT.test(s)) return Number(s);
  // `.` alone is a float (NaN) to the parser's YAML 1.1 schema; managedFields are full of `.: {}` keys.
  if (s === '.') return Number.NaN;
  if (OTHER_TYPED.test(s)) bail();
  return s;
}

/** A quoted scalar that ends on its line, starting at `i`: its value and the offset just past it. */
function quoted(t: string, i: number): { value: string; end: number } {
  const q = t.charCodeAt(i);
  if (q === 39) {
    let out = '';
    let j = i + 1;
    for (;;) {
      const k = t.indexOf("'", j);
      if (k < 0) bail();
      out += t.slice(j, k);
      if (t.charCodeAt(k + 1) === 39) {
        out += "'";
        j = k + 2;
        continue;
      }
      return { value: out, end: k + 1 };
    }
  }
  let j = i + 1;
  let escaped = false;
  for (; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 92) {
      escaped = true;
      j++;
      // Escapes JSON shares with YAML; the others (\x, \0, \e, \N, \_, \L, \P, \U, \a, \v, \ ) go to the parser.
      if (!'"\\/bfnrtu'.includes(t[j] ?? 'x')) bail();
    } else if (c === 34) break;
    else if (c < 32) bail();
  }
  if (j >= t.length) bail();
  const raw = t.slice(i, j + 1);
  return { value: escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1), end: j + 1 };
}

/** One-line flow collections: `[a, "b", {c: d}]`, `{app: web, tier: "db"}`. */
class Flow {
  i = 0;
  readonly t: string;
  constructor(t: string) {
    this.t = t;
  }

  space(): void {
    while (this.i < this.t.length && this.t.charCodeAt(this.i) === 32) this.i++;
  }

  value(): unknown {
    this.space();
    const c = this.t.charCodeAt(this.i);
    if (c === 91) return this.sequence();
    if (c === 123) return this.mapping();
    if (c === 34 || c === 39) {
      const { value, end } = quoted(this.t, this.i);
      this.i = end;
      return value;
    }
    return plain(this.scalar());
  }

  /** A plain scalar in flow context: up to `,`, a bracket, or `: `. */
  scalar(): string {
    const start = this.i;
    for (; this.i < this.t.length; this.i++) {
      const c = this.t.charCodeAt(this.i);
      if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) break;
      if (c === 58) {
        const n = this.t.charCodeAt(this.i + 1);
        if (Number.isNaN(n) || n === 32 || n === 44 || n === 93 || n === 125) break;
      }
    }
    const s = this.t.slice(start, this.i).trim();
    if (s === '' || INDICATOR.test(s)) bail();
    return s;
  }

  sequence(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.space();
    if (this.t.charCodeAt(this.i) === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      const c = this.t.charCodeAt(this.i);
      if (c === 58) bail(); // a single-pair mapping inside a sequence
      this.i++;
      if (c === 93) return out;
      if (c !== 44) bail();
      this.space();
      if (this.t.charCodeAt(this.i) === 93) bail(); // a trailing comma: left to the parser
    }
  }

  mapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.space();
    if (this.t.charCodeAt(this.i) === 125) {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      let key: unknown;
      const c = this.t.charCodeAt(this.i);
      if (c === 34 || c === 39) {
        const q = quoted(this.t, this.i);
        this.i = q.end;
        key = q.value;
      } else {
        key = mapKey(this.scalar());
      }
      this.space();
      if (this.t.charCodeAt(this.i) !== 58) bail();
      this.i++;
      const k = key as string;
      if (Object.hasOwn(out, k) || k === '__proto__') bail();
      this.space();
      const n = this.t.charCodeAt(this.i);
      if (n === 44 || n === 125) bail(); // an empty value: left to the parser
      out[k] = this.value();
      this.space();
      const d = this.t.charCodeAt(this.i);
      this.i++;
      if (d === 125) return out;
      if (d !== 44) bail();
    }
  }
}
