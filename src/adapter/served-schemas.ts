/**
 * The CRD schemas the API server actually serves: they decide which fields survive pruning. The adapter reads them
 * from the server (not from the Antrea release it was built for) and prunes with them through the project's one
 * pruning implementation (src/realize/antrea/validate/prune.ts): before Antrea 2.2 (no ipBlock `except`) it writes
 * the positive CIDRs instead (src/realize/antrea/for-version.ts), and any other field the server would drop makes
 * the policy an ERROR rather than a policy that silently means something else.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from './kube-http.ts';
import { at, isObject, type Json } from './kube-object.ts';

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
