import type { RawObject } from '../parse-documents.ts';
import { newSink, type ProblemSink } from './field-problem.ts';
import { validateNamespace } from './namespace.ts';
import { validateNetworkPolicy } from './network-policy.ts';
import { validatePod } from './pod.ts';

/**
 * Validates one object of a kind np2dfw reads (Namespace, Pod, NetworkPolicy) with the API server's rules.
 * Returns every error found (an empty list means the object can be decoded) and the warnings the API server
 * would give for it.
 */
export function validateObject(raw: RawObject): ProblemSink {
  const sink = newSink();
  switch (raw.kind) {
    case 'Namespace': validateNamespace(raw, sink); break;
    case 'Pod': validatePod(raw, sink); break;
    case 'NetworkPolicy': validateNetworkPolicy(raw, sink); break;
    default: sink.errors.push({ path: ['kind'], message: `Unsupported value: ${JSON.stringify(raw.kind)}: supported values: "Namespace", "NetworkPolicy", "Pod"` });
  }
  return sink;
}
