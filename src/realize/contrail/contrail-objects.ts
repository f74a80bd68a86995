// Tungsten Fabric / Contrail config API objects, shaped as the config API takes them (POST /<type> with
// `{"<type>": {...}}`). Everything lives under the global `default-policy-management`.

/** The parent of every object np2dfw creates. */
export const POLICY_MANAGEMENT = 'default-policy-management';

/** A config API key/value annotation list. */
export interface KeyValuePairs {
  readonly key_value_pair: readonly { readonly key: string; readonly value: string }[];
}

/** A tag `type=value` (global: fq_name is its name). Workloads carry tags; rule endpoints match them. */
export interface ContrailTag {
  readonly fq_name: readonly [string];
  readonly name: string;
  readonly tag_type_name: string;
  readonly tag_value: string;
}

/** A subnet of an address group. */
export interface ContrailSubnet {
  readonly ip_prefix: string;
  readonly ip_prefix_len: number;
}

/** A named set of prefixes. */
export interface AddressGroup {
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  readonly parent_type: 'policy-management';
  readonly name: string;
  readonly address_group_prefix: { readonly subnet: readonly ContrailSubnet[] };
  readonly annotations?: KeyValuePairs;
}

/** One end of a firewall rule: workloads carrying every tag, the addresses of an address group, or anything. */
export interface FirewallRuleEndpoint {
  /** Tag names (`type=value`), all of which the workload must carry. */
  readonly tags?: readonly string[];
  /** The address group's fq_name joined with `:`. */
  readonly address_group?: string;
  readonly any?: boolean;
}

/** A port range, both ends included. */
export interface PortRange {
  readonly start_port: number;
  readonly end_port: number;
}

/** A rule's service: `any`, or a protocol with source and destination port ranges. */
export interface FirewallService {
  readonly protocol: 'any' | 'tcp' | 'udp' | 'sctp';
  readonly src_ports: PortRange;
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
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  readonly parent_type: 'policy-management';
  readonly name: string;
  readonly action_list: { readonly simple_action: 'pass' | 'deny' };
  readonly service: FirewallService;
  readonly endpoint_1: FirewallRuleEndpoint;
  readonly endpoint_2: FirewallRuleEndpoint;
  readonly direction: FirewallDirection;
  readonly match_tags: { readonly tag_list: readonly string[] };
  readonly annotations?: KeyValuePairs;
}

/** A reference with a sequence (`00001.0`): lower first. */
export interface SequencedRef {
  readonly to: readonly string[];
  readonly attr: { readonly sequence: string };
}

/** A firewall policy: rules in sequence order. */
export interface FirewallPolicy {
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  readonly parent_type: 'policy-management';
  readonly name: string;
  readonly firewall_rule_refs: readonly SequencedRef[];
  readonly annotations?: KeyValuePairs;
}

/** The cluster's application policy set: firewall policies in sequence order. */
export interface ApplicationPolicySet {
  readonly fq_name: readonly [typeof POLICY_MANAGEMENT, string];
  readonly parent_type: 'policy-management';
  readonly name: string;
  readonly firewall_policy_refs: readonly SequencedRef[];
  readonly tag_refs: readonly { readonly to: readonly string[] }[];
  readonly annotations?: KeyValuePairs;
}

/** The tags a pod's interface carries (what CN2's kube-manager attaches to its virtual-machine-interface). */
export interface WorkloadTags {
  /** `namespace/name` */
  readonly pod: string;
  readonly tags: readonly string[];
}

/** Every object of one Contrail realization. */
export interface ContrailConfig {
  readonly tags: readonly ContrailTag[];
  readonly addressGroups: readonly AddressGroup[];
  readonly rules: readonly FirewallRule[];
  readonly policies: readonly FirewallPolicy[];
  readonly applicationPolicySet: ApplicationPolicySet;
  /** The tags of every pod, as np2dfw's tagging scheme gives them. */
  readonly workloads: readonly WorkloadTags[];
}

/** The sequence string kube-manager writes: the number zero-padded to 5 digits, `.0`. */
export function sequenceOf(n: number): string {
  return `${String(Math.trunc(n)).padStart(5, '0')}.${String(n).includes('.') ? String(n).split('.')[1] : '0'}`;
}
