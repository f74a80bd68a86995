// Naming one end of a connection in words: `NAMESPACE/POD` or an IP address, resolved in a cluster. Shared by
// `np2dfw explain` and the console's trace; each caller turns a problem into its own kind of error.
import type { Cluster } from '../k8s/cluster.ts';
import { podId, podIsLive, type Pod } from '../k8s/pod.ts';
import { familyOf, type Family } from '../net/ip-address.ts';
import { podEndpoint, type Endpoint } from './endpoint.ts';

/** What an endpoint argument named: a pod (by name, or by one of its addresses) or an address outside the cluster. */
export type EndpointArgument =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly ip?: string }
  | { readonly kind: 'external'; readonly ip: string };

/** Makes the caller's error from a message that starts with what was named (`--from x: ...`). */
export type EndpointProblem = (message: string) => Error;

const plainError: EndpointProblem = (m) => new Error(m);

/**
 * Resolves `NAMESPACE/POD`, or an IP address (a live pod's address names that pod; any other address is outside
 * the cluster). `what` names the argument in messages. An unknown or terminated pod is a problem.
 */
export function resolveEndpointArgument(value: string, cluster: Cluster, what: string, fail: EndpointProblem = plainError): EndpointArgument {
  const v = value.trim();
  if (familyOf(v)) {
    const pod = cluster.pods.find((p) => podIsLive(p) && p.ips.includes(v));
    return pod ? { kind: 'pod', pod, ip: v } : { kind: 'external', ip: v };
  }
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(v);
  if (!m) throw fail(`${what} ${value}: give a pod as NAMESPACE/NAME (NAMESPACE/NAME[Kind] for a workload), or an IP address`);
  // `ns/web[Deployment]` names a workload; `ns/web` a Pod, or the one workload of that name when no Pod has it.
  let pod = cluster.pods.find((p) => podId(p) === v);
  if (!pod) {
    const named = cluster.pods.filter((p) => p.namespace === m[1] && p.name === m[2]);
    if (named.length > 1) throw fail(`${what} ${value}: ambiguous; name one of ${named.map(podId).join(', ')}`);
    pod = named[0];
  }
  if (!pod) {
    const inNs = cluster.pods.filter((p) => p.namespace === m[1]).map(podId);
    const hint = inNs.length
      ? `pods of namespace ${m[1]}: ${inNs.slice(0, 10).join(', ')}${inNs.length > 10 ? ', ...' : ''}`
      : `no pod lives in namespace ${m[1]}; namespaces with pods: ${[...new Set(cluster.pods.map((p) => p.namespace))].join(', ') || 'none'}`;
    throw fail(`${what} ${value}: no such pod in the input (${hint})`);
  }
  if (!podIsLive(pod)) {
    const why = pod.ips.length === 0 ? 'has no IP address yet' : `has terminated (phase ${pod.phase})`;
    throw fail(`${what} ${value}: the pod ${why} and takes no part in traffic`);
  }
  return { kind: 'pod', pod };
}

/**
 * The address family of the connection: the family of an address given, else `family`, else IPv4 when both
 * ends have an IPv4 address, else IPv6. Both ends must have an address of that family.
 */
export function connectionFamily(from: EndpointArgument, to: EndpointArgument, family: Family | undefined,
  names: readonly [string, string] = ['--from', '--to'], fail: EndpointProblem = plainError): Family {
  const given = [from.ip, to.ip].filter((ip): ip is string => ip !== undefined);
  const fams = new Set(given.map((ip) => familyOf(ip)!));
  if (fams.size > 1) throw fail(`${names[0]} and ${names[1]} are addresses of different families (${given.join(', ')})`);
  let fam: Family | undefined = given.length ? familyOf(given[0]) : undefined;
  if (fam !== undefined && family !== undefined && fam !== family) throw fail(`--family ${family} contradicts the address ${given[0]}`);
  fam ??= family;
  const has = (a: EndpointArgument, f: Family) => a.kind === 'external' || a.pod.ips.some((ip) => familyOf(ip) === f);
  if (fam === undefined) fam = has(from, 4) && has(to, 4) ? 4 : 6;
  for (const [a, flag] of [[from, names[0]], [to, names[1]]] as const) {
    if (!has(a, fam)) throw fail(`${flag} ${a.kind === 'pod' ? podId(a.pod) : a.ip}: the pod has no IPv${fam} address (its addresses: ${a.kind === 'pod' ? a.pod.ips.join(', ') : ''})`);
  }
  return fam;
}

/** The endpoint an argument names, at its address of the family. */
export function endpointFor(a: EndpointArgument, family: Family): Endpoint {
  if (a.kind === 'external') return { kind: 'external', id: a.ip, ip: a.ip, family };
  const ip = a.ip ?? a.pod.ips.find((x) => familyOf(x) === family)!;
  return podEndpoint(a.pod, ip, family);
}
