import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchAborts, keptByBatch, POLICY_NOT_FOUND, selectBatch } from '../../src/model/batch-selection.ts';
import { clusterFromYaml } from '../realize/antrea/test-clusters.ts';

const policyYaml = (uid: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p-${uid}, namespace: ns, uid: ${uid} }
spec: { podSelector: {} }
`;
const cluster = clusterFromYaml(['a', 'b', 'c'].map(policyYaml).join('---\n'), 'c1');

describe('batch selection (network_policy_ids and on_error)', () => {
  it('takes every policy in inventory order when no uid is asked for', () => {
    const s = selectBatch(cluster, undefined);
    assert.deepEqual(s.policies.map((p) => p.uid), ['a', 'b', 'c']);
    assert.deepEqual(s.unknown, []);
  });

  it('takes the uids asked for in request order, each once, and refuses unknown ones', () => {
    const s = selectBatch(cluster, ['c', 'x', 'a', 'c', 'x']);
    assert.deepEqual(s.policies.map((p) => p.uid), ['c', 'a']);
    assert.deepEqual(s.unknown, [{ namespace: '', name: '', uid: 'x', code: POLICY_NOT_FOUND, path: 'metadata.uid', message: 'no NetworkPolicy of cluster c1 has uid x' }]);
  });

  it('abort (the default) keeps nothing once a policy is refused; continue keeps the rest', () => {
    assert.deepEqual(keptByBatch(undefined, 1, [1, 2]), []);
    assert.deepEqual(keptByBatch('abort', 1, [1, 2]), []);
    assert.deepEqual(keptByBatch('abort', 0, [1, 2]), [1, 2]);
    assert.deepEqual(keptByBatch('continue', 3, [1, 2]), [1, 2]);
    assert.equal(batchAborts(undefined, 1), true);
    assert.equal(batchAborts('abort', 0), false);
    assert.equal(batchAborts('continue', 1), false);
  });
});
