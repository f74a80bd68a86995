// What a mutation of a target's converted form is, and the check that it really changes a verdict: the mutated
// engine against the unmutated one on a grid of connections this file builds on its own (every live pod, and for
// every port and address any of the objects names, the values at and next to it), not from verify's classes.
import { isIP } from 'node:net';
import type { Cluster } from '../../../../src/k8s/cluster.ts';
import type { PortQuery } from '../../../../src/evaluate/connection.ts';
import type { ReachabilityEngine } from '../../../../src/evaluate/engine.ts';
import { endpointsOf } from '../../../../src/evaluate/endpoints.ts';
import type { TargetBoundaries } from '../../../../src/evaluate/target.ts';
import { addressValue, familyOf, formatAddress, type Family } from '../../../../src/net/ip-address.ts';

/** A mutated form of a target, rebuilt into that target's engine. */
export interface Mutation {
  /** widen-port, add-address, drop-except, reorder, flip-action, flip-direction, widen-scope, drop-condition, add-member-label. */
  readonly kind: string;
  /** What was changed, for messages. */
  readonly label: string;
  /**
   * The mutated rules as the target's engine names them in a decision: a counterexample is "on the mutated rule"
   * when every string of one of these lists occurs in what decided it.
   */
  readonly marks: readonly (readonly string[])[];
  readonly engine: ReachabilityEngine;
  readonly boundaries: TargetBoundaries;
  /** The mutated objects (for the grid). */
  readonly objects: unknown;
}

/** `n` items spread over a list (all of them when it is shorter). */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

const PORT_KEYS = new Set(['port', 'endPort', 'start_port', 'end_port', 'destination_ports']);

/** Every port and every address anywhere in some objects (JSON walk by field name and by the look of strings). */
function namedValues(objects: readonly unknown[]): { ports: Set<number>; addresses: { family: Family; first: bigint; last: bigint }[] } {
  const ports = new Set<number>();
  const addresses: { family: Family; first: bigint; last: bigint }[] = [];
  const address = (text: string) => {
    const dash = text.indexOf('-');
    if (dash > 0 && isIP(text.slice(0, dash)) && isIP(text.slice(dash + 1))) {
      const f = familyOf(text.slice(0, dash))!;
      addresses.push({ family: f, first: addressValue(text.slice(0, dash), f), last: addressValue(text.slice(dash + 1), f) });
      return;
    }
    const [ip, len] = text.split('/');
    if (!isIP(ip) || (len !== undefined && !/^\d+$/.test(len))) return;
    const f = familyOf(ip)!;
    const bits = f === 4 ? 32n : 128n;
    const host = bits - BigInt(len ?? bits);
    const base = (addressValue(ip, f) >> host) << host;
    addresses.push({ family: f, first: base, last: base + (1n << host) - 1n });
  };
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v instanceof Map) for (const x of v.values()) walk(x, '');
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'ip_prefix' && typeof x === 'string' && 'ip_prefix_len' in v) address(`${x}/${String(v.ip_prefix_len)}`);
        else walk(x, k);
      }
    } else if (typeof v === 'number' && PORT_KEYS.has(key)) ports.add(v);
    else if (typeof v === 'string') {
      if (PORT_KEYS.has(key)) for (const p of v.split('-')) if (/^\d+$/.test(p.trim())) ports.add(Number(p));
      address(v);
    }
  };
  for (const o of objects) walk(o, '');
  return { ports, addresses };
}

/**
 * The first connection on which two engines differ, over the grid: every live pod, and the addresses at and next
 * to every address range's ends that the objects name; ports 1, 65535, every container and policy port, and
 * every port the objects name with its neighbours, for TCP, UDP and SCTP; and every other IP protocol.
 */
export function firstVerdictChange(cluster: Cluster, a: ReachabilityEngine, b: ReachabilityEngine, objects: readonly unknown[]): string | undefined {
  const named = namedValues([...objects, cluster.policies]);
  const ports = new Set([1, 65535]);
  for (const p of named.ports) for (const q of [p - 1, p, p + 1]) if (q >= 1 && q <= 65535) ports.add(q);
  for (const pod of cluster.pods) for (const cp of pod.ports) ports.add(cp.port);
  const queries: PortQuery[] = [{ protocol: 'OTHER', port: 0 }];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) for (const port of ports) queries.push({ protocol, port });
  const podIps = new Set(cluster.pods.flatMap((p) => p.ips));
  for (const family of [4, 6] as const) {
    const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    const externals = new Set<string>(family === 4 ? ['0.0.0.1'] : ['::1']);
    for (const r of named.addresses) {
      if (r.family !== family) continue;
      for (const x of [r.first - 1n, r.first, r.first + 1n, r.last - 1n, r.last, r.last + 1n]) {
        if (x < 0n || x > max) continue;
        const ip = formatAddress(x, family);
        if (!podIps.has(ip)) externals.add(ip);
      }
    }
    const endpoints = endpointsOf(cluster, family, [...externals]);
    if (endpoints.length === 0) continue;
    for (const q of queries) {
      const diff = a.matrix(endpoints, q).differences(b.matrix(endpoints, q), 1);
      if (diff.length) return `${endpoints[diff[0][0]].id} -> ${endpoints[diff[0][1]].id} ${q.port}/${q.protocol}`;
    }
  }
  return undefined;
}
