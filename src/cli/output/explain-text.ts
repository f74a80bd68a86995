import { formatPort } from '../../evaluate/connection.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { endpointText, type ExplainedDirection, type Explanation } from './explanation.ts';

/** Why an endpoint at the other end can only be matched by ipBlock peers, when that is so. */
function otherEndNote(other: Endpoint): string | undefined {
  if (other.kind === 'external') return `${other.ip} is outside the cluster: only ipBlock peers can match it`;
  if (other.pod.hostNetwork) return `${other.id} uses the host network: selectors never match it, only ipBlock peers (by its node's address ${other.ip})`;
  return undefined;
}

function directionLines(x: Explanation, d: ExplainedDirection): string[] {
  const c = x.connection;
  const subject = d.direction === 'Ingress' ? c.dst : c.src;
  const other = d.direction === 'Ingress' ? c.src : c.dst;
  const dir = d.direction === 'Ingress' ? 'ingress' : 'egress';
  const verdict = d.decision.allowed ? 'allowed' : 'DENIED';
  const lines = [`${dir} of ${subject.id}: ${verdict}`];
  const det = d.detail;
  if (!det) {
    // A --via target: its engine's own words.
    lines.push(`  ${d.decision.by}`, ...d.decision.notes.map((n) => `  ${n}`));
    return lines;
  }
  const isolated = det.isolatedBy.length ? `isolated for ${dir} by ${det.isolatedBy.join(', ')}` : `not isolated for ${dir}`;
  switch (det.reason) {
    case 'self':
      lines.push(`  a pod's traffic to itself is always allowed: no NetworkPolicy can block a pod's access to itself`);
      if (det.isolatedBy.length) lines.push(`  (${subject.id} is ${isolated})`);
      break;
    case 'external':
      lines.push(`  not isolated: ${subject.ip} is outside the cluster, where no NetworkPolicy applies`);
      break;
    case 'host-network':
      lines.push(`  not isolated: ${subject.id} uses the host network (its node's address ${subject.ip}); NetworkPolicies never select such pods`);
      break;
    case 'not-isolated':
      lines.push(`  not isolated: no NetworkPolicy of namespace ${subject.kind === 'pod' ? subject.pod.namespace : '?'} selects ${subject.id} with ${d.direction} in its policyTypes, so all its ${dir} is allowed`);
      break;
    case 'allowed': {
      const a = det.allowedBy!;
      lines.push(`  ${isolated}`);
      lines.push(`  allowed by ${a.policy}, rule spec.${dir}[${a.ruleIndex}]`);
      lines.push(`    peer: ${a.peerIndex === undefined ? `any (the rule has no ${d.direction === 'Ingress' ? 'from' : 'to'})` : `${a.path}: ${d.peer ?? '?'}`}`);
      const named = a.port !== undefined && /^[a-z]/i.test(a.port) && !a.port.startsWith('all ');
      const port = a.port === undefined ? 'any (the rule has no ports)' : named ? `${a.port}, which is ${formatPort(c)} on ${c.dst.id}` : a.port;
      lines.push(`    port: ${port}`);
      break;
    }
    case 'denied': {
      lines.push(`  ${isolated}`);
      lines.push(`  no ${dir} rule of ${det.isolatedBy.length === 1 ? 'that policy' : 'those policies'} allows ${other.id} on ${formatPort(c)}${d.misses?.length ? ':' : ''}`);
      for (const miss of d.misses ?? []) lines.push(`    ${miss}`);
      const note = otherEndNote(other);
      if (note) lines.push(`  note: ${note}`);
      break;
    }
  }
  return lines;
}

/** `np2dfw explain` as text: the verdict, the connection, then egress and ingress with what decided each. */
export function formatExplanationText(x: Explanation): string {
  const c = x.connection;
  const lines = [
    `${c.src.id} -> ${c.dst.id} on ${formatPort(c)}: ${x.allowed ? 'ALLOWED' : 'DENIED'}`,
    `  from ${endpointText(c.src)}`,
    `  to   ${endpointText(c.dst)}`,
    `  by   ${x.engine === 'kubernetes' ? 'the Kubernetes NetworkPolicies' : `the ${x.engine} target`} (allowed only when the source's egress and the destination's ingress both allow)`,
    ...(x.kubernetesAllowed === undefined ? [] : [
      `  the NetworkPolicies themselves: ${x.kubernetesAllowed ? 'ALLOWED' : 'DENIED'} (${x.kubernetesAllowed === x.allowed ? 'the same verdict' : `a DIFFERENT verdict: the ${x.engine} form changes this connection`})`,
    ]),
    '',
    ...directionLines(x, x.egress),
    '',
    ...directionLines(x, x.ingress),
  ];
  return lines.join('\n') + '\n';
}
