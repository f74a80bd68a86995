import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { InputProblem } from './invalid-input.ts';
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

/**
 * Parses YAML (one or more documents) or JSON into objects. `kind: List` and typed lists (`PodList`, ...) are
 * flattened into their items, each item keeping its own line numbers. Problems are collected, not thrown.
 */
export function parseDocuments(input: InputText, problems: InputProblem[]): RawObject[] {
  const lineCounter = new LineCounter();
  const out: RawObject[] = [];
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(input.text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    problems.push({ file: input.name, path: [], message: `cannot parse: ${(e as Error).message}` });
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  docs.forEach((doc, index) => {
    const docLine = doc.contents?.range ? lineAt(doc.contents.range[0]) : 1;
    if (doc.errors.length) {
      for (const err of doc.errors) {
        const line = err.pos ? lineAt(err.pos[0]) : docLine;
        problems.push({ file: input.name, line, path: [], message: `YAML: ${firstLine(err.message)}` });
      }
      return;
    }
    if (doc.contents === null) return; // an empty document (`---` alone)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const msg = (e as Error).message;
      const why = /alias/i.test(msg) ? `refused: the document expands too many aliases (more than ${MAX_ALIASES}), as an alias bomb does` : msg;
      problems.push({ file: input.name, line: docLine, path: [], message: why });
      return;
    }
    const locate = (prefix: readonly (string | number)[]) => (path: readonly (string | number)[]) => {
      const full = [...prefix, ...path];
      for (let n = full.length; n >= 0; n--) {
        const node = doc.getIn(full.slice(0, n), true);
        if (isNode(node) && node.range) return lineAt(node.range[0]);
      }
      return docLine;
    };
    collect(value, [], `document ${index + 1}`);

    /** `inherited`: kind and apiVersion that a typed list's items may leave out (a PodList's items are Pods). */
    function collect(v: unknown, prefix: (string | number)[], what: string, inherited?: { kind: string; apiVersion: unknown }): void {
      if (out.length >= MAX_OBJECTS_PER_INPUT) {
        if (out.length === MAX_OBJECTS_PER_INPUT) problems.push({ file: input.name, path: [], message: `refused: more than ${MAX_OBJECTS_PER_INPUT} objects` });
        return;
      }
      const lineOf = locate(prefix);
      const line = lineOf([]);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        problems.push({ file: input.name, line, path: [], message: `${what} is not a Kubernetes object (expected a mapping with apiVersion and kind)` });
        return;
      }
      const body = v as Record<string, unknown>;
      const kind = body.kind ?? inherited?.kind;
      const apiVersion = body.apiVersion ?? inherited?.apiVersion;
      if (typeof kind !== 'string' || kind === '') {
        problems.push({ file: input.name, line, path: ['kind'], message: `${what} has no kind` });
        return;
      }
      if (kind === 'List' || (kind.endsWith('List') && Array.isArray(body.items))) {
        const items = body.items;
        if (!Array.isArray(items)) {
          problems.push({ file: input.name, line, path: ['items'], message: `${kind} has no items list` });
          return;
        }
        const itemKind = kind === 'List' ? undefined : { kind: kind.slice(0, -'List'.length), apiVersion };
        items.forEach((item, i) => collect(item, [...prefix, 'items', i], `${kind} item ${i}`, itemKind));
        return;
      }
      if (typeof apiVersion !== 'string' || apiVersion === '') {
        problems.push({ file: input.name, line, path: ['apiVersion'], message: `${kind} has no apiVersion` });
        return;
      }
      out.push({ kind, apiVersion, body, source: { file: input.name, line, lineOf } });
    }
  });
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
