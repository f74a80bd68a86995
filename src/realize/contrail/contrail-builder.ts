// The objects one Contrail realization collects: tags (each created once, on first use), address groups (one per
// ipBlock peer), and firewall rules with names unique across the realization.
import type { NetworkPolicy } from '../../k8s/network-policy.ts';
import { cidrRange } from '../../net/cidr.ts';
import {
  POLICY_MANAGEMENT, sequenceOf, type AddressGroup, type ContrailTag, type FirewallDirection, type FirewallRule,
  type FirewallRuleEndpoint, type FirewallService, type SequencedRef,
} from './contrail-objects.ts';
import { DerivedTagUse, inGroupTag, splitTag } from './tagging.ts';

/** A service of `protocol` towards destination ports `start`..`end` (any source port). */
export function service(protocol: 'any' | 'tcp' | 'udp' | 'sctp', start: number, end: number): FirewallService {
  return { protocol, src_ports: { start_port: 0, end_port: 65535 }, dst_ports: { start_port: start, end_port: end } };
}

/** Any protocol, any port (a new object each time, as every rule has its own). */
export function anyService(): FirewallService {
  return service('any', 0, 65535);
}

/** A reference to `fq` at place `seq` of a list. */
export function refOf(fq: readonly string[], seq: number): SequencedRef {
  return { to: [...fq], attr: { sequence: sequenceOf(seq) } };
}

/** The annotations that tie an object to its NetworkPolicy. */
export function policyAnnotations(cluster: string, policy: NetworkPolicy): { key: string; value: string }[] {
  return [
    { key: 'cluster', value: cluster }, { key: 'namespace', value: policy.namespace },
    { key: 'name', value: policy.name }, { key: 'k8s_uuid', value: policy.uid },
  ];
}

/** What a firewall rule says, before it gets its unique name. */
export interface RuleSpec {
  readonly action: 'pass' | 'deny';
  readonly service: FirewallService;
  /** The workloads the rule is anchored at. */
  readonly endpoint1: FirewallRuleEndpoint;
  /** The peer. */
  readonly endpoint2: FirewallRuleEndpoint;
  readonly direction: FirewallDirection;
  /** The NetworkPolicy the rule comes from (none for the cluster's allow-all tail). */
  readonly policy?: NetworkPolicy;
}

/** Collects the objects of one cluster's realization, in the order they are first used. */
export class ContrailObjectsBuilder {
  /** The cluster's name (annotations, rule names). */
  readonly cluster: string;
  readonly tags = new Map<string, ContrailTag>();
  readonly addressGroups = new Map<string, AddressGroup>();
  readonly rules: FirewallRule[] = [];
  /** The derived tags, named ports and address-group tags the rules use (the workloads' tags follow it). */
  readonly use = new DerivedTagUse();
  readonly #ruleNames = new Set<string>();

  constructor(cluster: string) {
    this.cluster = cluster;
  }

  /** The tag `type=value`, created on first use. */
  useTag(tag: string): string {
    if (!this.tags.has(tag)) {
      const { type, value } = splitTag(tag);
      this.tags.set(tag, { fq_name: [tag], name: tag, tag_type_name: type, tag_value: value });
    }
    return tag;
  }

  /** The address group `name` of `cidrs` (created on first use), as a rule endpoint refers to it. */
  addressGroup(name: string, cidrs: readonly string[], origin: string): string {
    if (!this.addressGroups.has(name)) {
      this.addressGroups.set(name, {
        fq_name: [POLICY_MANAGEMENT, name], parent_type: 'policy-management', name,
        address_group_prefix: { subnet: cidrs.map((c) => ({ ip_prefix: c.slice(0, c.indexOf('/')), ip_prefix_len: cidrRange(c).prefix })) },
        annotations: { key_value_pair: [{ key: 'np2dfw.io/source', value: origin }] },
      });
    }
    return `${POLICY_MANAGEMENT}:${name}`;
  }

  /** A rule named `base` (or `base-2`, `base-3`, ... when taken), added to the realization. */
  rule(base: string, spec: RuleSpec): FirewallRule {
    let name = base;
    for (let k = 2; this.#ruleNames.has(name); k++) name = `${base}-${k}`;
    this.#ruleNames.add(name);
    const r: FirewallRule = {
      fq_name: [POLICY_MANAGEMENT, name], parent_type: 'policy-management', name,
      action_list: { simple_action: spec.action }, service: spec.service, endpoint_1: spec.endpoint1, endpoint_2: spec.endpoint2,
      direction: spec.direction, match_tags: { tag_list: [] },
      annotations: { key_value_pair: spec.policy ? policyAnnotations(this.cluster, spec.policy) : [{ key: 'cluster', value: this.cluster }] },
    };
    this.rules.push(r);
    return r;
  }

  /**
   * The endpoint narrowed to workloads carrying `tag` too (a named port's number). An endpoint takes an address
   * group or tags, not both: the pods of an address group then carry `in:<group>=true`, and the endpoint uses it.
   */
  withTag(endpoint: FirewallRuleEndpoint, tag: string | undefined): FirewallRuleEndpoint {
    if (tag === undefined) return endpoint;
    if (endpoint.any) return { tags: [this.useTag(tag)] };
    if (endpoint.tags) return { tags: [...endpoint.tags, this.useTag(tag)] };
    const group = endpoint.address_group!.slice(POLICY_MANAGEMENT.length + 1);
    this.use.addressGroups.set(group, this.addressGroups.get(group)!.address_group_prefix.subnet.map((x) => `${x.ip_prefix}/${x.ip_prefix_len}`));
    return { tags: [this.useTag(inGroupTag(group)), this.useTag(tag)] };
  }

  /** Forgets every tag, address group and rule (an aborted batch); the derived-tag use stays, as the workloads need it. */
  clear(): void {
    this.tags.clear();
    this.addressGroups.clear();
    this.rules.length = 0;
    this.#ruleNames.clear();
  }
}
