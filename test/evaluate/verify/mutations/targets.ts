// Each target's converted form, its mutations, and the engine of a mutated form (built the way the target's
// builder builds it: the target's objects first, then the NetworkPolicies the conversion left).
import { antreaBoundaries } from '../../../../src/evaluate/antrea/antrea-boundaries.ts';
import { createAntreaEngine } from '../../../../src/evaluate/antrea/antrea-engine.ts';
import { contrailBoundaries } from '../../../../src/evaluate/contrail/contrail-boundaries.ts';
import { createContrailEngine } from '../../../../src/evaluate/contrail/contrail-engine.ts';
import { dfwBoundaries } from '../../../../src/evaluate/dfw/dfw-boundaries.ts';
import { createDfwEngine } from '../../../../src/evaluate/dfw/dfw-engine.ts';
import type { ReachabilityEngine } from '../../../../src/evaluate/engine.ts';
import { createKubernetesEngine } from '../../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { TargetBoundaries } from '../../../../src/evaluate/target.ts';
import { convertCluster } from '../../../../src/convert/convert-cluster.ts';
import type { Cluster } from '../../../../src/k8s/cluster.ts';
import type { NetworkPolicy } from '../../../../src/k8s/network-policy.ts';
import { parseAntreaVersion } from '../../../../src/realize/antrea/antrea-version.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from '../../../../src/realize/antrea/realize-targets.ts';
import { realizeContrail } from '../../../../src/realize/contrail/realize-contrail.ts';
import { antreaMutations } from './antrea-mutations.ts';
import { contrailMutations } from './contrail-mutations.ts';
import { dfwMutations, type ConfigMutation } from './dfw-mutations.ts';
import type { Mutation } from './mutation.ts';

/** A target's converted form, ready to be mutated. */
export interface MutableTarget {
  readonly engine: ReachabilityEngine;
  readonly boundaries: TargetBoundaries;
  readonly objects: unknown;
  /** Every mutation (`limit` per kind at most), each rebuilt into an engine. */
  mutations(limit: number): Mutation[];
}

function limited<T>(all: readonly ConfigMutation<T>[], limit: number): ConfigMutation<T>[] {
  const byKind = new Map<string, ConfigMutation<T>[]>();
  for (const m of all) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  return [...byKind.values()].flatMap((list) => (list.length <= limit ? list : Array.from({ length: limit }, (_, i) => list[Math.floor((i * list.length) / limit)])));
}

function make<T>(objects: T, build: (o: T) => ReachabilityEngine, boundaries: (o: T) => TargetBoundaries, mutate: (o: T) => ConfigMutation<T>[]): MutableTarget {
  return {
    engine: build(objects),
    boundaries: boundaries(objects),
    objects,
    mutations: (limit) => limited(mutate(objects), limit).map((m) => ({ kind: m.kind, label: m.label, marks: m.marks, engine: build(m.objects), boundaries: boundaries(m.objects), objects: m.objects })),
  };
}

const rest = (cluster: Cluster, remaining: readonly NetworkPolicy[], name: string) =>
  (remaining.length ? { kubernetes: createKubernetesEngine(cluster, { policies: remaining, name: `${name}:kubernetes` }) } : {});

/** The mutable form of a target (`nsx`, `nsx-antrea`, `antrea`, `contrail`) for a cluster; `continue` on refusals. */
export function mutableTarget(name: string, cluster: Cluster): MutableTarget {
  if (name === 'nsx') {
    const conversion = convertCluster(cluster, { profile: 'nsx', onError: 'continue' });
    const done = new Set(conversion.convertedUids);
    const remaining = createKubernetesEngine(cluster, { policies: cluster.policies.filter((p) => !done.has(p.uid)), name: 'kubernetes (not converted)' });
    return make(conversion.config, (c) => createDfwEngine(c, cluster, { remaining }), dfwBoundaries, (c) => dfwMutations(c, cluster));
  }
  if (name === 'antrea' || name === 'nsx-antrea') {
    // antrea at the newest release, where ipBlock `except` is written natively (so dropping one is a mutation);
    // below 2.2 it is written as positive CIDRs, which the other mutations already cover.
    const r = name === 'antrea' ? realizeAntreaDirect(cluster, { onError: 'continue', antreaVersion: parseAntreaVersion('2.7') }) : realizeNsxAntrea(cluster, { onError: 'continue' });
    const k = rest(cluster, r.remaining, name);
    return make(r.objects, (objects) => createAntreaEngine({ cluster, objects, ...k, name }), antreaBoundaries, (o) => antreaMutations(o, cluster));
  }
  if (name === 'contrail') {
    const r = realizeContrail(cluster, { onError: 'continue' });
    const k = rest(cluster, r.remaining, name);
    return make(r.config, (config) => createContrailEngine({ cluster, config, ...k, name }), contrailBoundaries, (c) => contrailMutations(c, cluster));
  }
  throw new Error(`no mutable form for target ${name}`);
}
