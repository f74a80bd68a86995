// The DFW groups of one node plan, resolved against the inventory once each: groups with the same expression
// share their member list, and the member lists are numbered so that sets and applied-to lists can be shared.
import type { Cluster } from '../../k8s/cluster.ts';
import type { Pod } from '../../k8s/pod.ts';
import type { Group } from '../../model/group.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { indexPods, resolveGroup, type PodIndex, type ResolvedGroup } from './group-members.ts';

/** A pod's first address of each family (the one the dataplane matches it by). */
export function podAddresses(pod: Pod): { 4?: string; 6?: string } {
  const out: { 4?: string; 6?: string } = {};
  for (const ip of pod.ips) {
    const f = familyOf(ip);
    if (f && out[f] === undefined) out[f] = ip;
  }
  return out;
}

/** Resolves the config's groups by path, each expression once, with member lists numbered and indexed. */
export class PlanGroups {
  readonly #cluster: Cluster;
  readonly #groups: ReadonlyMap<string, Group>;
  readonly #index: PodIndex;
  readonly #resolved = new Map<string, ResolvedGroup>();
  /** Groups with the same expression have the same members: resolved once per expression (JSON text). */
  readonly #byExpression = new Map<string, ResolvedGroup>();
  readonly #listIds = new Map<readonly Pod[], number>();
  readonly #addresses = new Map<string, string[]>();
  readonly #memberSets = new Map<string, Set<Pod>>();

  constructor(cluster: Cluster, groups: readonly Group[]) {
    this.#cluster = cluster;
    this.#groups = new Map(groups.map((g) => [g.path, g]));
    this.#index = indexPods(cluster);
  }

  /** Whether the config defines a group of this path. */
  has(path: string): boolean {
    return this.#groups.has(path);
  }

  /** The group of `path`, resolved; throws when the config does not define it. */
  get(path: string): ResolvedGroup {
    let r = this.#resolved.get(path);
    if (!r) {
      const g = this.#groups.get(path);
      if (!g) throw new Error(`group ${path} is referenced but not defined`);
      const key = JSON.stringify(g.expression);
      const same = this.#byExpression.get(key);
      r = same ? { ...same, path } : resolveGroup(g, this.#cluster, this.#index, (p) => this.#groups.get(p));
      this.#byExpression.set(key, r);
      this.#resolved.set(path, r);
    }
    return r;
  }

  /** A number for a member list, the same for groups that share it (their expression is the same). */
  memberListId(pods: readonly Pod[]): number {
    let id = this.#listIds.get(pods);
    if (id === undefined) this.#listIds.set(pods, (id = this.#listIds.size));
    return id;
  }

  /** The group's pod addresses of a family, sorted and unique (cached per member list). */
  podAddresses(g: ResolvedGroup, family: Family): string[] {
    const key = `${family} ${this.memberListId(g.pods)}`;
    let ips = this.#addresses.get(key);
    if (!ips) {
      ips = [...new Set(g.pods.map((p) => podAddresses(p)[family]).filter((x): x is string => x !== undefined))].sort();
      this.#addresses.set(key, ips);
    }
    return ips;
  }

  /** The pods of the group of `path`, as a set. */
  members(path: string): Set<Pod> {
    let m = this.#memberSets.get(path);
    if (!m) this.#memberSets.set(path, (m = new Set(this.get(path).pods)));
    return m;
  }
}
