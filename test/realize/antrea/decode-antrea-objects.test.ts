// Antrea objects from outside (`verify --against`): decoded as the release keeps them, with Antrea's defaults, and
// refused by object and field where np2dfw would have to guess.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, type InputProblem } from '../../../src/k8s/invalid-input.ts';
import { parseAntreaVersion } from '../../../src/realize/antrea/antrea-version.ts';
import { decodeAntreaObjects } from '../../../src/realize/antrea/decode/decode-antrea-objects.ts';

const API = 'crd.antrea.io/v1beta1';
const acnp = (name: string, spec: Record<string, unknown>) => ({ kind: 'ClusterNetworkPolicy', apiVersion: API, body: { apiVersion: API, kind: 'ClusterNetworkPolicy', metadata: { name }, spec } });

function decode(inputs: { kind: string; apiVersion: string; body: Record<string, unknown> }[], version = '2.7') {
  const problems: InputProblem[] = [];
  const r = decodeAntreaObjects(inputs, parseAntreaVersion(version), problems);
  return { ...r, problems: problems.map(formatProblem) };
}

describe('decodeAntreaObjects', () => {
  it('takes Antrea\'s defaults: tier application, TCP, unnamed rules named by their place', () => {
    const { objects, problems } = decode([acnp('p', { priority: 2, appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Drop', ports: [{ port: 22 }, { port: 'ssh' }] }] })]);
    assert.deepEqual(problems, []);
    const [p] = objects.policies;
    assert.equal(p.spec.tier, 'application');
    assert.deepEqual(p.spec.ingress, [{ name: '(unnamed spec.ingress[0])', action: 'Drop', ports: [{ protocol: 'TCP', port: 22 }, { protocol: 'TCP', port: 'ssh' }] }]);
  });

  it('refuses what Antrea or np2dfw would have to guess, by object and field', () => {
    const tier = { kind: 'Tier', apiVersion: API, body: { apiVersion: API, kind: 'Tier', metadata: { name: 'application' }, spec: { priority: 3 } } };
    const old = { kind: 'ClusterNetworkPolicy', apiVersion: 'crd.antrea.io/v1alpha1', body: { metadata: { name: 'old' } } };
    const anp = { kind: 'NetworkPolicy', apiVersion: API, body: { metadata: { name: 'anp', namespace: 'x' } } };
    const { problems } = decode([
      tier, old, anp,
      acnp('quoted', { priority: 1, appliedTo: [{ podSelector: {} }], ingress: [{ action: 'Allow', name: 'a', ports: [{ port: '80' }] }] }),
      acnp('sa', { priority: 1, appliedTo: [{ serviceAccount: { name: 'x', namespace: 'y' } }], ingress: [{ action: 'Allow', name: 'a', from: [{ namespaces: { match: 'Self' } }] }] }),
      acnp('missing', { priority: 1, appliedTo: [{ group: 'nowhere' }], ingress: [{ action: 'Allow', name: 'a' }] }),
    ]);
    const text = problems.join('\n');
    assert.match(text, /Tier\/application: spec\.priority: tier application is one of Antrea's own, with priority 250/);
    assert.match(text, /ClusterNetworkPolicy\/old: apiVersion: apiVersion crd\.antrea\.io\/v1alpha1 is not served/);
    assert.match(text, /NetworkPolicy\/anp: kind: Antrea NetworkPolicies \(namespaced\) are not evaluated by np2dfw/);
    assert.match(text, /ClusterNetworkPolicy\/quoted: spec\.ingress\[0\]\.ports\[0\]\.port: Invalid value: "80": must contain at least one letter/);
    assert.match(text, /ClusterNetworkPolicy\/sa: spec\.appliedTo\[0\]\.serviceAccount: not evaluated by np2dfw: appliedTo by serviceAccount/);
    assert.match(text, /ClusterNetworkPolicy\/sa: spec\.ingress\[0\]\.from\[0\]\.namespaces: not evaluated by np2dfw: peers by namespaces/);
    assert.match(text, /ClusterNetworkPolicy\/missing: spec\.appliedTo\[0\]\.group: ClusterGroup nowhere is not among the objects/);
  });

  it('prunes with the release\'s schemas and says so; what is left is validated', () => {
    const cg = { kind: 'ClusterGroup', apiVersion: API, body: { apiVersion: API, kind: 'ClusterGroup', metadata: { name: 'g', uid: 'u', resourceVersion: '9' }, spec: { ipBlocks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] }, status: { conditions: [{ type: 'GroupMembersComputed', status: 'True', reason: 'x' }] } } };
    const at21 = decode([cg], '2.1');
    assert.deepEqual(at21.problems, []);
    assert.deepEqual(at21.pruned.map(formatProblem), ['ClusterGroup/g: spec.ipBlocks[0].except: unknown to Antrea 2.1: its API server prunes this field, silently (if the cluster runs a later release, say so with --antrea-version)']);
    assert.deepEqual(at21.objects.clusterGroups[0].spec, { ipBlocks: [{ cidr: '10.0.0.0/8' }] });
    const at22 = decode([cg], '2.2');
    assert.deepEqual(at22.pruned, []);
    assert.deepEqual(at22.objects.clusterGroups[0].spec, { ipBlocks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] });
    const bad = decode([{ ...cg, body: { ...cg.body, spec: { ipBlocks: [{ cidr: '10.0.0.0/99' }] } } }]);
    assert.match(bad.problems.join('\n'), /ClusterGroup\/g: spec\.ipBlocks\[0\]\.cidr: must match format "cidr"/);
  });
});
