// Endpoints grouped into classes that every membership of a firewall form treats alike, so that the form's rules
// are evaluated per pair of classes rather than per pair of endpoints. Each form says what its memberships are:
// those decided by an endpoint's key (a pod's namespace and labels, its workload tags, ...), those decided by its
// address (ipBlocks, address groups), and those that need the endpoint itself.
import type { AddressRange } from '../../net/address-range.ts';
import { addressValue } from '../../net/ip-address.ts';
import { bitsetFrom, type Bitset } from '../bit-matrix.ts';
import type { Endpoint } from '../endpoint.ts';

/** A membership decided by an endpoint's key: tested once per key, on its first endpoint's subject. */
export interface KeyMembership<S> {
  test(subject: S): boolean;
  /** When given, only endpoints whose `namespaceOf` is one of these can be members (the others are not tested). */
  readonly namespaces?: ReadonlySet<string>;
}

/** What a form's memberships are, for one partition. */
export interface Memberships<S> {
  /**
   * Endpoints with the same key agree on every `byKey` membership and on everything else the form reads from the
   * endpoint but its address (named ports, enforcement). `undefined` puts the endpoint in a class of its own.
   */
  key(e: Endpoint): string | undefined;
  /** What `byKey` memberships test, resolved once per key (on its first endpoint). */
  subject(e: Endpoint): S;
  /** The namespace `KeyMembership.namespaces` is compared with (undefined: tested by no namespace-bound one). */
  namespaceOf(e: Endpoint): string | undefined;
  readonly byKey: readonly KeyMembership<S>[];
  /** Address memberships: an endpoint is a member when its address is in one of the ranges. */
  readonly byAddress: readonly (readonly AddressRange[])[];
  /** Memberships that need the endpoint itself (tested on every endpoint). */
  readonly byEndpoint: readonly ((e: Endpoint) => boolean)[];
  /**
   * The form reads its memberships as class ids only (`EndpointPartition.ids`): the bitsets (classes x
   * memberships bits, too many on a large cluster with many groups) are then not built and stay empty.
   */
  readonly idsOnly?: boolean;
}

/** Each membership's classes as sorted class ids. */
export interface MembershipIds {
  readonly byKey: readonly Int32Array[];
  readonly byAddress: readonly Int32Array[];
  readonly byEndpoint: readonly Int32Array[];
}

/** The endpoints of a list in classes, and each membership as a set of classes. */
export interface EndpointPartition {
  /** The class of each endpoint. */
  readonly classOf: Int32Array;
  /** One endpoint of each class (the first). */
  readonly representative: readonly number[];
  /** Every endpoint of each class, ascending. */
  readonly members: readonly (readonly number[])[];
  /** The number of classes. */
  readonly size: number;
  /** Per `byKey` membership, its classes. */
  readonly byKey: readonly Bitset[];
  /** Per `byAddress` membership, its classes. */
  readonly byAddress: readonly Bitset[];
  /** Per `byEndpoint` membership, its classes. */
  readonly byEndpoint: readonly Bitset[];
  /** The same memberships as sorted class ids (always built). */
  readonly ids: MembershipIds;
}

/** Endpoints by key: the key class of each endpoint and the first endpoint of each key class. */
function keyClasses<S>(endpoints: readonly Endpoint[], m: Memberships<S>): { of: Int32Array; first: number[] } {
  const of = new Int32Array(endpoints.length);
  const ids = new Map<string, number>();
  const first: number[] = [];
  endpoints.forEach((e, i) => {
    const key = m.key(e);
    let id = key === undefined ? undefined : ids.get(key);
    if (id === undefined) {
      id = first.length;
      first.push(i);
      if (key !== undefined) ids.set(key, id);
    }
    of[i] = id;
  });
  return { of, first };
}

