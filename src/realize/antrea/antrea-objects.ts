import type { Protocol } from '../../k8s/protocol.ts';

/** The API group and version of every object np2dfw realizes for Antrea. */
export const ANTREA_API_VERSION = 'crd.antrea.io/v1beta1';

/** metav1.LabelSelector as it is written in an Antrea object (both parts optional). */
export interface AntreaLabelSelector {
  /** Exact label matches, ANDed. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Requirements, ANDed with matchLabels. */
  readonly matchExpressions?: readonly {
    /** The label key. */
    readonly key: string;
    /** How the label's value is compared with `values`. */
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    /** For In and NotIn only. */
    readonly values?: readonly string[];
  }[];
}

/** An ipBlock: a CIDR, minus the `except` CIDRs inside it. */
export interface AntreaIPBlock {
  /** The block, `10.0.0.0/8` or `fd00::/8`. */
  readonly cidr: string;
  /** CIDRs strictly inside `cidr` that the block does not match (Antrea 2.2+). */
  readonly except?: readonly string[];
}

/** The metadata np2dfw sets on an object (cluster-scoped: no namespace). */
export interface AntreaObjectMeta {
  /** A DNS-1123 subdomain. */
  readonly name: string;
  /** `app.kubernetes.io/managed-by: np2dfw` and the origin (label values cut to 63 characters). */
  readonly labels: Readonly<Record<string, string>>;
  /** The origin in full, the NSX display name and path where there is one. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** crd.antrea.io/v1beta1 Tier. */
export interface Tier {
  /** Always `crd.antrea.io/v1beta1`. */
  readonly apiVersion: typeof ANTREA_API_VERSION;
  /** The object's kind. */
  readonly kind: 'Tier';
  /** Name, labels, annotations. */
  readonly metadata: AntreaObjectMeta;
  /** The tier's place among tiers. */
  readonly spec: {
    /** 0-255, lower first; unique among tiers. */
    readonly priority: number;
    /** Free text. */
    readonly description?: string;
  };
}

/**
 * crd.antrea.io/v1beta1 ClusterGroup: at most one kind of selection (podSelector and/or namespaceSelector,
 * ipBlocks, or childGroups). A podSelector without namespaceSelector selects pods of every namespace.
 */
export interface ClusterGroup {
  /** Always `crd.antrea.io/v1beta1`. */
  readonly apiVersion: typeof ANTREA_API_VERSION;
  /** The object's kind. */
  readonly kind: 'ClusterGroup';
  /** Name, labels, annotations. */
  readonly metadata: AntreaObjectMeta;
  /** One kind of selection. */
  readonly spec: {
    /** Pods by label, in every namespace unless namespaceSelector narrows them. */
    readonly podSelector?: AntreaLabelSelector;
    /** Every pod of the matching namespaces (ANDed with podSelector when both are set). */
    readonly namespaceSelector?: AntreaLabelSelector;
    /** Addresses, pod addresses included. */
    readonly ipBlocks?: readonly AntreaIPBlock[];
    /** Names of ClusterGroups whose members this group unites (one level only). */
    readonly childGroups?: readonly string[];
  };
}

/** Where a policy or rule applies: a ClusterGroup, or selectors. */
export interface AntreaAppliedTo {
  /** A ClusterGroup's name (alone). */
  readonly group?: string;
  /** Pods by label (every namespace unless namespaceSelector is set too). */
  readonly podSelector?: AntreaLabelSelector;
  /** The pods of the matching namespaces. */
  readonly namespaceSelector?: AntreaLabelSelector;
}

/** A rule's peer: exactly one of a group, selectors (ANDed when both), or an ipBlock. */
export interface AntreaPeer {
  /** A ClusterGroup's name (alone). */
  readonly group?: string;
  /** Pods by label (every namespace unless namespaceSelector is set too). */
  readonly podSelector?: AntreaLabelSelector;
  /** The pods of the matching namespaces. */
  readonly namespaceSelector?: AntreaLabelSelector;
  /** Addresses (alone). */
  readonly ipBlock?: AntreaIPBlock;
}

/** A destination port (or range) of one protocol; `port` may be a container port name. No `port`: every port. */
export interface AntreaPort {
  /** TCP, UDP or SCTP. */
  readonly protocol: Protocol;
  /** A number, or a container port name resolved at each destination pod. */
  readonly port?: number | string;
  /** The last port of a range starting at the numeric `port`. */
  readonly endPort?: number;
}

/** What a rule does to the traffic it matches. Pass hands it to the Kubernetes NetworkPolicies. */
export type AntreaAction = 'Allow' | 'Drop' | 'Reject' | 'Pass';

/** One ingress (`from`) or egress (`to`) rule of a ClusterNetworkPolicy. Absent peers or ports: any. */
export interface AntreaRule {
  /** Unique within the policy. */
  readonly name: string;
  /** What a match does. */
  readonly action: AntreaAction;
  /** The pods the rule applies to (set on every rule, or on none and then on the spec). */
  readonly appliedTo?: readonly AntreaAppliedTo[];
  /** Ingress rules: the sources. */
  readonly from?: readonly AntreaPeer[];
  /** Egress rules: the destinations. */
  readonly to?: readonly AntreaPeer[];
  /** Destination ports; absent = every port and protocol. */
  readonly ports?: readonly AntreaPort[];
}

/** crd.antrea.io/v1beta1 ClusterNetworkPolicy. */
export interface ClusterNetworkPolicy {
  /** Always `crd.antrea.io/v1beta1`. */
  readonly apiVersion: typeof ANTREA_API_VERSION;
  /** The object's kind. */
  readonly kind: 'ClusterNetworkPolicy';
  /** Name, labels, annotations. */
  readonly metadata: AntreaObjectMeta;
  /** Tier, priority, rules. */
  readonly spec: {
    /** The Tier's name; Antrea's default is `application`. */
    readonly tier: string;
    /** 1.0-10000.0, lower first within the tier. */
    readonly priority: number;
    /** Policy-level appliedTo (np2dfw sets it only on a policy without rules). */
    readonly appliedTo?: readonly AntreaAppliedTo[];
    /** Rules checked at the destination, in order. */
    readonly ingress?: readonly AntreaRule[];
    /** Rules checked at the source, in order. */
    readonly egress?: readonly AntreaRule[];
  };
}

/** Every Antrea object of one realization, in the order `kubectl apply` should create them. */
export interface AntreaObjects {
  /** Tiers np2dfw creates (Antrea's static tiers exist already). */
  readonly tiers: readonly Tier[];
  /** Children before their parents. */
  readonly clusterGroups: readonly ClusterGroup[];
  /** The ClusterNetworkPolicies. */
  readonly policies: readonly ClusterNetworkPolicy[];
}

/** Any object np2dfw realizes for Antrea. */
export type AntreaObject = Tier | ClusterGroup | ClusterNetworkPolicy;

/** The objects as one list: tiers, then groups (children before parents), then policies. */
export function allAntreaObjects(objects: AntreaObjects): AntreaObject[] {
  return [...objects.tiers, ...objects.clusterGroups, ...objects.policies];
}
