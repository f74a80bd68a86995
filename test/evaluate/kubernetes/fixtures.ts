// Builders for small clusters written as the Kubernetes objects kubectl would print, loaded through the real
// loader (so that the API server's defaulting applies exactly as for user input).
import type { Cluster } from '../../../src/k8s/cluster.ts';
import { loadClusterFromTexts } from '../../../src/k8s/load-cluster.ts';
import type { Protocol } from '../../../src/k8s/protocol.ts';
import type { Endpoint } from '../../../src/evaluate/endpoint.ts';
import { endpointsOf } from '../../../src/evaluate/endpoints.ts';
import { familyOf } from '../../../src/net/ip-address.ts';
import type { KubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';

type Obj = Record<string, unknown>;

/** A v1 Namespace object. */
export function ns(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A v1 Pod object with the given addresses (status.podIPs) and container ports. */
export function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ips: readonly string[],
  extra: { ports?: { name?: string; containerPort: number; protocol?: Protocol }[]; hostNetwork?: boolean; phase?: string } = {},
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels },
    spec: { hostNetwork: extra.hostNetwork ?? false, containers: [{ name: 'c', image: 'img', ports: extra.ports ?? [] }] },
    status: { phase: extra.phase ?? 'Running', ...(ips.length ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : {}) },
  };
}

/** A networking.k8s.io/v1 NetworkPolicy object. */
export function np(namespace: string, name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

/** Loads objects through the real loader (validation and defaulting included). */
export function load(...objects: Obj[]): Cluster {
  return loadClusterFromTexts([{ name: 'test.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) }]);
}

/** The endpoint of a pod (`ns/name`) at its address of a family, or an external address. */
export function ep(cluster: Cluster, id: string, family: 4 | 6 = 4): Endpoint {
  const f = familyOf(id);
  if (f) return { kind: 'external', id, ip: id, family: f };
  const found = endpointsOf(cluster, family).find((e) => e.id === id);
  if (!found) throw new Error(`no endpoint ${id} (IPv${family})`);
  return found;
}

/** Whether the engine allows `from` -> `to` on `port/protocol` (ids as in `ep`). */
export function allows(engine: KubernetesEngine, from: string, to: string, port: number, protocol: Protocol = 'TCP', family: 4 | 6 = 4): boolean {
  return engine.decide({ src: ep(engine.cluster, from, family), dst: ep(engine.cluster, to, family), protocol, port }).allowed;
}
