// The reference engine's answer for one direction of one connection, in structured form (for `explain -o json`)
// and as the one-line `Decision` every engine gives.
import type { PolicyType } from '../../k8s/network-policy.ts';
import type { Decision, StageVerdict } from '../decision.ts';

/** The first rule (in policy, rule, peer and port order) that allowed a direction. */
export interface AllowingRule {
  /** `namespace/name` of the NetworkPolicy. */
  readonly policy: string;
  /** The policy's uid. */
  readonly uid: string;
  /** The direction of the rule. */
  readonly direction: PolicyType;
  /** Index in spec.ingress or spec.egress. */
  readonly ruleIndex: number;
  /** Index in the rule's `from`/`to`; absent when the rule names no peer (every peer). */
  readonly peerIndex?: number;
  /** Index in the rule's `ports`; absent when the rule names no port (every port). */
  readonly portIndex?: number;
  /** The matching port as written (`80/TCP`, `8000-8080/TCP`, `http/TCP`, `all TCP`); absent = every port. */
  readonly port?: string;
  /** Where the rule is: `spec.ingress[0].from[1]` (or `spec.ingress[0]` when it names no peer). */
  readonly path: string;
}

/** Why a direction was decided as it was. */
export type DirectionReason =
  /** A pod's traffic to itself: always allowed. */
  | 'self'
  /** No policy selects the pod for this direction. */
  | 'not-isolated'
  /** External addresses are never isolated. */
  | 'external'
  /** hostNetwork pods are never selected by a NetworkPolicy. */
  | 'host-network'
  /** Isolated, and a rule allows. */
  | 'allowed'
  /** Isolated, and no rule allows. */
  | 'denied';

/** The structured answer for one direction: who isolates the subject and what allowed, if anything. */
export interface DirectionExplanation {
  readonly direction: PolicyType;
  /** The endpoint whose policies decide: the destination for Ingress, the source for Egress (id as printed). */
  readonly subject: string;
  /** Accept (a rule allowed, or self), Deny (isolated and nothing allowed), Next (not isolated). */
  readonly verdict: StageVerdict;
  readonly reason: DirectionReason;
  /** `namespace/name` of every policy (of the engine's set) that isolates the subject in this direction. */
  readonly isolatedBy: readonly string[];
  /** What allowed, when the verdict is Accept because of a rule. */
  readonly allowedBy?: AllowingRule;
}

/** Both directions of a connection, structured (what `explain -o json` prints). */
export interface ConnectionExplanation {
  /** Allowed when neither direction answers Deny. */
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: DirectionExplanation;
  /** The destination's ingress. */
  readonly ingress: DirectionExplanation;
}

/** The one-line form of an allowing rule: `ns/name spec.ingress[0].from[1] port 80/TCP`. */
export function formatAllowingRule(a: AllowingRule): string {
  return `${a.policy} ${a.path}${a.port ? ` port ${a.port}` : ' any port'}`;
}

/** The structured answer as a `Decision` (one line naming what decided, and notes). */
export function toDecision(x: DirectionExplanation): Decision {
  const dir = x.direction === 'Ingress' ? 'ingress' : 'egress';
  const notes: string[] = [];
  if (x.isolatedBy.length) notes.push(`${x.subject} is isolated for ${dir} by ${x.isolatedBy.join(', ')}`);
  switch (x.reason) {
    case 'self':
      return { allowed: true, by: `a pod's traffic to itself is always allowed (${dir})`, notes };
    case 'not-isolated':
      return { allowed: true, by: `not isolated: no NetworkPolicy selects ${x.subject} for ${dir}`, notes };
    case 'external':
      return { allowed: true, by: `not isolated: ${x.subject} is outside the cluster (${dir})`, notes };
    case 'host-network':
      return { allowed: true, by: `not isolated: ${x.subject} uses the host network; NetworkPolicies do not select it (${dir})`, notes };
    case 'allowed':
      return { allowed: true, by: `allowed by ${formatAllowingRule(x.allowedBy!)}`, notes };
    case 'denied':
      return { allowed: false, by: `denied: ${x.subject} is isolated for ${dir} by ${x.isolatedBy.join(', ')} and no ${dir} rule allows`, notes: notes.slice(1) };
  }
}
