// The reference engine's literal answer for one direction of one connection: the policies that isolate the
// subject, then the first rule, peer and port that allows (the slow path, checked against the class-level one,
// and what explain prints).
import type { Cluster } from '../../k8s/cluster.ts';
import { effectiveRules, policyId, type NetworkPolicy, type PolicyType } from '../../k8s/network-policy.ts';
import { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import { isSelfTraffic } from '../core/self-traffic.ts';
import type { Endpoint } from '../endpoint.ts';
import type { AllowingRule, DirectionExplanation } from './direction-explanation.ts';
import { formatPolicyPort, peerMatches, policySelects, portMatches } from './endpoint-match.ts';

/** The policies of each namespace, in policy order. */
export function policiesByNamespace(policies: readonly NetworkPolicy[]): Map<string, NetworkPolicy[]> {
  const byNamespace = new Map<string, NetworkPolicy[]>();
  for (const p of policies) {
    let list = byNamespace.get(p.namespace);
    if (!list) byNamespace.set(p.namespace, (list = []));
    list.push(p);
  }
  return byNamespace;
}

/** The policies that isolate an endpoint in a direction (never an external or hostNetwork one), in order. */
export function isolatingPoliciesOf(byNamespace: ReadonlyMap<string, readonly NetworkPolicy[]>, e: Endpoint, direction: PolicyType): NetworkPolicy[] {
  if (e.kind !== 'pod' || e.pod.hostNetwork) return [];
  return (byNamespace.get(e.pod.namespace) ?? []).filter((p) => p.policyTypes.includes(direction) && policySelects(p, e));
}

/** The first rule, peer and port of the isolating policies that allows the connection, if any. */
function firstAllowingRule(cluster: Cluster, isolating: readonly NetworkPolicy[], c: Connection, direction: PolicyType): AllowingRule | undefined {
  const other = direction === 'Ingress' ? c.src : c.dst;
  const section = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersField = direction === 'Ingress' ? 'from' : 'to';
  for (const p of isolating) {
    const rules = effectiveRules(p, direction);
    for (let ri = 0; ri < rules.length; ri++) {
      const rule = rules[ri];
      let peerIndex: number | undefined;
      if (rule.peers) {
        peerIndex = rule.peers.findIndex((peer) => peerMatches(peer, p, other, cluster.namespaces));
        if (peerIndex < 0) continue;
      }
      let portIndex: number | undefined;
      if (rule.ports) {
        portIndex = rule.ports.findIndex((port) => portMatches(port, c, c.dst));
        if (portIndex < 0) continue;
      }
      return {
        policy: policyId(p),
        uid: p.uid,
        direction,
        ruleIndex: ri,
        ...(peerIndex !== undefined ? { peerIndex } : {}),
        ...(portIndex !== undefined ? { portIndex, port: formatPolicyPort(rule.ports![portIndex]) } : {}),
        path: `spec.${section}[${ri}]${peerIndex !== undefined ? `.${peersField}[${peerIndex}]` : ''}`,
      };
    }
  }
  return undefined;
}

/** One direction of a connection, literally: self, not enforced, not isolated, allowed by a rule, or denied. */
export function explainDirectionLiterally(cluster: Cluster, byNamespace: ReadonlyMap<string, readonly NetworkPolicy[]>, c: Connection, direction: PolicyType): DirectionExplanation {
  const subject = direction === 'Ingress' ? c.dst : c.src;
  const isolating = isolatingPoliciesOf(byNamespace, subject, direction);
  const base = { direction, subject: subject.id, isolatedBy: isolating.map(policyId) };
  if (isSelfTraffic(c.src, c.dst)) return { ...base, verdict: 'Accept', reason: 'self' };
  if (subject.kind === 'external') return { ...base, verdict: 'Next', reason: 'external' };
  if (subject.pod.hostNetwork) return { ...base, verdict: 'Next', reason: 'host-network' };
  if (isolating.length === 0) return { ...base, verdict: 'Next', reason: 'not-isolated' };
  const allowedBy = firstAllowingRule(cluster, isolating, c, direction);
  return allowedBy ? { ...base, verdict: 'Accept', reason: 'allowed', allowedBy } : { ...base, verdict: 'Deny', reason: 'denied' };
}

/** The matrix of a query decided one connection at a time (the cross-check of the class-level matrix). */
export function matrixOfConnections(endpoints: readonly Endpoint[], query: PortQuery, allowed: (c: Connection) => boolean): BitMatrix {
  const m = new BitMatrix(endpoints.length, endpoints.length);
  for (let i = 0; i < endpoints.length; i++) {
    for (let j = 0; j < endpoints.length; j++) {
      if (allowed({ src: endpoints[i], dst: endpoints[j], protocol: query.protocol, port: query.port })) m.set(i, j);
    }
  }
  return m;
}
