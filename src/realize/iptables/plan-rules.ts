// The address sets and rules of one node plan: each DFW rule becomes one PlanRule (shared by every block that
// holds it), its peers become set ids, its named ports (address, port) sets of every pod's number for the name.
import type { Cluster } from '../../k8s/cluster.ts';
import { resolveNamedPort } from '../../k8s/pod.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { Rule } from '../../model/rule.ts';
import type { SecurityPolicy } from '../../model/security-policy.ts';
import type { Family } from '../../net/ip-address.ts';
import { selectablePod } from './group-members.ts';
import type { AddressSet, PeerMatch, PlanRule, ServiceMatch } from './node-plan.ts';
import { podAddresses, type PlanGroups } from './plan-groups.ts';

/** The plan's address sets, each made once per key, with ids `i4-0`, `n6-3`, `p4-1` numbered per kind. */
export class PlanSets {
  readonly sets: AddressSet[] = [];
  readonly #ids = new Map<string, string>();
  readonly #counters = { ip: 0, net: 0, ipport: 0 };

  /** The id of the set of `key`, made by `make` the first time. */
  add(key: string, make: () => Omit<AddressSet, 'id'>): string {
    const known = this.#ids.get(key);
    if (known) return known;
    const s = make();
    const id = `${s.kind === 'ip' ? 'i' : s.kind === 'net' ? 'n' : 'p'}${s.family}-${this.#counters[s.kind]++}`;
    this.sets.push({ id, ...s });
    this.#ids.set(key, id);
    return id;
  }
}

/** Builds the PlanRule of each DFW rule once, with the sets its peers and named ports need. */
export class PlanRules {
  readonly #cluster: Cluster;
  readonly #groups: PlanGroups;
  readonly #sets: PlanSets;
  readonly #rules = new Map<Rule, PlanRule>();

  constructor(cluster: Cluster, groups: PlanGroups, sets: PlanSets) {
    this.#cluster = cluster;
    this.#groups = groups;
    this.#sets = sets;
  }

  /** The plan form of a rule of `policy`. */
  of(policy: SecurityPolicy, rule: Rule): PlanRule {
    let r = this.#rules.get(rule);
    if (!r) {
      const path = rule.path ?? `${policy.path}/rules/${rule.id}`;
      r = {
        action: rule.action,
        src: this.#peer(rule.source_groups, path, 'src'),
        dst: this.#peer(rule.destination_groups, path, 'dst'),
        services: this.#services(rule),
        path,
      };
      this.#rules.set(rule, r);
    }
    return r;
  }

  /** A rule's side: any, or per family the sets of its groups' pod addresses and static CIDRs. */
  #peer(paths: readonly string[], rulePath: string, side: string): PeerMatch {
    if (paths.length === 0 || paths.includes('ANY')) return 'any';
    const out: { 4: string[]; 6: string[] } = { 4: [], 6: [] };
    for (const path of paths) {
      const g = this.#groups.get(path);
      for (const family of [4, 6] as const) {
        const ips = this.#groups.podAddresses(g, family);
        // Groups with the same expression (so the same members) share one set.
        if (ips.length) out[family].push(this.#sets.add(`ip ${family} #${this.#groups.memberListId(g.pods)}`, () => ({ kind: 'ip', family, elements: ips, comment: path })));
        const cidrs = g.cidrs[family];
        // Address sets belong to one peer of one rule and are never shared (seed 004).
        if (cidrs.length) out[family].push(this.#sets.add(`net ${family} ${rulePath} ${side} ${path}`, () => ({ kind: 'net', family, elements: cidrs, comment: `${rulePath} ${side} ${path}` })));
      }
    }
    return out;
  }

  /** A rule's services: port sets as they are, named ports through the (address, port) sets of every pod. */
  #services(rule: Rule): 'any' | ServiceMatch[] {
    if (!rule.service_entries || rule.service_entries.length === 0) return 'any';
    return rule.service_entries.map((e): ServiceMatch => {
      if (e.resource_type === 'L4PortSetServiceEntry') {
        return e.destination_ports.length ? { protocol: e.l4_protocol, ports: e.destination_ports } : { protocol: e.l4_protocol };
      }
      const protocol = e.l4_protocol;
      const name = e.port_name;
      return { protocol, named: { name, 4: this.#namedPortSet(4, protocol, name), 6: this.#namedPortSet(6, protocol, name) } };
    });
  }

  /** The (address, port) set of a named port in one family: every selectable pod's number for the name. */
  #namedPortSet(family: Family, protocol: Protocol, name: string): string {
    return this.#sets.add(`ipport ${family} ${protocol} ${name}`, () => {
      const elements: string[] = [];
      for (const p of this.#cluster.pods) {
        if (!selectablePod(p)) continue;
        const ip = podAddresses(p)[family];
        const port = resolveNamedPort(p, name, protocol);
        if (ip !== undefined && port !== undefined) elements.push(`${ip} ${port}`);
      }
      return { kind: 'ipport', family, protocol, elements: [...new Set(elements)].sort(), comment: `named port ${name}/${protocol}` };
    });
  }
}
