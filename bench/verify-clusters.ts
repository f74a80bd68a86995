// The clusters verify is measured on. `portsAndBlocks`: the shape of issue 15's measurement (5,000 pods,
// about 1,000 policies, 100+ TCP port classes, ipBlocks with excepts cutting the pods' addresses into many atoms):
// Antrea's large-namespaces shape at x0.05 (5 namespaces, 100 label classes of 10 pods each, 505 policies),
// plus one policy per label class that allows a port range from an ipBlock (with an except) and to another.
import { buildCluster, type Cluster } from '../src/k8s/cluster.ts';
import type { NetworkPolicy } from '../src/k8s/network-policy.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';

/** 10.0.a.b for the n-th /26 of 10.0.0.0/16 (the pods' addresses start at 10.0.0.1). */
function block26(n: number): string {
  return `10.0.${(n >> 2) & 255}.${(n & 3) * 64}/26`;
}

/** The issue's 5,000-pod cluster with port ranges and ipBlocks. */
export function portsAndBlocks(): Cluster {
  const base = generateCluster('large-namespaces', { seed: 1, scale: 0.05, egress: 'mirror' });
  const extra: NetworkPolicy[] = [];
  const namespaces = [...new Set(base.pods.map((p) => p.namespace))];
  namespaces.forEach((ns, k) => {
    for (let i = 0; i < 100; i++) {
      const n = k * 100 + i;
      const labels = { [`app-${i}`]: `scale-${i}` };
      const first = 1000 + (n % 25) * 20;
      const cidr = block26(n % 90);
      const except = [`${cidr.split('/')[0].replace(/\.(\d+)$/, (_, d) => `.${Number(d) + 16}`)}/28`];
      extra.push({
        namespace: ns,
        name: `ranges-${i}`,
        uid: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
        podSelector: { matchLabels: labels, matchExpressions: [] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ peers: [{ ipBlock: { cidr, except } }], ports: [{ protocol: 'TCP', port: first, endPort: first + 9 }] }],
        egress: [{ peers: [{ ipBlock: { cidr: block26(100 + (n % 90)), except: [] } }], ports: [{ protocol: 'TCP', port: first + 5, endPort: first + 14 }] }],
      });
    }
  });
  return buildCluster(base.name, { namespaces: [...base.namespaces.values()], pods: base.pods, policies: [...base.policies, ...extra] });
}
