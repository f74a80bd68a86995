// The adapter's RBAC rules (deploy/adapter/rbac.yaml) as the API server's RBAC authorizer applies them.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { RequestRecord } from '../kube-apiserver/kube-apiserver.ts';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }

export interface Rbac { readonly cluster: Rule[]; readonly namespaced: Map<string, Rule[]> }

export function loadRbac(file: URL): Rbac {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string }; rules?: Rule[] });
  const cluster = docs.filter((d) => d.kind === 'ClusterRole').flatMap((d) => d.rules ?? []);
  const namespaced = new Map<string, Rule[]>();
  for (const d of docs.filter((x) => x.kind === 'Role')) namespaced.set(d.metadata.namespace!, [...(namespaced.get(d.metadata.namespace!) ?? []), ...(d.rules ?? [])]);
  return { cluster, namespaced };
}

function ruleAllows(r: Rule, q: RequestRecord): boolean {
  const resource = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  if (!r.apiGroups.includes(q.group) && !r.apiGroups.includes('*')) return false;
  if (!r.resources.includes(resource) && !r.resources.includes('*')) return false;
  if (!r.verbs.includes(q.verb) && !r.verbs.includes('*')) return false;
  if (r.resourceNames && r.resourceNames.length) return q.name !== undefined && r.resourceNames.includes(q.name);
  return true;
}

/** Whether the rules allow the request (ClusterRole everywhere, Roles in their namespace). */
export function allows(rbac: Rbac, q: RequestRecord): boolean {
  if (rbac.cluster.some((r) => ruleAllows(r, q))) return true;
  return q.namespace !== undefined && (rbac.namespaced.get(q.namespace) ?? []).some((r) => ruleAllows(r, q));
}
