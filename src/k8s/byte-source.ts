import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * The bytes of one input, read in order through a small window or all at once. On this project's machines (and
 * virtual machines in general) memory touched for the first time is expensive: a 58 MiB file read whole costs
 * about 0.4 s before its first byte is looked at, the same file through a 4 MiB window a tenth of that. A file is
 * read through a window; standard input and pipes, which cannot be read twice, are kept whole.
 */
export interface ByteSource {
  /** The number of bytes. */
  readonly size: number;
  /**
   * The byte at `offset`, for reading forward: bytes are taken from a window that moves forward as they are asked
   * for (going back re-reads). Hot loops take `window` instead.
   */
  window(offset: number): ByteWindow;
  /** Bytes [start, end) decoded: as Latin-1 (each byte one character) when `ascii`, as UTF-8 otherwise. */
  text(start: number, end: number, ascii: boolean): string;
  /** Every byte, in one buffer (for the general parsers, which need the whole text). */
  whole(): Uint8Array;
}

/** A run of bytes starting at `start`, the offset of `bytes[0]` in the source. */
export interface ByteWindow {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** Bytes held in memory. */
export class MemoryBytes implements ByteSource {
  readonly #bytes: Buffer;
  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get size(): number {
    return this.#bytes.length;
  }
  window(offset: number): ByteWindow {
    return offset < this.#bytes.length ? { start: 0, bytes: this.#bytes } : { start: offset, bytes: EMPTY };
  }
  text(start: number, end: number, ascii: boolean): string {
    return this.#bytes.toString(ascii ? 'latin1' : 'utf8', start, end);
  }
  whole(): Uint8Array {
    return this.#bytes;
  }
}

const EMPTY = new Uint8Array(0);

/** The size of a file's read window. */
export const WINDOW_BYTES = 4 << 20;

/** What a problem says of a file that changed while it was read. */
export const FILE_CHANGED = 'changed while np2dfw read it: read it again when it is written';

/** Thrown when a file read through a window is found to have changed since it was first read. */
export class FileChangedError extends Error {
  readonly file: string;
  constructor(file: string) {
    super(`${file}: changed while np2dfw read it`);
    this.file = file;
  }
}

/**
 * A regular file read through a window of WINDOW_BYTES (bytes beyond it for a text longer than that). Every read
 * checks that the file is still the one first read (same inode, size and modification time): a file rewritten
 * meanwhile throws FileChangedError rather than mixing two versions.
 */
export class FileBytes implements ByteSource {
  readonly path: string;
  readonly size: number;
  readonly #identity: string;
  readonly #windowBytes: number;
  #window: Buffer = Buffer.alloc(0);
  #start = 0;
  #length = 0;
  /** The file at `path` as `stats` describe it, read `windowBytes` at a time. */
  constructor(path: string, stats: Stats, windowBytes = WINDOW_BYTES) {
    this.path = path;
    this.size = stats.size;
    this.#identity = identityOf(stats);
    this.#windowBytes = Math.max(1, windowBytes);
  }
  window(offset: number): ByteWindow {
    if (offset < this.#start || offset >= this.#start + this.#length) this.#fill(offset, Math.min(this.#windowBytes, this.size - offset));
    if (offset >= this.#start + this.#length) return { start: offset, bytes: EMPTY };
    return { start: this.#start, bytes: this.#window.subarray(0, this.#length) };
  }
  text(start: number, end: number, ascii: boolean): string {
    if (start < this.#start || end > this.#start + this.#length) this.#fill(start, Math.max(end - start, Math.min(this.#windowBytes, this.size - start)));
    return this.#window.toString(ascii ? 'latin1' : 'utf8', start - this.#start, end - this.#start);
  }
  whole(): Uint8Array {
    const out = Buffer.allocUnsafe(this.size);
    this.#read(out, 0, this.size);
    return out;
  }
  /** Reads `length` bytes from `offset` into the window (grown when a text needs more). */
  #fill(offset: number, length: number): void {
    if (this.#window.length < length) this.#window = Buffer.allocUnsafe(Math.max(length, Math.min(this.#windowBytes, this.size)));
    this.#start = offset;
    this.#length = 0;
    this.#length = this.#read(this.#window, offset, Math.max(0, length));
  }
  #read(into: Buffer, offset: number, length: number): number {
    const fd = openSync(this.path, 'r');
    try {
      if (identityOf(fstatSync(fd)) !== this.#identity) throw new FileChangedError(this.path);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, into, done, length - done, offset + done);
        if (n === 0) throw new FileChangedError(this.path);
        done += n;
      }
      return done;
    } finally {
      closeSync(fd);
    }
  }
}

function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