/** For each endpoint, the address memberships that hold it: sorted addresses, one binary search per range. */
function addressMemberships(endpoints: readonly Endpoint[], lists: readonly (readonly AddressRange[])[]): number[][] {
  const n = endpoints.length;
  const out: number[][] = endpoints.map(() => []);
  if (lists.length === 0) return out;
  const values = endpoints.map((e) => addressValue(e.ip, e.family));
  const order = [...endpoints.keys()].sort((a, b) => (endpoints[a].family - endpoints[b].family) || (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
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
  lists.forEach((ranges, tag) => {
    const hit = new Set<number>();
    for (const r of ranges) {
      for (let k = lowerBound(r.family, r.start); k < n; k++) {
        const e = order[k];
        if (endpoints[e].family !== r.family || values[e] > r.end) break;
        hit.add(e);
      }
    }
    for (const e of hit) out[e].push(tag);
  });
  return out;
}

/** Per key class, the `byKey` memberships that hold it (namespace-bound ones tested only in their namespaces). */
function keyMemberships<S>(endpoints: readonly Endpoint[], m: Memberships<S>, first: readonly number[]): number[][] {
  const out: number[][] = first.map(() => []);
  const subjects = first.map((i) => m.subject(endpoints[i]));
  const inNamespace = new Map<string, number[]>();
  first.forEach((i, k) => {
    const ns = m.namespaceOf(endpoints[i]);
    if (ns === undefined) return;
    let list = inNamespace.get(ns);
    if (!list) inNamespace.set(ns, (list = []));
    list.push(k);
  });
  const every = [...first.keys()];
  m.byKey.forEach((membership, tag) => {
    const candidates = membership.namespaces ? [...membership.namespaces].flatMap((ns) => inNamespace.get(ns) ?? []) : every;
    for (const k of candidates) if (membership.test(subjects[k])) out[k].push(tag);
  });
  return out;
}

/**
 * Partitions endpoints: two endpoints share a class when they have the same key and are members of the same
 * address and endpoint memberships. Every membership comes back as a set of classes.
 */
export function partitionEndpoints<S>(endpoints: readonly Endpoint[], m: Memberships<S>): EndpointPartition {
  const n = endpoints.length;
  const keys = keyClasses(endpoints, m);
  const byAddress = addressMemberships(endpoints, m.byAddress);
  const byEndpoint: number[][] = endpoints.map((e) => m.byEndpoint.flatMap((f, tag) => (f(e) ? [tag] : [])));
  const classOf = new Int32Array(n);
  const classIds = new Map<string, number>();
  const representative: number[] = [];
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    const key = `${keys.of[i]}:${byAddress[i].join(',')}:${byEndpoint[i].join(',')}`;
    let c = classIds.get(key);
    if (c === undefined) {
      classIds.set(key, (c = representative.length));
      representative.push(i);
      members.push([]);
    }
    classOf[i] = c;
    members[c].push(i);
  }
  const size = representative.length;
  const keyed = keyMemberships(endpoints, m, keys.first);
  const ofKey = (c: number) => keyed[keys.of[representative[c]]];
  const ofAddress = (c: number) => byAddress[representative[c]];
  const ofEndpoint = (c: number) => byEndpoint[representative[c]];
  const ids = { byKey: idLists(size, m.byKey.length, ofKey), byAddress: idLists(size, m.byAddress.length, ofAddress), byEndpoint: idLists(size, m.byEndpoint.length, ofEndpoint) };
  const dense = (lists: readonly Int32Array[]) => (m.idsOnly ? [] : lists.map((l) => bitsetFrom(l, size)));
  return { classOf, representative, members, size, byKey: dense(ids.byKey), byAddress: dense(ids.byAddress), byEndpoint: dense(ids.byEndpoint), ids };
}

/** Per membership (of `count`), its classes ascending, from each class's memberships. */
function idLists(size: number, count: number, of: (c: number) => readonly number[]): Int32Array[] {
  const lengths = new Int32Array(count);
  for (let c = 0; c < size; c++) for (const tag of of(c)) lengths[tag]++;
  const out = Array.from(lengths, (n) => new Int32Array(n));
  const fill = new Int32Array(count);
  for (let c = 0; c < size; c++) for (const tag of of(c)) out[tag][fill[tag]++] = c;
  return out;
}
