import type { Endpoint } from '../../evaluate/endpoint.ts';
import type { ExplainedDirection, Explanation } from './explanation.ts';

function endpointJson(e: Endpoint): Record<string, unknown> {
  if (e.kind === 'external') return { id: e.id, kind: 'external', ip: e.ip };
  return { id: e.id, kind: 'pod', ip: e.ip, hostNetwork: e.pod.hostNetwork };
}

function directionJson(d: ExplainedDirection): Record<string, unknown> {
  const out: Record<string, unknown> = { allowed: d.decision.allowed, by: d.decision.by, notes: d.decision.notes };
  if (d.detail) {
    out.verdict = d.detail.verdict;
    out.reason = d.detail.reason;
    out.isolatedBy = d.detail.isolatedBy;
    if (d.detail.allowedBy) out.allowedBy = { ...d.detail.allowedBy, ...(d.peer ? { peerText: d.peer } : {}) };
    if (d.misses) out.misses = d.misses;
  }
  return out;
}

/**
 * `np2dfw explain -o json`: `{engine, from, to, protocol, port, allowed, egress, ingress}`, and with `--via`
 * `kubernetesAllowed` (the NetworkPolicies' own verdict, to compare with `allowed`); each direction has
 * `allowed`, `by`, `notes`, and from the reference engine also `verdict` (Accept|Deny|Next), `reason`,
 * `isolatedBy`, `allowedBy` (policy, uid, ruleIndex, peerIndex, portIndex, port, path, peerText) and, when denied,
 * `misses` (why each rule of the isolating policies did not allow).
 */
export function formatExplanationJson(x: Explanation): string {
  const c = x.connection;
  return JSON.stringify({
    engine: x.engine,
    from: endpointJson(c.src),
    to: endpointJson(c.dst),
    protocol: c.protocol,
    port: c.port,
    allowed: x.allowed,
    ...(x.kubernetesAllowed === undefined ? {} : { kubernetesAllowed: x.kubernetesAllowed }),
    egress: directionJson(x.egress),
    ingress: directionJson(x.ingress),
  }, null, 2) + '\n';
}
