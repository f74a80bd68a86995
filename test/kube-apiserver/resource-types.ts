/** The resource types the local API server serves: built-in ones, and those a CustomResourceDefinition adds. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  /** Every version the group serves for this resource (a CRD may serve several). */
  readonly servedVersions: readonly string[];
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly statusSubresource: boolean;
  /** The structural schema of a custom resource (per served version); built-in types are not pruned. */
  readonly schemas?: ReadonlyMap<string, Json>;
  /** Read-only resources of an aggregated API (the Antrea controller's stats): only get, list and watch. */
  readonly readOnly?: boolean;
  /** Whether list items carry kind and apiVersion (custom resources: yes; built-in types: no). */
  readonly crd: boolean;
}

function builtin(group: string, version: string, resource: string, kind: string, namespaced: boolean, shortNames: string[] = []): ResourceType {
  return {
    group, version, servedVersions: [version], resource, singular: kind.toLowerCase(), kind, listKind: `${kind}List`,
    namespaced, shortNames, statusSubresource: ['pods', 'nodes', 'services', 'namespaces', 'ingresses'].includes(resource), crd: false,
  };
}

export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  builtin('', 'v1', 'pods', 'Pod', true, ['po']),
  builtin('', 'v1', 'nodes', 'Node', false, ['no']),
  builtin('', 'v1', 'services', 'Service', true, ['svc']),
  builtin('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
  builtin('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']),
  builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds']),
];

/** Antrea's aggregated stats API (stats.crd.antrea.io/v1alpha1), served by the Antrea controller, read-only. */
export const ANTREA_STATS_TYPES: readonly ResourceType[] = [
  { ...builtin('stats.crd.antrea.io', 'v1alpha1', 'antreaclusternetworkpolicystats', 'AntreaClusterNetworkPolicyStats', false), readOnly: true, crd: true },
  { ...builtin('stats.crd.antrea.io', 'v1alpha1', 'antreanetworkpolicystats', 'AntreaNetworkPolicyStats', true), readOnly: true, crd: true },
  { ...builtin('stats.crd.antrea.io', 'v1alpha1', 'networkpolicystats', 'NetworkPolicyStats', true), readOnly: true, crd: true },
];

/** The resource type a CRD object defines, or an error message as the API server would give it. */
export function typeOfCrd(crd: Json): ResourceType | string {
  const spec = crd.spec as Json | undefined;
  const names = spec?.names as Json | undefined;
  const versions = spec?.versions as Json[] | undefined;
  if (!spec || !names || !Array.isArray(versions) || versions.length === 0) return 'spec.versions: Required value';
  if (typeof spec.group !== 'string' || typeof names.plural !== 'string' || typeof names.kind !== 'string') return 'spec.names: Required value';
  const served = versions.filter((v) => v.served === true);
  const storage = versions.filter((v) => v.storage === true);
  if (storage.length !== 1) return 'spec.versions: Invalid value: must have exactly one version marked as storage version';
  const schemas = new Map<string, Json>();
  for (const v of served) {
    const s = (v.schema as Json | undefined)?.openAPIV3Schema as Json | undefined;
    if (!s) return `spec.versions[${String(v.name)}].schema.openAPIV3Schema: Required value`;
    schemas.set(String(v.name), s);
  }
  const subresources = (served[0]?.subresources ?? {}) as Json;
  return {
    group: spec.group,
    version: String(storage[0].name),
    servedVersions: served.map((v) => String(v.name)),
    resource: names.plural,
    singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
    kind: names.kind,
    listKind: typeof names.listKind === 'string' ? names.listKind : `${names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
    statusSubresource: subresources.status !== undefined,
    schemas,
    crd: true,
  };
}

const CRD_DIR = new URL('./crds/', import.meta.url);

/** Antrea's CRDs as shipped: `current` (main, with ipBlock `except`) or `v2.1.0` (Tier, ClusterGroup and ACNP
 * of v2.1.0, without `except`; the monitoring and Traceflow CRDs of main). */
export function antreaCrds(version: 'current' | 'v2.1.0'): Json[] {
  const files = ['tier.yaml', 'clustergroup.yaml', 'clusternetworkpolicy.yaml', 'traceflow.yaml', 'antreaagentinfo.yaml', 'antreacontrollerinfo.yaml'];
  return files.map((f) => {
    const old = version === 'v2.1.0' && ['tier.yaml', 'clustergroup.yaml', 'clusternetworkpolicy.yaml'].includes(f);
    return parse(readFileSync(new URL(old ? `v2.1.0/${f}` : f, CRD_DIR), 'utf8')) as Json;
  });
}
