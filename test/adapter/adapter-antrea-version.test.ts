// Against an API server with Antrea v2.1.0's CRD schemas (no ipBlock `except`), the adapter writes nothing the
// server would prune, and the objects in the cluster, read back as `kubectl get -o yaml` prints them, allow exactly
// what the original NetworkPolicies allowed (the project's verify engine on that snapshot). The Antrea controller is
// played by the harness.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { createAntreaEngine } from '../../src/evaluate/antrea/antrea-engine.ts';
import { createKubernetesEngine } from '../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { verifyEngines } from '../../src/evaluate/verify/verify-engines.ts';
import { loadClusterFromTexts } from '../../src/k8s/load-cluster.ts';
import type { AntreaObjects } from '../../src/realize/antrea/antrea-objects.ts';
import { formatFieldPath } from '../../src/k8s/field-path.ts';
import { objectsForServedSchemas } from '../../src/realize/antrea/for-version.ts';
import { CrdSchemaValidator } from '../../src/realize/antrea/validate/crd-schemas.ts';
import { pruneWithSchema } from '../../src/realize/antrea/validate/prune.ts';
import { ANTREA_LIST_KINDS as ANTREA_KINDS, CORE_LIST_KINDS as CORE, kubectlGetYaml, startHarness, until, verifySnapshotWithCli, type Harness } from './harness.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('np2dfw adapter against Antrea v2.1.0 schemas', () => {
  let h: Harness;
  let before_: string;
  before(async () => {
    h = await startHarness({ antreaCrds: 'v2.1.0' });
    before_ = await kubectlGetYaml(h.kube, CORE);
    await h.startAdapter();
  });
  after(() => h.close());

  it('writes no except, and the cluster read back verifies equivalent to the original NetworkPolicies', async () => {
    await until('inventory reported', async () => ((await h.manager.call('GET', '/api/v1/fabric/container-clusters/c1/network-policies', { user: 'admin' })).body.results ?? []).length === 3);
    const ids = h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').map((o) => o.metadata.uid);
    const r = await h.manager.call('POST', '/policy/api/v1/infra/import-k8s-np-to-dfw?on_error=ABORT', { user: 'secadmin', body: { network_policy_ids: ids } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await until('NetworkPolicies replaced', () => h.kube.objects.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').length === 0, 30_000);

    const after_ = await kubectlGetYaml(h.kube, [...CORE, ...ANTREA_KINDS]);
    assert.ok(!after_.includes('except'), 'no except in the cluster');
    // db-from-api's ipBlock 10.0.0.0/8 except 10.0.1.0/24 is in the cluster as the positive CIDRs it leaves.
    for (const cidr of ['10.0.0.0/24', '10.0.2.0/23', '10.0.4.0/22', '10.128.0.0/9']) assert.ok(after_.includes(`cidr: ${cidr}`), cidr);
    assert.ok(!h.kube.requests.some((q) => q.code === 400), 'the server refused nothing (fieldValidation=Strict)');

    // The snapshot, decoded: the Kubernetes part by np2dfw's loader, the Antrea part checked against the CRD schemas.
    const original = loadClusterFromTexts([{ name: 'before.yaml', text: before_ }], { cluster: 'c1' });
    const now = loadClusterFromTexts([{ name: 'after.yaml', text: after_ }], { cluster: 'c1', onSkipped: () => {} });
    const items = (parse(after_) as Json).items as Json[];
    const pick = (kind: string): Json[] => items.filter((i) => i.kind === kind).map((i) => ({ apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.metadata.name, labels: i.metadata.labels, annotations: i.metadata.annotations }, spec: i.spec }));
    const validator = new CrdSchemaValidator();
    for (const o of [...pick('Tier'), ...pick('ClusterGroup'), ...pick('ClusterNetworkPolicy')]) assert.deepEqual(validator.validate(o), [], JSON.stringify(o));
    const objects = { tiers: pick('Tier'), clusterGroups: pick('ClusterGroup'), policies: pick('ClusterNetworkPolicy') } as unknown as AntreaObjects;
    assert.equal(objects.policies.length, 4);
    assert.equal(now.policies.length, 1, 'the NetworkPolicy not imported is still there');
    const state = createAntreaEngine({ cluster: now, objects, kubernetes: createKubernetesEngine(now, { name: 'kubernetes (not imported)' }), name: 'cluster now' });
    const report = verifyEngines(original, createKubernetesEngine(original), state, { maxCounterexamples: 5 });
    assert.equal(report.equivalent, true, JSON.stringify(report.counterexamples, null, 1));
    // And the same with the real CLI on that snapshot: np2dfw verify --target antrea --against SNAPSHOT -f ORIGINAL.
    // The snapshot: `kubectl get networkpolicies,tiers,clustergroups,clusternetworkpolicies -A -o yaml`.
    const policiesNow = await kubectlGetYaml(h.kube, [CORE[2], ...ANTREA_KINDS]);
    const cli = verifySnapshotWithCli(before_, policiesNow, ['--antrea-version', '2.1']);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /equivalent/);
    assert.doesNotMatch(cli.stdout, /not equivalent/);
    // Without the NetworkPolicy that was not imported (ops/deny-all), the snapshot allows more: not equivalent.
    const withoutRemaining = verifySnapshotWithCli(before_, await kubectlGetYaml(h.kube, ANTREA_KINDS), ['--antrea-version', '2.1']);
    assert.equal(withoutRemaining.code, 1, withoutRemaining.stdout + withoutRemaining.stderr);
  });

  it('a field the served schema would prune is found before anything is written; an except becomes positive CIDRs', () => {
    const served = (file: string): Json => (parse(readFileSync(new URL(`../kube-apiserver/crds/${file}`, import.meta.url), 'utf8')) as Json).spec.versions[0].schema.openAPIV3Schema;
    const old = new Map([['ClusterNetworkPolicy', served('v2.1.0/clusternetworkpolicy.yaml')], ['ClusterGroup', served('v2.1.0/clustergroup.yaml')]]);
    const current = new Map([['ClusterNetworkPolicy', served('clusternetworkpolicy.yaml')], ['ClusterGroup', served('clustergroup.yaml')]]);
    const acnp = {
      apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'x', labels: { a: 'b' } },
      spec: { priority: 1, appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Allow', from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] },
    };
    const group = { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterGroup', metadata: { name: 'g' }, spec: { ipBlocks: [{ cidr: '192.168.0.0/24', except: ['192.168.0.0/25'] }] } };
    const prunedPaths = (kind: string, o: Json, schemas: Map<string, Json>) => pruneWithSchema(o, schemas.get(kind)!).pruned.map(formatFieldPath);
    assert.deepEqual(prunedPaths('ClusterNetworkPolicy', acnp, old), ['spec.ingress[0].from[0].ipBlock.except']);
    assert.deepEqual(prunedPaths('ClusterGroup', group, old), ['spec.ipBlocks[0].except']);
    assert.deepEqual(prunedPaths('ClusterNetworkPolicy', acnp, current), []);
    const objects = { tiers: [], clusterGroups: [group], policies: [acnp] } as unknown as AntreaObjects;
    // The current schemas keep except: the objects are written as they are.
    assert.equal(objectsForServedSchemas(objects, current), objects);
    // The v2.1.0 schemas would prune it: the positive CIDRs instead, which nothing prunes.
    const lowered = objectsForServedSchemas(objects, old) as unknown as { clusterGroups: Json[]; policies: Json[] };
    assert.deepEqual(lowered.policies[0].spec.ingress[0].from.map((p: Json) => p.ipBlock.cidr),
      ['10.0.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
    assert.deepEqual(lowered.clusterGroups[0].spec.ipBlocks, [{ cidr: '192.168.0.128/25' }]);
    assert.deepEqual(prunedPaths('ClusterNetworkPolicy', lowered.policies[0], old), []);
    assert.deepEqual(prunedPaths('ClusterGroup', lowered.clusterGroups[0], old), []);
    // Any other field the served schema does not have stays pruned: the adapter refuses that policy (ERROR).
    const other = { ...acnp, spec: { ...acnp.spec, bogus: 1 } };
    assert.deepEqual(prunedPaths('ClusterNetworkPolicy', objectsForServedSchemas({ tiers: [], clusterGroups: [], policies: [other] } as unknown as AntreaObjects, old).policies[0] as unknown as Json, old), ['spec.bogus']);
  });
});
