// Shared by the lab tests: runs the lab on a cluster's conversion and compares with the reference engine.
import { convertCluster } from '../../src/convert/convert-cluster.ts';
import { defaultPorts } from '../../src/report/ports.ts';
import type { Cluster } from '../../src/k8s/cluster.ts';
import type { PortQuery } from '../../src/evaluate/connection.ts';
import { endpointsOf } from '../../src/evaluate/endpoints.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import type { Family } from '../../src/net/ip-address.ts';
import { compareWithEngine, labUnavailableReason, runLab, type LabDifference, type LabResult, type LabTarget } from '../../src/lab/run-lab.ts';

/** Why the lab tests cannot run here (printed as a visible notice), or undefined. */
export async function labSkipReason(): Promise<string | undefined> {
  const why = await labUnavailableReason('iptables') ?? await labUnavailableReason('nftables');
  if (why) process.stderr.write(`NOTICE: lab tests skipped: ${why}\n`);
  return why;
}

/** Runs the lab on the cluster's `extended` conversion; returns what it saw and the differences with Kubernetes. */
export async function labVersusKubernetes(
  cluster: Cluster, target: LabTarget, family: Family, options: { externals?: string[]; ports?: PortQuery[] } = {},
): Promise<{ result: LabResult; diffs: LabDifference[]; probed: number }> {
  const conversion = convertCluster(cluster, { profile: 'extended' });
  if (conversion.refusals.length) throw new Error(`refused: ${conversion.refusals.map((r) => r.code).join(', ')}`);
  const endpoints = endpointsOf(cluster, family, options.externals ?? []);
  const result = await runLab({ cluster, config: conversion.config, target, endpoints, ports: options.ports ?? defaultPorts(cluster) });
  const diffs = compareWithEngine(result, createKubernetesEngine(cluster));
  return { result, diffs, probed: result.ports.length * endpoints.length * endpoints.length };
}

/** A readable list of differences for assertion messages. */
export function describe(diffs: readonly LabDifference[]): string {
  return diffs.slice(0, 20).map((d) => `${d.src} -> ${d.dst} ${d.query.port}/${d.query.protocol}: observed ${d.observed}, kubernetes ${d.expected}`).join('\n');
}
