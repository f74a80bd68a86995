// verify --target nsx on 10k-pod clusters: conversion, both engines' matrices over every port class (cut at both
// sides' boundaries, plus the other-IP-protocols class), comparison.
import { dfwBoundaries } from '../src/evaluate/dfw/dfw-boundaries.ts';
import { buildNsxState } from '../src/targets/nsx.ts';
import { endpointsOf } from '../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../src/evaluate/kubernetes/kubernetes-engine.ts';
import { portClasses } from '../src/evaluate/verify/port-classes.ts';
import { verifyEngines } from '../src/evaluate/verify/verify-engines.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';
import { measure } from './measure.ts';

process.stdout.write('| step | wall time | memory |\n| --- | --- | --- |\n');
const shapes = [
  ['large-namespaces', 0.1, 'mirror'],
  ['one-namespace', 1, 'mirror'],
] as const;
for (const [shape, scale, egress] of shapes) {
  const { result: cluster } = measure(`${shape} x${scale} (egress ${egress}): generate`, () => generateCluster(shape, { seed: 1, scale, egress }));
  const label = `${shape} (${cluster.pods.length} pods, ${cluster.policies.length} policies)`;
  const { result: state } = measure(`${label}: convert + build the DFW engine`, () => buildNsxState(cluster, { profile: 'nsx' }));
  const k8s = createKubernetesEngine(cluster);
  const endpoints = endpointsOf(cluster, 4);
  const query = { protocol: 'TCP', port: 80 } as const;
  measure(`${label}: DFW matrix, one port (${endpoints.length}x${endpoints.length})`, () => state.engine.matrix(endpoints, query).count());
  measure(`${label}: reference matrix, one port`, () => k8s.matrix(endpoints, query).count());
  const boundaries = dfwBoundaries(state.conversion.config);
  const { result: report } = measure(`${label}: verify (${portClasses(cluster, [boundaries]).length} port classes x every pair)`, () => verifyEngines(cluster, k8s, state.engine, { boundaries }));
  if (!report.equivalent) throw new Error(`${shape}: not equivalent (${report.differences} differences)`);
  process.stdout.write(`|   ${label}: equivalent, ${report.counts.connections.toLocaleString('en')} connections checked | | |\n`);
}
