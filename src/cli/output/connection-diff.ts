// `np2dfw diff`: the connections whose verdict changes between two forms (two sets of policies on the same
// workloads, or the NetworkPolicies and a target's converted form), grouped by what decides them on each side.
// Verdicts come from the engines' whole matrices (class-based), one per port class; only the changed cells are
// explained, and explanations are kept per endpoint class, so a change that touches many pods costs little more.
import type { Endpoint } from '../../evaluate/endpoint.ts';
import { endpointsOf } from '../../evaluate/endpoints.ts';
import type { ReachabilityEngine } from '../../evaluate/engine.ts';
import type { Connection } from '../../evaluate/connection.ts';
import type { DirectionExplanation } from '../../evaluate/kubernetes/direction-explanation.ts';
import { formatAllowingRule } from '../../evaluate/kubernetes/direction-explanation.ts';
import { isSelfTraffic, type KubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { addressAtoms } from '../../evaluate/verify/address-atoms.ts';
import { decidedBy } from '../../evaluate/verify/format-report.ts';
import { portClasses } from '../../evaluate/verify/port-classes.ts';
import type { Cluster } from '../../k8s/cluster.ts';
import { podIsLive } from '../../k8s/pod.ts';
import { familyOf, type Family } from '../../net/ip-address.ts';
import { atomEndpoints, pairRows, type ConnlistRow, type PairPorts } from '../../report/connlist.ts';
import { isPortRange, mergePortRanges, type PortRange } from '../../report/port-ranges.ts';

/** One side of a diff: its name, the engine that decides, and the cluster whose workloads it sees. */
export interface DiffSide {
  /** `before`, `after`, or a target's name. */
  readonly name: string;
  readonly engine: ReachabilityEngine;
  readonly cluster: Cluster;
  /**
   * The class of an endpoint of this side: endpoints of one class are decided alike and for the same reason
   * (-1: unknown). Default: the engine's own classes when it is the reference engine.
   */
  readonly classOf?: (e: Endpoint) => number;
}

/** A verdict and what decided it, in words that name policies and rules, never the endpoints. */
export interface SideVerdict {
  readonly allowed: boolean;
  readonly by: string;
}

/** Connections that change in the same way, for the same reasons on each side. */
export interface DiffGroup {
  readonly before: SideVerdict;
  readonly after: SideVerdict;
  /** One row per pair of endpoints (or address range), with the ports on which it changes. */
  readonly connections: readonly ConnlistRow[];
}

/** What `diff` found. */
export interface ConnectionDiff {
  readonly before: string;
  readonly after: string;
  /** Changed pairs of endpoints (a pair that changes on several ports counts once per group). */
  readonly changed: number;
  /** Allowed before, denied after first; then denied before, allowed after. */
  readonly groups: readonly DiffGroup[];
  /** Pods only one side has (not compared). */
  readonly onlyBefore: readonly string[];
  readonly onlyAfter: readonly string[];
  /** The address families compared. */
  readonly families: readonly Family[];
}

function isKubernetesEngine(e: ReachabilityEngine): e is KubernetesEngine {
  return typeof (e as Partial<KubernetesEngine>).explain === 'function' && typeof (e as Partial<KubernetesEngine>).compiled === 'function';
}

/** One direction of the reference engine's answer, without naming the endpoint. */
function directionWords(x: DirectionExplanation): string {
  const dir = x.direction === 'Ingress' ? 'ingress' : 'egress';
  switch (x.reason) {
    case 'self': return `${dir}: a pod's traffic to itself`;
    case 'not-isolated': return `${dir}: not isolated`;
    case 'external': return `${dir}: not isolated (outside the cluster)`;
    case 'host-network': return `${dir}: not isolated (hostNetwork pod)`;
    case 'allowed': return `${dir}: ${formatAllowingRule(x.allowedBy!)}`;
    case 'denied': return `${dir}: isolated by ${x.isolatedBy.join(', ')}, no rule allows`;
  }
}

/** What decided a connection on one side: the denying direction(s), or both allowing ones. */
export function verdictWords(engine: ReachabilityEngine, c: Connection): SideVerdict {
  if (isKubernetesEngine(engine)) {
    const x = engine.explain(c);
    const dirs = [x.egress, x.ingress];
    const shown = x.allowed ? dirs : dirs.filter((d) => d.verdict === 'Deny');
    return { allowed: x.allowed, by: shown.map(directionWords).join('; ') };
  }
  const d = engine.decide(c);
  return { allowed: d.allowed, by: decidedBy(d) };
}

/**
 * Compares two sides on every port class of every protocol (cut where either side's policies or pods draw a
 * boundary), between the pods both sides have and the address ranges either side's ipBlocks tell apart.
 */
export function diffConnections(before: DiffSide, after: DiffSide): ConnectionDiff {
  // The cuts of both sides together: every port and address boundary either draws.
  const both: Cluster = {
    name: before.cluster.name,
    namespaces: before.cluster.namespaces,
    pods: [...before.cluster.pods, ...after.cluster.pods],
    policies: [...before.cluster.policies, ...after.cluster.policies],
  };
  // TCP, UDP and SCTP classes (the `OTHER` class of ICMP and the rest is verify's, not shown here yet).
  const classes: PortRange[] = portClasses(both).filter(isPortRange);
  const live = (c: Cluster, f: Family) => c.pods.some((p) => podIsLive(p) && p.ips.some((ip) => familyOf(ip) === f));
  const families = ([4, 6] as const).filter((f) => live(before.cluster, f) || live(after.cluster, f));
  const onlyBefore = new Set<string>();
  const onlyAfter = new Set<string>();
  const classOf = (side: DiffSide) => side.classOf ?? (isKubernetesEngine(side.engine) ? side.engine.compiled().classOf : undefined);
  const classB = classOf(before);
  const classA = classOf(after);
  const groups = new Map<string, { before: SideVerdict; after: SideVerdict; rows: ConnlistRow[] }>();
  let changed = 0;
  for (const family of families) {
    const atoms = atomEndpoints(addressAtoms(both, family));
    const podsB = endpointsOf(before.cluster, family);
    const podsA = new Map(endpointsOf(after.cluster, family).map((e) => [e.id, e]));
    const common = podsB.filter((e) => podsA.has(e.id));
    for (const e of podsB) if (!podsA.has(e.id)) onlyBefore.add(e.id);
    const idsB = new Set(podsB.map((e) => e.id));
    for (const id of podsA.keys()) if (!idsB.has(id)) onlyAfter.add(id);
    const eb: Endpoint[] = [...common, ...atoms.map((a) => a.endpoint)];
    const ea: Endpoint[] = [...common.map((e) => podsA.get(e.id)!), ...atoms.map((a) => a.endpoint)];
    const memo = new Map<string, [SideVerdict, SideVerdict]>();
    const perGroup = new Map<string, Map<number, PortRange[]>>();
    const n = eb.length;
    classes.forEach((pc) => {
      const q = { protocol: pc.protocol, port: pc.first };
      const mb = before.engine.matrix(eb, q);
      const ma = after.engine.matrix(ea, q);
      for (const [i, j] of mb.differences(ma)) {
        const cb: Connection = { src: eb[i], dst: eb[j], ...q };
        const ca: Connection = { src: ea[i], dst: ea[j], ...q };
        const k = [classB?.(eb[i]) ?? -1, classB?.(eb[j]) ?? -1, classA?.(ea[i]) ?? -1, classA?.(ea[j]) ?? -1];
        const key = k.includes(-1) || isSelfTraffic(eb[i], eb[j]) ? undefined : `${k.join(',')},${pc.protocol},${pc.first}`;
        let v = key === undefined ? undefined : memo.get(key);
        if (!v) {
          v = [verdictWords(before.engine, cb), verdictWords(after.engine, ca)];
          if (key !== undefined) memo.set(key, v);
        }
        // The matrices decide the verdicts; the words only say why.
        const vb = { ...v[0], allowed: mb.get(i, j) };
        const va = { ...v[1], allowed: ma.get(i, j) };
        const gk = `${vb.allowed ? 1 : 0}\u0000${vb.by}\u0000${va.by}`;
        let g = groups.get(gk);
        if (!g) groups.set(gk, (g = { before: vb, after: va, rows: [] }));
        let pairs = perGroup.get(gk);
        if (!pairs) perGroup.set(gk, (pairs = new Map()));
        const pk = i * n + j;
        const list = pairs.get(pk);
        if (list) list.push(pc);
        else pairs.set(pk, [pc]);
      }
    });
    for (const [gk, pairs] of perGroup) {
      const list: PairPorts[] = [...pairs].map(([pk, ports]) => ({ i: Math.floor(pk / n), j: pk % n, ports: mergePortRanges(ports) }));
      const rows = pairRows(list, eb, atoms.map((a) => a.atom));
      groups.get(gk)!.rows.push(...rows);
      changed += rows.length;
    }
  }
  const ordered = [...groups.values()].sort((x, y) => Number(y.before.allowed) - Number(x.before.allowed));
  return {
    before: before.name,
    after: after.name,
    changed,
    groups: ordered.map((g) => ({ before: g.before, after: g.after, connections: g.rows })),
    onlyBefore: [...onlyBefore],
    onlyAfter: [...onlyAfter],
    families,
  };
}
