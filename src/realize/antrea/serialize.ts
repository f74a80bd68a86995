import { allAntreaObjects, type AntreaObjects } from './antrea-objects.ts';
import { yamlDocument } from './yaml-text.ts';

/** The objects as a multi-document YAML stream (`---` between documents), as `kubectl apply -f -` takes it. */
export function antreaObjectsToYaml(objects: AntreaObjects): string {
  return allAntreaObjects(objects).map((o) => `---\n${yamlDocument(o)}`).join('');
}

/** The objects as a `kind: List` JSON document, as `kubectl apply -f -` takes it. */
export function antreaObjectsToJson(objects: AntreaObjects): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: allAntreaObjects(objects) }, null, 2)}\n`;
}
