// A group's effective members in one cluster: the live pods its criteria select (at any of their addresses),
// and the addresses it names.
import { compileGroup } from '../../evaluate/dfw/group-membership.ts';
import { podEndpoint } from '../../evaluate/endpoint.ts';
import type { GroupLookup } from '../../model/group-expression.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { podIsLive } from '../../k8s/pod.ts';
import type { Group } from '../../model/group.ts';
import { familyOf } from '../../net/ip-address.ts';

/** A pod of a group, as the console lists it. */
export interface MemberView {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
}

/** The pods of a cluster that are members of the group (child groups found by `lookup`), in pod order. */
export function podMembers(group: Group, cluster: Cluster, lookup?: GroupLookup): MemberView[] {
  const compiled = compileGroup(group, cluster.namespaces, lookup);
  const out: MemberView[] = [];
  for (const pod of cluster.pods) {
    if (!podIsLive(pod)) continue;
    const member = pod.ips.some((ip) => compiled.has(podEndpoint(pod, ip, familyOf(ip)!)));
    if (member) out.push({ cluster: cluster.name, namespace: pod.namespace, name: pod.name, labels: pod.labels, ips: pod.ips });
  }
  return out;
}

/** The addresses and ranges a group names (its IPAddressExpressions). */
export function addressMembers(group: Group): string[] {
  return group.expression.flatMap((e) => (e.resource_type === 'IPAddressExpression' ? e.ip_addresses : []));
}

/** Whether a member matches a search: a substring of `namespace/name` or of an address, or a `key=value` label. */
export function memberMatches(m: MemberView, q: string): boolean {
  const s = q.trim().toLowerCase();
  if (!s) return true;
  if (`${m.namespace}/${m.name}`.toLowerCase().includes(s)) return true;
  if (m.ips.some((ip) => ip.includes(s))) return true;
  return Object.entries(m.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(s));
}
