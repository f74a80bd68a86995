// Endpoints grouped into classes that every DFW group (and every remaining NetworkPolicy) treats alike, so that
// the DFW is evaluated per pair of classes rather than per pair of endpoints.
import type { Labels } from '../../k8s/labels.ts';
import type { Endpoint } from '../endpoint.ts';
import { isSelectable } from '../kubernetes/endpoint-match.ts';
import { addressValue } from '../../net/ip-address.ts';
import type { Namespace } from '../../k8s/namespace.ts';
import type { AddressRange } from '../../net/address-range.ts';
import { subjectOf, type CompiledGroup } from './group-membership.ts';

/** The endpoints of a matrix in classes, and each class's groups. */
export interface EndpointClasses {
  /** The class of each endpoint. */
  readonly classOf: Int32Array;
  /** One endpoint of each class (the first). */
  readonly representative: readonly number[];
  /** Every endpoint of each class. */
  readonly members: readonly number[][];
  /** For each group (by index), the classes that are members, as a bitset over classes. */
  readonly groupClasses: readonly Uint32Array[];
  /** Words of a bitset over classes. */
  readonly words: number;
  /** Whether each class holds selectable pods (not externals, not hostNetwork pods). */
  readonly selectable: readonly boolean[];
}

function labelsKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001');
}

/**
 * Partitions endpoints. Two endpoints share a class when they are both selectable pods of one namespace with the
 * same labels (and the same container ports when `withPorts`), or both not selectable, and they are members of
 * the same address-based groups (and of the same `extraRanges` sets, e.g. the remaining NetworkPolicies'
 * ipBlocks). `individual` puts every endpoint in a class of its own.
 */
export function classifyEndpoints(
  endpoints: readonly Endpoint[],
  groups: readonly CompiledGroup[],
  namespaces: ReadonlyMap<string, Namespace>,
  options: { withPorts: boolean; extraRanges: readonly (readonly AddressRange[])[]; individual: boolean },
): EndpointClasses {
  const n = endpoints.length;
  // 1. label classes
  const labelClassOf = new Int32Array(n);
  const labelKeys = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = endpoints[i];
    let key = 'none';
    if (e.kind === 'pod' && isSelectable(e)) key = `${e.pod.namespace}\u0002${labelsKey(e.pod.labels)}`;
    // named ports resolve on every pod destination, hostNetwork pods included
    if (options.withPorts && e.kind === 'pod') key += `\u0002${e.pod.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',')}`;
    if (options.individual) key = `#${i}`;
    let id = labelKeys.get(key);
    if (id === undefined) labelKeys.set(key, (id = labelKeys.size));
    labelClassOf[i] = id;
  }
  // 2. address memberships: sorted addresses, one binary search per range
  const order = [...endpoints.keys()];
  const values = endpoints.map((e) => addressValue(e.ip, e.family));
  order.sort((a, b) => (endpoints[a].family - endpoints[b].family) || (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
  const lowerBound = (family: number, v: bigint): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = order[mid];
      if (endpoints[e].family < family || (endpoints[e].family === family && values[e] < v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const addressSets: number[][] = endpoints.map(() => []);
  const inRanges = (ranges: readonly AddressRange[], tag: number) => {
    const hit = new Set<number>();
    for (const r of ranges) {
      for (let k = lowerBound(r.family, r.start); k < n; k++) {
        const e = order[k];
        if (endpoints[e].family !== r.family || values[e] > r.end) break;
        hit.add(e);
      }
    }
    for (const e of hit) addressSets[e].push(tag);
  };
  const generalGroups: number[] = [];
  groups.forEach((g, gi) => {
    if (g.kind === 'addresses') inRanges(g.ranges, gi);
    else if (g.kind === 'mixed') generalGroups.push(gi);
  });
  options.extraRanges.forEach((ranges, k) => inRanges(ranges, -1 - k));
  for (const gi of generalGroups) for (let i = 0; i < n; i++) if (groups[gi].has(endpoints[i])) addressSets[i].push(gi);
  // 3. classes
  const classOf = new Int32Array(n);
  const keys = new Map<string, number>();
  const representative: number[] = [];
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    const key = `${labelClassOf[i]}:${addressSets[i].join(',')}`;
    let c = keys.get(key);
    if (c === undefined) {
      keys.set(key, (c = representative.length));
      representative.push(i);
      members.push([]);
    }
    classOf[i] = c;
    members[c].push(i);
  }
  const classes = representative.length;
  const words = (classes + 31) >>> 5;
  const groupClasses = groups.map(() => new Uint32Array(words));
  // label groups: evaluated once per label class (on its first endpoint)
  const labelRep = new Map<number, number>();
  for (let i = 0; i < n; i++) if (!labelRep.has(labelClassOf[i])) labelRep.set(labelClassOf[i], i);
  // groups that only pods of named namespaces can join are tested only on those namespaces' label classes
  const labelGroupsOf = new Map<number, number[]>();
  const subjects = new Map<number, ReturnType<typeof subjectOf>>();
  const classesInNamespace = new Map<string, number[]>();
  for (const [lc, rep] of labelRep) {
    labelGroupsOf.set(lc, []);
    const e = endpoints[rep];
    if (!isSelectable(e) || e.kind !== 'pod') continue;
    subjects.set(lc, subjectOf(e, namespaces));
    let list = classesInNamespace.get(e.pod.namespace);
    if (!list) classesInNamespace.set(e.pod.namespace, (list = []));
    list.push(lc);
  }
  const everyClass = [...subjects.keys()];
  groups.forEach((g, gi) => {
    if (g.kind !== 'labels') return;
    const candidates = g.namespaces ? [...g.namespaces].flatMap((ns) => classesInNamespace.get(ns) ?? []) : everyClass;
    for (const lc of candidates) if (g.hasSubject(subjects.get(lc)!)) labelGroupsOf.get(lc)!.push(gi);
  });
  for (let c = 0; c < classes; c++) {
    const rep = representative[c];
    const bit = 1 << (c & 31);
    const w = c >>> 5;
    for (const gi of labelGroupsOf.get(labelClassOf[rep]) ?? []) groupClasses[gi][w] |= bit;
    for (const gi of addressSets[rep]) if (gi >= 0) groupClasses[gi][w] |= bit;
  }
  return { classOf, representative, members, groupClasses, words, selectable: representative.map((i) => isSelectable(endpoints[i])) };
}
