// Tungsten Fabric / Contrail config API objects, shaped as the config API takes them (POST /<type> with
// `{"<type>": {...}}`). Everything lives under the global `default-policy-management`.

/** The parent of every object np2dfw creates. */
export const POLICY_MANAGEMENT = 'default-policy-management';

/** A config API key/value annotation list. */
export interface KeyValuePairs {
  /** The pairs, in order. */
  readonly key_value_pair: readonly { readonly key: string; readonly value: string }[];
}

/** A tag `type=value` (global: fq_name is its name). Workloads carry tags; rule endpoints match them. */
export interface ContrailTag {
  /** `[name]`: a global tag. */
  readonly fq_name: readonly [string];
  /** `type=value`. */
  readonly name: string;
  /** The part before `=`. */
  readonly tag_type_name: string;
  /** The part after `=`. */
  readonly tag_value: string;
}

/** A subnet of an address group. */
export interface ContrailSubnet {
  /** The network address. */
  readonly ip_prefix: string;
  /** The prefix length. */
  readonly ip_prefix_len: number;
}

/** A named set of prefixes. */
export interface AddressGroup {
  /** `[default-policy-management, name]`. */
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  /** Global scope. */
  readonly parent_type: 'policy-management';
  /** Unique among address groups. */
  readonly name: string;
  /** The prefixes (positive CIDRs: an ipBlock minus its excepts). */
  readonly address_group_prefix: { readonly subnet: readonly ContrailSubnet[] };
  /** Where the group comes from. */
  readonly annotations?: KeyValuePairs;
}

/** One end of a firewall rule: workloads carrying every tag, the addresses of an address group, or anything. */
export interface FirewallRuleEndpoint {
  /** Tag names (`type=value`), all of which the workload must carry. */
  readonly tags?: readonly string[];
  /** The address group's fq_name joined with `:`. */
  readonly address_group?: string;
  /** Anything, outside addresses included. */
  readonly any?: boolean;
}

/** A port range, both ends included. */
export interface PortRange {
  /** First port. */
  readonly start_port: number;
  /** Last port. */
  readonly end_port: number;
}

/** A rule's service: `any`, or a protocol with source and destination port ranges. */
export interface FirewallService {
  /** `any` or one protocol. */
  readonly protocol: 'any' | 'tcp' | 'udp' | 'sctp';
  /** Always every port. */
  readonly src_ports: PortRange;
  /** The destination ports (`endPort` kept as the range's end). */
  readonly dst_ports: PortRange;
}

/**
 * `>`: from endpoint_1 to endpoint_2; `<`: from endpoint_2 to endpoint_1; `<>`: both. np2dfw anchors every rule at
 * endpoint_1 (the pods a NetworkPolicy selects, as CN2 shows them): `<` is checked where endpoint_1 receives
 * (ingress), `>` where it sends (egress).
 */
export type FirewallDirection = '>' | '<' | '<>';

/** A firewall rule. */
export interface FirewallRule {
  /** `[default-policy-management, name]`. */
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  /** Global scope. */
  readonly parent_type: 'policy-management';
  /** Unique among rules. */
  readonly name: string;
  /** pass or deny. */
  readonly action_list: { readonly simple_action: 'pass' | 'deny' };
  /** Protocol and destination ports. */
  readonly service: FirewallService;
  /** The workloads the rule is anchored at (the NetworkPolicy's pods). */
  readonly endpoint_1: FirewallRuleEndpoint;
  /** The peer. */
  readonly endpoint_2: FirewallRuleEndpoint;
  /** `<` ingress, `>` egress (see FirewallDirection). */
  readonly direction: FirewallDirection;
  /** Unused (empty). */
  readonly match_tags: { readonly tag_list: readonly string[] };
  /** The NetworkPolicy the rule comes from (cluster, namespace, name, k8s_uuid). */
  readonly annotations?: KeyValuePairs;
}

/** A reference with a sequence (`00001.0`): lower first. */
export interface SequencedRef {
  /** The referred object's fq_name. */
  readonly to: readonly string[];
  /** Its place: a decimal string, compared as a number. */
  readonly attr: { readonly sequence: string };
}

/** A firewall policy: rules in sequence order. */
export interface FirewallPolicy {
  /** `[default-policy-management, name]`. */
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  /** Global scope. */
  readonly parent_type: 'policy-management';
  /** `<cluster>-<namespace>-<name>`, `<cluster>-denyall` or `<cluster>-allowall`. */
  readonly name: string;
  /** The rules with their sequence. */
  readonly firewall_rule_refs: readonly SequencedRef[];
  /** The NetworkPolicy it comes from, or `tail: True` for the allow-all tail. */
  readonly annotations?: KeyValuePairs;
}

/** The cluster's application policy set: firewall policies in sequence order. */
export interface ApplicationPolicySet {
  /** `[default-policy-management, <cluster>]`. */
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  /** Global scope. */
  readonly parent_type: 'policy-management';
  /** The cluster's name. */
  readonly name: string;
  /** The firewall policies with their sequence. */
  readonly firewall_policy_refs: readonly SequencedRef[];
  /** `cluster=<name>`: the workloads the set applies to. */
  readonly tag_refs: readonly { readonly to: readonly string[] }[];
  /** Free annotations. */
  readonly annotations?: KeyValuePairs;
}

/** The tags a pod's interface carries (what CN2's kube-manager attaches to its virtual-machine-interface). */
export interface WorkloadTags {
  /** `namespace/name` */
  readonly pod: string;
  /** Tag names, one per type. */
  readonly tags: readonly string[];
}

/** Every object of one Contrail realization. */
export interface ContrailConfig {
  /** Every tag a rule or a workload uses. */
  readonly tags: readonly ContrailTag[];
  /** One per ipBlock peer. */
  readonly addressGroups: readonly AddressGroup[];
  /** Every firewall rule. */
  readonly rules: readonly FirewallRule[];
  /** One per NetworkPolicy, then deny-all, then the allow-all tail. */
  readonly policies: readonly FirewallPolicy[];
  /** The cluster's set. */
  readonly applicationPolicySet: ApplicationPolicySet;
  /** The tags of every pod, as np2dfw's tagging scheme gives them. */
  readonly workloads: readonly WorkloadTags[];
}

/** The sequence string kube-manager writes: the number zero-padded to 5 digits, `.0`. */
export function sequenceOf(n: number): string {
  return `${String(Math.trunc(n)).padStart(5, '0')}.${String(n).includes('.') ? String(n).split('.')[1] : '0'}`;
}
