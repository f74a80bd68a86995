import type { FieldPath } from '../field-path.ts';
import { invalid, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { booleanField, listField, objectField, stringField } from './shape.ts';

/**
 * ValidateOwnerReferences: each reference names an apiVersion, a kind, a name and a uid, and at most one is the
 * controller. np2dfw reads the controller to know which workload a pod belongs to.
 */
export function validateOwnerReferences(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const controllers: string[] = [];
  listField(sink, value, path)?.forEach((item, i) => {
    const ref = objectField(sink, item, [...path, i]);
    if (!ref) {
      if (item === null) sink.errors.push(required([...path, i]));
      return;
    }
    for (const field of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      const text = stringField(sink, ref[field], [...path, i, field]);
      if (ref[field] === undefined || ref[field] === null || text === '') sink.errors.push(required([...path, i, field]));
    }
    const name = typeof ref.name === 'string' ? ref.name : '';
    if (name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
      sink.errors.push(invalid([...path, i, 'name'], name, 'may not be \'.\' or \'..\' and may not contain \'/\' or \'%\''));
    }
    if (booleanField(sink, ref.controller, [...path, i, 'controller']) === true) controllers.push(`${String(ref.kind)}/${name}`);
    booleanField(sink, ref.blockOwnerDeletion, [...path, i, 'blockOwnerDeletion']);
  });
  if (controllers.length > 1) {
    sink.errors.push(invalid(path, controllers, 'Only one reference can have Controller set to true'));
  }
}
