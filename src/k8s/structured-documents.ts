// Reads an input that is not made of Kubernetes objects (an NSX API body, a Contrail config) as plain JSON or YAML
// documents, with the same guards as Kubernetes input: size, nesting depth and alias expansion.
import { parseAllDocuments } from 'yaml';
import type { InputProblem } from './invalid-input.ts';
import { nestingDepthExceeds } from './nesting-depth.ts';
import { MAX_ALIASES, MAX_NESTING, MAX_YAML_CHARS } from './parse-documents.ts';
import type { InputText } from './read-inputs.ts';

/** The documents of one input (JSON: one; YAML: one per `---`), or none with the problems appended. */
export function structuredDocuments(input: InputText, problems: InputProblem[]): unknown[] {
  const refuse = (message: string, line?: number) => problems.push({ file: input.name, ...(line ? { line } : {}), path: [], message });
  const text = input.text.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') { refuse('empty input'); return []; }
  if (nestingDepthExceeds(text, MAX_NESTING)) { refuse(`refused: nested more than ${MAX_NESTING} levels deep`); return []; }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return [JSON.parse(text)];
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      // not JSON: it may be YAML flow style, which the YAML parser decides
    }
  }
  if (text.length > MAX_YAML_CHARS) { refuse(`refused: YAML larger than ${MAX_YAML_CHARS} characters (give JSON)`); return []; }
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length) {
      for (const err of doc.errors.slice(0, 10)) refuse(`not valid JSON or YAML: ${err.message.split('\n')[0]}`, err.linePos?.[0].line);
      return [];
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      refuse(`refused: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
    if (value !== null && value !== undefined) out.push(value);
  }
  if (out.length === 0) refuse('no document in the input');
  return out;
}
