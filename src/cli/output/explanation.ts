import type { Connection } from '../../evaluate/connection.ts';
import type { Decision } from '../../evaluate/decision.ts';
import type { Endpoint } from '../../evaluate/endpoint.ts';
import type { DirectionExplanation } from '../../evaluate/kubernetes/direction-explanation.ts';
import type { PolicyType } from '../../k8s/network-policy.ts';

/** One direction of an explained connection. */
export interface ExplainedDirection {
  /** Egress is decided by the source's policies, Ingress by the destination's. */
  readonly direction: PolicyType;
  /** What every engine says: allowed, the deciding line, notes. */
  readonly decision: Decision;
  /** The reference engine's structured answer (absent for `--via` targets). */
  readonly detail?: DirectionExplanation;
  /** The allowing peer in words (`podSelector role=frontend (pods of namespace default)`), when a peer allowed. */
  readonly peer?: string;
  /**
   * When the reference engine denied: for each rule of the isolating policies, why it did not allow
   * (`web/frontend spec.ingress[0]: a peer matches; no port matches 9090/TCP (its ports: http/TCP = 8080 here)`).
   */
  readonly misses?: readonly string[];
}

/** What `np2dfw explain` prints: one connection, its verdict, and why, per direction. */
export interface Explanation {
  /** The engine that decided: `kubernetes`, or the `--via` target's. */
  readonly engine: string;
  /** The connection explained: source and destination endpoints (at one address each), protocol, port. */
  readonly connection: Connection;
  /** Allowed only when both directions allow. */
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: ExplainedDirection;
  /** The destination's ingress. */
  readonly ingress: ExplainedDirection;
  /** With `--via`: the verdict of the NetworkPolicies themselves, to show whether the converted form kept it. */
  readonly kubernetesAllowed?: boolean;
}

/** `default/db (10.244.1.10)`, `203.0.113.10 (external)`, `kube-system/x (192.168.10.11, hostNetwork)`. */
export function endpointText(e: Endpoint): string {
  if (e.kind === 'external') return `${e.ip} (outside the cluster)`;
  return `${e.id} (${e.ip}${e.pod.hostNetwork ? ', hostNetwork' : ''})`;
}
