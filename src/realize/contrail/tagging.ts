// np2dfw's tagging scheme: the tags each pod carries, which CN2's kube-manager (or any labeler) attaches to the
// pod's interface. Contrail tags match by equality only, and an object carries one tag of a type, so every label
// gets a type of its own, and the selector operators that equality cannot say get derived tags, computed from the
// labels for exactly the keys and values the policies use:
//   pod:<key>=<value>        the pod's label            ns:<key>=<value>        its namespace's label
//   pod-has:<key>=true       Exists                     ns-has:<key>=true
//   pod-lacks:<key>=true     DoesNotExist               ns-lacks:<key>=true
//   pod-not:<key>:<v>=true   NotIn (one per value)      ns-not:<key>:<v>=true
//   port:<PROTO>/<name>=<n>  the number of a named container port
//   in:<address group>=true  an address of the pod is in the group (for named ports towards an ipBlock)
//   namespace=<name>, cluster=<name>
// Label keys have no `:` and label values no `:`, so no two of these types collide.
import type { Cluster } from '../../k8s/cluster.ts';
import type { Labels } from '../../k8s/labels.ts';
import type { Pod } from '../../k8s/pod.ts';
import { cidrHoldsIp } from '../../net/ip-block.ts';

/** `namespace=<name>`: every pod of the namespace. */
export function namespaceTag(namespace: string): string {
  return `namespace=${namespace}`;
}

/** `cluster=<name>`: every pod of the cluster. */
export function clusterTag(cluster: string): string {
  return `cluster=${cluster}`;
}

/** Which side of a selector a tag describes: the pod's labels or its namespace's. */
export type LabelSide = 'pod' | 'ns';

/** `<side>:<key>=<value>`: a label. */
export function labelTag(side: LabelSide, key: string, value: string): string {
  return `${side}:${key}=${value}`;
}

/** `<side>-has:<key>=true`: the label key is present (Exists). */
export function hasTag(side: LabelSide, key: string): string {
  return `${side}-has:${key}=true`;
}

/** `<side>-lacks:<key>=true`: the label key is absent (DoesNotExist). */
export function lacksTag(side: LabelSide, key: string): string {
  return `${side}-lacks:${key}=true`;
}

/** `<side>-not:<key>:<value>=true`: the label is absent or has another value (one value of NotIn). */
export function notTag(side: LabelSide, key: string, value: string): string {
  return `${side}-not:${key}:${value}=true`;
}

/** `port:<PROTO>/<name>=<number>`: the pod's container port of that name and protocol. */
export function namedPortTag(protocol: string, name: string, port: number): string {
  return `port:${protocol}/${name}=${port}`;
}

/** A tag's type and value (split at the last `=`: values have none). */
export function splitTag(tag: string): { type: string; value: string } {
  const eq = tag.lastIndexOf('=');
  return { type: tag.slice(0, eq), value: tag.slice(eq + 1) };
}

/** The keys and values the policies' selectors use with Exists, DoesNotExist and NotIn, and the named ports. */
export class DerivedTagUse {
  readonly has = { pod: new Set<string>(), ns: new Set<string>() };
  readonly lacks = { pod: new Set<string>(), ns: new Set<string>() };
  /** `key\0value` */
  readonly not = { pod: new Set<string>(), ns: new Set<string>() };
  /** `PROTO/name` */
  readonly namedPorts = new Set<string>();
  /** Address groups whose member pods carry `in:<name>=true`, with their CIDRs. */
  readonly addressGroups = new Map<string, readonly string[]>();
}

/** `in:<address group>=true`: an address of the pod is in the group. */
export function inGroupTag(group: string): string {
  return `in:${group}=true`;
}

function derivedLabelTags(side: LabelSide, labels: Labels, use: DerivedTagUse): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels)) out.push(labelTag(side, k, v));
  for (const k of use.has[side]) if (Object.hasOwn(labels, k)) out.push(hasTag(side, k));
  for (const k of use.lacks[side]) if (!Object.hasOwn(labels, k)) out.push(lacksTag(side, k));
  for (const kv of use.not[side]) {
    const [k, v] = kv.split('\0');
    if (labels[k] !== v) out.push(notTag(side, k, v));
  }
  return out;
}

/**
 * The tags of a pod: its cluster, its namespace, its labels and its namespace's labels, the derived tags the
 * policies need, and its named ports. hostNetwork pods have no interface of their own and carry none.
 */
export function podTags(cluster: Cluster, pod: Pod, use: DerivedTagUse): string[] {
  if (pod.hostNetwork) return [];
  const out = [clusterTag(cluster.name), namespaceTag(pod.namespace)];
  out.push(...derivedLabelTags('pod', pod.labels, use));
  const ns = cluster.namespaces.get(pod.namespace);
  out.push(...derivedLabelTags('ns', ns?.labels ?? { 'kubernetes.io/metadata.name': pod.namespace }, use));
  for (const [group, cidrs] of use.addressGroups) {
    if (pod.ips.some((ip) => cidrs.some((c) => cidrHoldsIp(c, ip)))) out.push(inGroupTag(group));
  }
  const seen = new Set<string>();
  for (const p of pod.ports) {
    const key = `${p.protocol}/${p.name}`;
    // The first port of a name and protocol is the one a NetworkPolicy resolves to.
    if (p.name && use.namedPorts.has(key) && !seen.has(key)) out.push(namedPortTag(p.protocol, p.name, p.port));
    seen.add(key);
  }
  return out;
}
