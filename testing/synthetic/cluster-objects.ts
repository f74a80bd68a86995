// A cluster back into the Kubernetes objects kubectl would print (`kubectl get ns,pods,networkpolicies -A -o
// json` items), so that synthetic clusters can be written to files and read by the CLI, the lab and the server.
import type { Cluster } from '../../src/k8s/cluster.ts';
import type { LabelSelector } from '../../src/k8s/labels.ts';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule } from '../../src/k8s/network-policy.ts';
import type { Pod } from '../../src/k8s/pod.ts';

/** A Kubernetes object as plain JSON. */
export type KubernetesObject = Record<string, unknown>;

function selectorObject(s: LabelSelector): KubernetesObject {
  const out: KubernetesObject = {};
  if (Object.keys(s.matchLabels).length) out.matchLabels = { ...s.matchLabels };
  if (s.matchExpressions.length) {
    out.matchExpressions = s.matchExpressions.map((r) => (r.values.length ? { key: r.key, operator: r.operator, values: [...r.values] } : { key: r.key, operator: r.operator }));
  }
  return out;
}

function peerObject(p: PolicyPeer): KubernetesObject {
  if (p.ipBlock) return { ipBlock: p.ipBlock.except.length ? { cidr: p.ipBlock.cidr, except: [...p.ipBlock.except] } : { cidr: p.ipBlock.cidr } };
  const out: KubernetesObject = {};
  if (p.podSelector) out.podSelector = selectorObject(p.podSelector);
  if (p.namespaceSelector) out.namespaceSelector = selectorObject(p.namespaceSelector);
  return out;
}

function portObject(p: PolicyPort): KubernetesObject {
  const out: KubernetesObject = { protocol: p.protocol };
  if (p.port !== undefined) out.port = p.port;
  if (p.endPort !== undefined) out.endPort = p.endPort;
  return out;
}

function ruleObject(r: PolicyRule, peersField: 'from' | 'to'): KubernetesObject {
  const out: KubernetesObject = {};
  if (r.peers) out[peersField] = r.peers.map(peerObject);
  if (r.ports) out.ports = r.ports.map(portObject);
  return out;
}

/** A NetworkPolicy object (networking.k8s.io/v1) with explicit policyTypes. */
export function networkPolicyObject(p: NetworkPolicy): KubernetesObject {
  const spec: KubernetesObject = { podSelector: selectorObject(p.podSelector), policyTypes: [...p.policyTypes] };
  if (p.ingress.length) spec.ingress = p.ingress.map((r) => ruleObject(r, 'from'));
  if (p.egress.length) spec.egress = p.egress.map((r) => ruleObject(r, 'to'));
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: p.namespace, name: p.name, uid: p.uid }, spec };
}

/** A Pod object (v1) with one container carrying the pod's ports, and its status. */
export function podObject(p: Pod): KubernetesObject {
  const spec: KubernetesObject = {
    containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', ports: p.ports.map((c) => (c.name ? { name: c.name, containerPort: c.port, protocol: c.protocol } : { containerPort: c.port, protocol: c.protocol })) }],
  };
  if (p.hostNetwork) spec.hostNetwork = true;
  if (p.nodeName) spec.nodeName = p.nodeName;
  const status: KubernetesObject = {};
  if (p.phase) status.phase = p.phase;
  if (p.ips.length) {
    status.podIP = p.ips[0];
    status.podIPs = p.ips.map((ip) => ({ ip }));
  }
  const metadata: KubernetesObject = { namespace: p.namespace, name: p.name, labels: { ...p.labels } };
  if (p.uid) metadata.uid = p.uid;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

/** Every namespace, pod and policy of a cluster as Kubernetes objects, in that order. */
export function clusterObjects(cluster: Cluster): KubernetesObject[] {
  return [
    ...[...cluster.namespaces.values()].map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: { ...n.labels } } })),
    ...cluster.pods.map(podObject),
    ...cluster.policies.map(networkPolicyObject),
  ];
}

/** The cluster as one `kind: List` (what `kubectl get ... -o json` prints). */
export function clusterList(cluster: Cluster): KubernetesObject {
  return { apiVersion: 'v1', kind: 'List', items: clusterObjects(cluster) };
}
