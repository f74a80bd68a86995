import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { ChunkedBytes, FILE_CHANGED, FileBytes, FileChangedError, MemoryBytes, type ByteSource } from './byte-source.ts';
import { InvalidInputError, type InputProblem } from './invalid-input.ts';

/** One input text and the name to cite it by. */
export interface InputText {
  readonly name: string;
  readonly text: string;
  /**
   * Found in a folder rather than named with -f: when it holds no Kubernetes object at all (an expected-output
   * file, a values file), it is skipped with a warning instead of refused.
   */
  readonly inFolder?: boolean;
  /**
   * The text's UTF-8 bytes (no byte order mark), checked, when it was read as UTF-8: parsers that work on bytes
   * (the JSON list fast path, parse-documents.ts) use them and never ask for `text`, which is then decoded on
   * first use.
   */
  readonly utf8?: ByteSource;
  /** Whether `utf8` holds only ASCII (each byte one character). */
  readonly ascii?: boolean;
}

/** An input read as UTF-8 bytes: its text is decoded on first use (a 58 MiB file's text is 58 MiB more of memory). */
class Utf8Input implements InputText {
  readonly name: string;
  readonly utf8: ByteSource;
  readonly ascii: boolean;
  readonly inFolder?: boolean;
  #text: string | undefined;
  constructor(name: string, utf8: ByteSource, ascii: boolean, inFolder: boolean) {
    this.name = name;
    this.utf8 = utf8;
    this.ascii = ascii;
    if (inFolder) this.inFolder = true;
  }
  get text(): string {
    this.#text ??= this.utf8.text(0, this.utf8.size, this.ascii);
    return this.#text;
  }
}

/** What standard input gives: text, bytes, or bytes in the chunks they were read in (kept as they are). */
export type StdinContent = string | Uint8Array | readonly Uint8Array[];

function isChunks(content: StdinContent): content is readonly Uint8Array[] {
  return Array.isArray(content);
}

/** How `-f` arguments are read. */
export interface ReadOptions {
  /** `-R`: a folder's sub-folders too, as kubectl reads them. */
  readonly recursive?: boolean;
  /** How many bytes of a file are read at a time (byte-source.ts; tests make it small). */
  readonly windowBytes?: number;
}

/** The largest input np2dfw reads, per file or from stdin (kubectl's own limit for a request body is far smaller). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads `-f` arguments like kubectl: a file, a folder (its .yaml, .yml and .json files, in name order; with
 * `recursive` its sub-folders' too, walked in name order, otherwise sub-folders are ignored; other files are
 * ignored), or `-` for standard input (`stdin` supplies it: text or bytes). Inputs must be UTF-8 (a UTF-8 or
 * UTF-16 byte order mark is honoured); binary files are refused. Every unreadable path is reported, then
 * InvalidInputError is thrown.
 */
export function readInputs(paths: readonly string[], stdin: () => StdinContent = readStdin, options: ReadOptions = {}): InputText[] {
  const problems: InputProblem[] = [];
  const out = readInputsReporting(paths, problems, stdin, options);
  if (problems.length) throw new InvalidInputError(problems);
  return out;
}

/** readInputs, appending the problems to `problems` instead of throwing: the readable inputs are returned. */
export function readInputsReporting(
  paths: readonly string[],
  problems: InputProblem[],
  stdin: () => StdinContent = readStdin,
  options: ReadOptions = {},
): InputText[] {
  const out: InputText[] = [];
  const add = (name: string, content: StdinContent, inFolder: boolean) => {
    if (isChunks(content)) {
      const input = checkedInput(name, new ChunkedBytes(content), inFolder, problems);
      if (input) out.push(input);
      return;
    }
    if (typeof content !== 'string') {
      const input = decodeBytes(name, content, problems, inFolder);
      if (input) out.push(input);
      return;
    }
    const text = checkText(name, content, problems);
    if (text !== undefined) out.push(inFolder ? { name, text, inFolder } : { name, text });
  };
  for (const path of paths) {
    if (path === '-') {
      add('<stdin>', stdin(), false);
      continue;
    }
    let st;
    try {
      st = statSync(path);
    } catch {
      problems.push({ file: path, path: [], message: 'no such file or directory' });
      continue;
    }
    let files: string[];
    if (st.isDirectory()) {
      const found = manifestsOfFolder(path, options.recursive === true, problems);
      if (!found) continue;
      files = found.files;
      if (files.length === 0) {
        const hint = found.subFolders && !options.recursive ? ' (it has sub-folders: -R reads them too)' : '';
        problems.push({ file: path, path: [], message: `the folder holds no .yaml, .yml or .json file${hint}` });
      }
    } else {
      files = [path];
    }
    for (const file of files) {
      const stats = statSync(file);
      const size = stats.size;
      if (size > MAX_INPUT_BYTES) {
        problems.push({ file, path: [], message: `refused: the file is ${size} bytes, more than the ${MAX_INPUT_BYTES} np2dfw reads` });
        continue;
      }
      try {
        if (st.isFile() || st.isDirectory()) {
          const input = readFileInput(file, stats, st.isDirectory(), problems, options.windowBytes);
          if (input) out.push(input);
        } else {
          add(file, readBounded(file), false);
        }
      } catch (e) {
        if (e instanceof InvalidInputError) {
          problems.push(...e.problems);
          continue;
        }
        problems.push({ file, path: [], message: `cannot read: ${(e as Error).message}` });
      }
    }
  }
  return out;
}

