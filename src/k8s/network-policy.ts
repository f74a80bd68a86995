import type { LabelSelector } from './labels.ts';
import type { Protocol } from './protocol.ts';
import type { SourceRef } from './source.ts';

/** A direction a policy can isolate. */
export type PolicyType = 'Ingress' | 'Egress';

/** spec.ingress[].from[].ipBlock / spec.egress[].to[].ipBlock */
export interface IPBlock {
  /** A CIDR, IPv4 or IPv6, as written. */
  readonly cidr: string;
  /** CIDRs strictly inside `cidr`, of its family, that the peer does not match. */
  readonly except: readonly string[];
}

/**
 * A NetworkPolicyPeer. Either `ipBlock`, or one or both selectors:
 * podSelector alone = pods of the policy's namespace; namespaceSelector alone = every pod of the matching
 * namespaces; both = pods matching podSelector in namespaces matching namespaceSelector.
 */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

/** A NetworkPolicyPort, defaulted: protocol is always set. */
export interface PolicyPort {
  readonly protocol: Protocol;
  /** A number, a named container port (IANA_SVC_NAME), or absent for every port of the protocol. */
  readonly port?: number | string;
  /** Last port of a range starting at the numeric `port`. */
  readonly endPort?: number;
}

/**
 * An ingress or egress rule. `peers` undefined means the rule had no (or an empty) `from`/`to`: every peer.
 * `ports` undefined means no (or empty) `ports`: every port and protocol.
 */
export interface PolicyRule {
  readonly peers?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

/** A networking.k8s.io/v1 NetworkPolicy after the API server's defaulting. */
export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  /** metadata.uid, or a deterministic UUIDv5 of (cluster, namespace, name) when the input has none. */
  readonly uid: string;
  /** spec.podSelector: the pods of `namespace` the policy applies to. */
  readonly podSelector: LabelSelector;
  /** Defaulted: Ingress always, Egress too when spec.egress is present. */
  readonly policyTypes: readonly PolicyType[];
  /** spec.ingress as written; ignored by every engine when policyTypes lacks Ingress. */
  readonly ingress: readonly PolicyRule[];
  /** spec.egress as written; ignored by every engine when policyTypes lacks Egress. */
  readonly egress: readonly PolicyRule[];
  readonly source?: SourceRef;
}

/** `namespace/name` */
export function policyId(p: Pick<NetworkPolicy, 'namespace' | 'name'>): string {
  return `${p.namespace}/${p.name}`;
}

/** The rules that take effect for a direction: none when the direction is not in policyTypes. */
export function effectiveRules(p: NetworkPolicy, direction: PolicyType): readonly PolicyRule[] {
  if (!p.policyTypes.includes(direction)) return [];
  return direction === 'Ingress' ? p.ingress : p.egress;
}

/** Whether the policy isolates the pods it selects in this direction. */
export function isolates(p: NetworkPolicy, direction: PolicyType): boolean {
  return p.policyTypes.includes(direction);
}
