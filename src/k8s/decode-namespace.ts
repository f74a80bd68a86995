import { decodeLabels } from './decode-selector.ts';
import type { Namespace } from './namespace.ts';
import type { RawObject } from './parse-documents.ts';

/** A validated v1 Namespace object into the model. */
export function decodeNamespace(raw: RawObject): Namespace {
  const meta = raw.body.metadata as { name: string; labels?: unknown; uid?: string };
  return { name: meta.name, labels: decodeLabels(meta.labels), uid: meta.uid, declared: true, source: raw.source };
}