/**
 * The manifest files of a folder in name order; with `recursive`, each sub-folder's in its place of that order
 * (as kubectl walks them). A folder reached twice through symbolic links is read once. Undefined when the folder
 * cannot be read (reported).
 */
function manifestsOfFolder(folder: string, recursive: boolean, problems: InputProblem[]): { files: string[]; subFolders: boolean } | undefined {
  const files: string[] = [];
  let subFolders = false;
  const visited = new Set<string>();
  const walk = (dir: string, top: boolean): boolean => {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(dir);
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push({ file: dir, path: [], message: `cannot read the folder: ${(e as Error).message}` });
      return false;
    }
    if (visited.has(real)) return true;
    visited.add(real);
    for (const name of names) {
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        subFolders = true;
        if (recursive) walk(full, false);
      } else if (st.isFile() && MANIFEST_EXTENSIONS.has(extname(name).toLowerCase())) {
        files.push(full);
      }
    }
    return top;
  };
  return walk(folder, true) ? { files, subFolders } : undefined;
}

const UTF16LE = new TextDecoder('utf-16le', { fatal: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true });

/**
 * Bytes into an input: UTF-8 (its BOM dropped) or UTF-16 with a BOM; anything else is refused as not text. UTF-8
 * is checked whole (isAscii, then isUtf8 only when some byte is not ASCII) and kept as bytes, its text decoded on
 * first use; control characters are looked for in the bytes (a UTF-8 sequence of several bytes holds none below
 * 0x80, so a byte below 0x20 is that character).
 */
function decodeBytes(name: string, bytes: Uint8Array, problems: InputProblem[], inFolder: boolean): InputText | undefined {
  let text: string;
  try {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) text = UTF16LE.decode(bytes.subarray(2));
    else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) text = UTF16BE.decode(bytes.subarray(2));
    else {
      const ascii = isAscii(bytes);
      if (!ascii && !isUtf8(bytes)) throw new TypeError('not UTF-8');
      const utf8 = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
      const bad = firstControlByte(utf8);
      if (bad >= 0) {
        let line = 1;
        for (let i = utf8.indexOf(10); i >= 0 && i < bad; i = utf8.indexOf(10, i + 1)) line++;
        problems.push({ file: name, line, path: [], message: controlCharacterMessage(utf8[bad]) });
        return undefined;
      }
      return new Utf8Input(name, new MemoryBytes(utf8), ascii, inFolder);
    }
  } catch {
    problems.push({ file: name, path: [], message: 'refused: not UTF-8 text (a binary file?); np2dfw reads YAML and JSON' });
    return undefined;
  }
  const checked = checkText(name, text, problems);
  if (checked === undefined) return undefined;
  return inFolder ? { name, text: checked, inFolder } : { name, text: checked };
}

/**
 * A regular file, checked as decodeBytes checks it but through a window (byte-source.ts). A file rewritten while it
 * is read is refused.
 */
function readFileInput(file: string, stats: Stats, inFolder: boolean, problems: InputProblem[], windowBytes?: number): InputText | undefined {
  const source = new FileBytes(file, stats, windowBytes);
  try {
    return checkedInput(file, source, inFolder, problems);
  } catch (e) {
    if (e instanceof FileChangedError) {
      problems.push({ file, path: [], message: FILE_CHANGED });
      return undefined;
    }
    throw e;
  }
}

