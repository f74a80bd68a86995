import type { RawObject } from '../parse-documents.ts';
import { invalid, notSupported } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateLabelSelector } from './label-selector.ts';
import { dns1123SubdomainErrors } from './names.ts';
import { validateObjectMeta } from './object-meta.ts';
import { validatePolicyPeer } from './policy-peer.ts';
import { validatePolicyPort } from './policy-port.ts';
import { listField, objectField, rejectUnknownFields, stringField } from './shape.ts';

const TOP_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const SPEC_FIELDS: ReadonlySet<string> = new Set(['podSelector', 'ingress', 'egress', 'policyTypes']);
const INGRESS_RULE_FIELDS: ReadonlySet<string> = new Set(['from', 'ports']);
const EGRESS_RULE_FIELDS: ReadonlySet<string> = new Set(['to', 'ports']);
const POLICY_TYPES = ['Ingress', 'Egress'] as const;

/**
 * ValidateNetworkPolicy (networking.k8s.io/v1) on creation, with the strict decoder's unknown-field check from
 * the top down to every rule, peer and port: `spec.ingres` is an error, not a silently dropped rule list.
 * `status` (printed by older servers) is accepted as it is.
 */
export function validateNetworkPolicy(raw: RawObject, sink: ProblemSink): void {
  const body = raw.body;
  rejectUnknownFields(sink, body, [], TOP_FIELDS);
  validateObjectMeta(sink, body.metadata, dns1123SubdomainErrors, true);
  const spec = objectField(sink, body.spec, ['spec']);
  if (!spec) return;
  rejectUnknownFields(sink, spec, ['spec'], SPEC_FIELDS);
  validateLabelSelector(sink, spec.podSelector, ['spec', 'podSelector']);
  validateRules(sink, spec.ingress, 'ingress', 'from', INGRESS_RULE_FIELDS);
  validateRules(sink, spec.egress, 'egress', 'to', EGRESS_RULE_FIELDS);
  validatePolicyTypes(sink, spec.policyTypes);
}

function validateRules(sink: ProblemSink, value: unknown, direction: 'ingress' | 'egress', peersKey: 'from' | 'to', known: ReadonlySet<string>): void {
  const rules = listField(sink, value, ['spec', direction]);
  rules?.forEach((item, i) => {
    const path = ['spec', direction, i];
    const rule = objectField(sink, item, path);
    if (!rule) return;
    rejectUnknownFields(sink, rule, path, known);
    listField(sink, rule.ports, [...path, 'ports'])?.forEach((p, j) => validatePolicyPort(sink, p, [...path, 'ports', j]));
    listField(sink, rule[peersKey], [...path, peersKey])?.forEach((p, j) => validatePolicyPeer(sink, p, [...path, peersKey, j]));
  });
}

/**
 * At most two entries, each Ingress or Egress. Kubernetes lets a value repeat (the list is atomic, not a set), so
 * a repeat is only a warning here.
 */
function validatePolicyTypes(sink: ProblemSink, value: unknown): void {
  const path = ['spec', 'policyTypes'];
  const types = listField(sink, value, path);
  if (!types) return;
  if (types.length > POLICY_TYPES.length) {
    sink.errors.push(invalid(path, types, 'may not specify more than two policyTypes'));
    return;
  }
  const seen = new Set<string>();
  types.forEach((t, i) => {
    const s = t === null ? '' : stringField(sink, t, [...path, i]);
    if (s === undefined) return;
    if (!(POLICY_TYPES as readonly string[]).includes(s)) sink.errors.push(notSupported([...path, i], s, POLICY_TYPES));
    else if (seen.has(s)) sink.warnings.push({ path: [...path, i], message: `Duplicate value: ${JSON.stringify(s)}: accepted, as Kubernetes does; it has no effect` });
    seen.add(s);
  });
}
