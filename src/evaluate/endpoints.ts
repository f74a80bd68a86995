import type { Cluster } from '../k8s/cluster.ts';
import { podIsLive } from '../k8s/pod.ts';
import { familyOf, type Family } from '../net/ip-address.ts';
import { podEndpoint, type Endpoint } from './endpoint.ts';

/**
 * The endpoints of a cluster for one address family: every live pod that has an address of that family (in
 * pod order), then the given external addresses of that family. Pods without an IP, and Succeeded or Failed
 * pods, take no part in traffic.
 */
export function endpointsOf(cluster: Cluster, family: Family, externals: readonly string[] = []): Endpoint[] {
  const out: Endpoint[] = [];
  for (const pod of cluster.pods) {
    if (!podIsLive(pod)) continue;
    const ip = pod.ips.find((a) => familyOf(a) === family);
    if (ip) out.push(podEndpoint(pod, ip, family));
  }
  for (const ip of externals) {
    if (familyOf(ip) === family) out.push({ kind: 'external', id: ip, ip, family });
  }
  return out;
}

/**
 * The family reachability is shown for by default: IPv4 when any live pod or external has an IPv4 address,
 * else IPv6.
 */
export function defaultFamily(cluster: Cluster, externals: readonly string[] = []): Family {
  for (const pod of cluster.pods) if (podIsLive(pod) && pod.ips.some((a) => familyOf(a) === 4)) return 4;
  for (const ip of externals) if (familyOf(ip) === 4) return 4;
  return cluster.pods.some((p) => podIsLive(p)) || externals.length ? 6 : 4;
}
