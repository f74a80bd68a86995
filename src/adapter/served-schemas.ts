/**
 * What the API server would keep of an object: the CRD's structural schema as the server serves it decides which
 * fields survive pruning. The adapter reads the schemas from the server (not from the Antrea release it was built
 * for) and never writes an object with a field the server would drop: an Antrea before v2.2 has no ipBlock
 * `except`, and a policy that needs one is an ERROR rather than a policy that silently means something else.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from './kube-http.ts';
import { at, isObject, type Json } from './kube-object.ts';

const OBJECT_META = new Set(['name', 'namespace', 'labels', 'annotations', 'resourceVersion', 'uid', 'generation', 'ownerReferences', 'finalizers']);

/** The paths (`spec.ingress[0].from[0].ipBlock.except`) the schema would prune from the object. */
export function prunedFields(object: Json, schema: Json): string[] {
  const out: string[] = [];
  const walk = (v: unknown, s: Json | undefined, path: string): void => {
    if (!s) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, isObject(s.items) ? s.items : undefined, `${path}[${i}]`));
      return;
    }
    if (!isObject(v) || s['x-kubernetes-preserve-unknown-fields'] === true) return;
    const props = isObject(s.properties) ? s.properties : undefined;
    const extra = isObject(s.additionalProperties) ? s.additionalProperties : undefined;
    for (const [k, x] of Object.entries(v)) {
      const sub = props && isObject(props[k]) ? props[k] as Json : extra;
      const p = path ? `${path}.${k}` : k;
      if (!sub) out.push(p);
      else walk(x, sub, p);
    }
  };
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      if (isObject(v)) for (const mk of Object.keys(v)) if (!OBJECT_META.has(mk)) out.push(`metadata.${mk}`);
      continue;
    }
    const props = at(schema, 'properties');
    const sub = isObject(props) && isObject(props[k]) ? props[k] as Json : undefined;
    if (!sub) out.push(k);
    else walk(v, sub, k);
  }
  return out;
}

/** The served schema of each kind of crd.antrea.io/v1beta1 the adapter writes, read from the API server. */
export async function readServedSchemas(kc: KubeConfig, kinds: readonly { kind: string; plural: string }[], group: string, version: string): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  for (const k of kinds) {
    const crd = await kubeRequest(kc, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${k.plural}.${group}`);
    const versions = at(crd, 'spec', 'versions');
    if (!Array.isArray(versions)) throw new Error(`CustomResourceDefinition ${k.plural}.${group}: no spec.versions`);
    const served = versions.find((v) => isObject(v) && v.name === version && v.served === true);
    const schema = at(served, 'schema', 'openAPIV3Schema');
    if (!isObject(schema)) throw new Error(`CustomResourceDefinition ${k.plural}.${group}: version ${version} is not served (Antrea too old or too new for this adapter)`);
    out.set(k.kind, schema);
  }
  return out;
}