/**
 * Bytes from a source read in pieces (a file's window, standard input's chunks), checked as decodeBytes checks
 * them, one piece at a time: UTF-8 (isAscii per piece, isUtf8 where some byte is not ASCII, a character cut by the
 * piece's end carried to the next) without control characters. Bytes with a byte order mark, or with a problem,
 * go through decodeBytes whole, which reports exactly as it always has.
 */
function checkedInput(name: string, source: ByteSource, inFolder: boolean, problems: InputProblem[]): InputText | undefined {
  const whole = () => decodeBytes(name, source.whole(), problems, inFolder);
  const head: number[] = [];
  for (let at = 0; head.length < 3 && at < source.size;) {
    const w = source.window(at);
    for (const b of w.bytes.subarray(at - w.start, at - w.start + 3 - head.length)) head.push(b);
    at = w.start + w.bytes.length;
  }
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xef && head[1] === 0xbb))) return whole();
  let ascii = true;
  let carry: Uint8Array | undefined;
  for (let at = 0; at < source.size;) {
    const w = source.window(at);
    const chunk = w.bytes.subarray(at - w.start);
    if (chunk.length === 0) break;
    at += chunk.length;
    if (firstControlByte(chunk) >= 0) return whole();
    if (carry === undefined && isAscii(chunk)) continue;
    ascii = false;
    const joined = carry ? Buffer.concat([carry, chunk]) : chunk;
    const cut = incompleteTail(joined);
    if (!isUtf8(joined.subarray(0, cut))) return whole();
    carry = cut < joined.length ? Uint8Array.from(joined.subarray(cut)) : undefined;
  }
  if (carry) return whole();
  return new Utf8Input(name, source, ascii, inFolder);
}

/** Where a UTF-8 character that the end of `bytes` cuts starts (bytes.length when none is cut). */
function incompleteTail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let k = end - 1; k >= 0 && k >= end - 4; k--) {
    const b = bytes[k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return end - k < need ? k : end;
  }
  return end;
}

/** The control characters YAML forbids in a text (all of C0 but tab, line feed and carriage return). */
const CONTROL_CHARACTERS = [...Array(32).keys()].filter((c) => c !== 9 && c !== 10 && c !== 13);

/** The offset of the first forbidden control character in UTF-8 bytes, or -1 (one memchr per character). */
function firstControlByte(bytes: Uint8Array): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let first = -1;
  for (const c of CONTROL_CHARACTERS) {
    const at = buf.indexOf(c);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

function controlCharacterMessage(code: number): string {
  return `refused: control character U+${code.toString(16).toUpperCase().padStart(4, '0')} (a binary file?); np2dfw reads YAML and JSON text`;
}

/** Refuses text holding NUL or other C0 control characters that YAML forbids (the mark of a binary file). */
function checkText(name: string, text: string, problems: InputProblem[]): string | undefined {
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split('\n').length;
    problems.push({ file: name, line, path: [], message: controlCharacterMessage(bad[0].charCodeAt(0)) });
    return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a file descriptor to its end, refusing more than MAX_INPUT_BYTES (stdin, pipes: no size known ahead). */
function readFd(fd: number, name: string): Buffer[] {
  const chunks: Buffer[] = [];
  let total = 0;
  // Each chunk is filled before the next is made, and kept as it is: no copy, no concatenation.
  let chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let filled = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk, filled, chunk.length - filled, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) {
      throw new InvalidInputError([{ file: name, path: [], message: `refused: more than the ${MAX_INPUT_BYTES} bytes np2dfw reads` }]);
    }
    filled += n;
    if (filled === chunk.length) {
      chunks.push(chunk);
      chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      filled = 0;
    }
  }
  if (filled) chunks.push(chunk.subarray(0, filled));
  return chunks;
}

/** The size of the chunks standard input and pipes are read in. */
const READ_CHUNK_BYTES = 1 << 20;

/** A named pipe or device given as a path (`-f <(kubectl get ...)`): read with the same bound as stdin. */
function readBounded(path: string): Buffer[] {
  const fd = openSync(path, 'r');
  try {
    return readFd(fd, path);
  } finally {
    closeSync(fd);
  }
}

function readStdin(): Buffer[] {
  try {
    return readFd(0, '<stdin>');
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError([{ file: '<stdin>', path: [], message: `cannot read standard input: ${(e as Error).message}` }]);
  }
}
