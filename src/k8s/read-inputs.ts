import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InvalidInputError, type InputProblem } from './invalid-input.ts';

/** One input text and the name to cite it by. */
export interface InputText {
  readonly name: string;
  readonly text: string;
}

/** The largest input file np2dfw reads (kubectl's own limit for a request body is far smaller). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads `-f` arguments like kubectl: a file, a folder (its .yaml, .yml and .json files, in name order, not
 * recursive), or `-` for standard input. Every unreadable path is reported, then InvalidInputError is thrown.
 */
export function readInputs(paths: readonly string[], stdin: () => string = readStdin): InputText[] {
  const out: InputText[] = [];
  const problems: InputProblem[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push({ name: '<stdin>', text: stdin() });
      continue;
    }
    let st;
    try {
      st = statSync(path);
    } catch {
      problems.push({ file: path, path: [], message: 'no such file or directory' });
      continue;
    }
    const files = st.isDirectory()
      ? readdirSync(path).filter((f) => MANIFEST_EXTENSIONS.has(extname(f).toLowerCase())).sort().map((f) => join(path, f))
      : [path];
    if (st.isDirectory() && files.length === 0) {
      problems.push({ file: path, path: [], message: 'the folder holds no .yaml, .yml or .json file' });
    }
    for (const file of files) {
      const size = statSync(file).size;
      if (size > MAX_INPUT_BYTES) {
        problems.push({ file, path: [], message: `the file is ${size} bytes, more than the ${MAX_INPUT_BYTES} np2dfw reads` });
        continue;
      }
      try {
        out.push({ name: file, text: readFileSync(file, 'utf8') });
      } catch (e) {
        problems.push({ file, path: [], message: `cannot read: ${(e as Error).message}` });
      }
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
  return out;
}

function readStdin(): string {
  try {
    const buf = readFileSync(0);
    if (buf.length > MAX_INPUT_BYTES) {
      throw new InvalidInputError([{ file: '<stdin>', path: [], message: `more than the ${MAX_INPUT_BYTES} bytes np2dfw reads` }]);
    }
    return buf.toString('utf8');
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError([{ file: '<stdin>', path: [], message: `cannot read standard input: ${(e as Error).message}` }]);
  }
}
