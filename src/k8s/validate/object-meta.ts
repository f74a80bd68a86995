import type { FieldPath } from '../field-path.ts';
import { forbidden, invalid, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateLabelMap } from './labels.ts';
import { dns1123LabelErrors } from './names.ts';
import { validateOwnerReferences } from './owner-references.ts';
import { objectField, rejectUnknownFields, stringField } from './shape.ts';

/** Every field of ObjectMeta. The ones np2dfw does not read (managedFields, annotations, ...) are accepted as they are. */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

/** How an object's name is checked: DNS-1123 subdomain (Pod, NetworkPolicy) or label (Namespace). */
export type NameRule = (name: string) => string[];

/**
 * ValidateObjectMeta on creation: a name (by the kind's rule), a namespace that is a DNS-1123 label (namespaced
 * kinds; absent means `default`, as kubectl sends it) or none at all (cluster-scoped kinds), valid labels, and no
 * field ObjectMeta does not have (a typo like `lables` would silently drop the labels).
 */
export function validateObjectMeta(sink: ProblemSink, value: unknown, nameRule: NameRule, namespaced: boolean): void {
  const path: FieldPath = ['metadata'];
  if (value === undefined || value === null) {
    sink.errors.push(required(['metadata', 'name'], 'name or generateName is required'));
    return;
  }
  const meta = objectField(sink, value, path);
  if (!meta) return;
  rejectUnknownFields(sink, meta, path, OBJECT_META_FIELDS);
  const name = stringField(sink, meta.name, ['metadata', 'name']);
  if (meta.name === undefined || meta.name === null || name === '') {
    const generated = typeof meta.generateName === 'string' && meta.generateName !== '';
    sink.errors.push(
      required(['metadata', 'name'], generated
        ? 'name or generateName is required (np2dfw needs the name the API server generated: read the object back with kubectl get)'
        : 'name or generateName is required'),
    );
  } else if (name !== undefined) {
    for (const msg of nameRule(name)) sink.errors.push(invalid(['metadata', 'name'], name, msg));
  }
  const namespace = stringField(sink, meta.namespace, ['metadata', 'namespace']);
  if (namespaced) {
    if (namespace) for (const msg of dns1123LabelErrors(namespace)) sink.errors.push(invalid(['metadata', 'namespace'], namespace, msg));
  } else if (namespace) {
    sink.errors.push(forbidden(['metadata', 'namespace'], 'not allowed on this type'));
  }
  stringField(sink, meta.uid, ['metadata', 'uid']);
  validateLabelMap(sink, meta.labels, ['metadata', 'labels']);
  validateOwnerReferences(sink, meta.ownerReferences, ['metadata', 'ownerReferences']);
}
