/** The NSX Policy API paths of the objects np2dfw creates (domain `default`). */
export const DOMAIN_PATH = '/infra/domains/default';

export function groupPath(id: string): string {
  return `${DOMAIN_PATH}/groups/${id}`;
}

export function securityPolicyPath(id: string): string {
  return `${DOMAIN_PATH}/security-policies/${id}`;
}

export function rulePath(policyId: string, ruleId: string): string {
  return `${securityPolicyPath(policyId)}/rules/${ruleId}`;
}

/** The path of an Antrea cluster registered to NSX (its cluster control plane). */
export function clusterControlPlanePath(clusterId: string): string {
  return `/infra/sites/default/enforcement-points/default/cluster-control-planes/${clusterId}`;
}

/** The id at the end of a path. */
export function idOfPath(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
