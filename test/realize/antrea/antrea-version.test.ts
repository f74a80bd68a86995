// --antrea-version: objects valid for the release (no `except` before 2.2, the positive CIDRs instead, which mean
// exactly the same), and verify models what that release's API server keeps (structural pruning with its schemas).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAntreaTarget, buildNsxAntreaTarget, keptByApiServer } from '../../../src/targets/antrea.ts';
import { createAntreaEngine } from '../../../src/evaluate/antrea/antrea-engine.ts';
import { createKubernetesEngine } from '../../../src/evaluate/kubernetes/kubernetes-engine.ts';
import { verifyEngines } from '../../../src/evaluate/verify/verify-engines.ts';
import type { InputProblem } from '../../../src/k8s/invalid-input.ts';
import { formatFieldPath } from '../../../src/k8s/field-path.ts';
import { allAntreaObjects, type AntreaObjects, type ClusterNetworkPolicy } from '../../../src/realize/antrea/antrea-objects.ts';
import {
  crdSchemaDir, DEFAULT_ANTREA_VERSION, parseAntreaVersion, SUPPORTED_ANTREA_VERSIONS, type AntreaVersion,
} from '../../../src/realize/antrea/antrea-version.ts';
import { antreaInputsOf, decodeAntreaObjects } from '../../../src/realize/antrea/decode/decode-antrea-objects.ts';
import { objectsForVersion } from '../../../src/realize/antrea/for-version.ts';
import { realizeAntreaDirect } from '../../../src/realize/antrea/realize-targets.ts';
import { pruneObject } from '../../../src/realize/antrea/validate/prune.ts';
import { validateAntreaObjects } from '../../../src/realize/antrea/validate/validate-objects.ts';
import { CrdSchemaValidator } from '../../../src/realize/antrea/validate/crd-schemas.ts';
import { clusterFromYaml, exampleClusters, generatedClusters } from './test-clusters.ts';

const V = (s: string): AntreaVersion => parseAntreaVersion(s);

const POD_A = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default, labels: {app: a}}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.0.0.5, phase: Running}\n';

/** A NetworkPolicy of namespace default selecting every pod, with these ingress rules (YAML lines). */
function policyWith(ingress: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {}\n  ingress:\n${ingress}`;
}
const hasExcept = (objects: AntreaObjects) => JSON.stringify(allAntreaObjects(objects)).includes('"except"');

describe('Antrea versions', () => {
  it('parses X.Y (also vX.Y.Z) of a supported release; refuses the others with the supported range', () => {
    assert.deepEqual(V('2.1'), { major: 2, minor: 1 });
    assert.deepEqual(V('v2.2.1'), { major: 2, minor: 2 });
    assert.deepEqual(SUPPORTED_ANTREA_VERSIONS, ['2.0', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7']);
    assert.deepEqual(DEFAULT_ANTREA_VERSION, { major: 2, minor: 0 });
    assert.throws(() => V('1.15'), /Antrea 1\.15 is not supported: np2dfw supports 2\.0 to 2\.7/);
    assert.throws(() => V('2.8'), /for a newer release, 2\.7 writes objects it accepts/);
    assert.throws(() => V('latest'), /is not a version/);
  });

  it('prunes what the release\'s schemas do not declare, as the API server does', () => {
    const acnp = {
      apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'p' }, unknownTop: 1,
      spec: {
        priority: 1, appliedTo: [{ podSelector: { matchLabels: { app: 'x' } } }], typo: true,
        ingress: [{ action: 'Allow', from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 'http', extra: 1 }] }],
      },
    };
    const paths = (v: string) => pruneObject('ClusterNetworkPolicy', acnp, V(v)).pruned.map(formatFieldPath).sort();
    assert.deepEqual(paths('2.1'), ['spec.ingress[0].from[0].ipBlock.except', 'spec.ingress[0].ports[0].extra', 'spec.typo', 'unknownTop']);
    assert.deepEqual(paths('2.2'), ['spec.ingress[0].ports[0].extra', 'spec.typo', 'unknownTop']);
    const kept = pruneObject('ClusterNetworkPolicy', acnp, V('2.1')).object;
    assert.deepEqual(kept.spec, { priority: 1, appliedTo: [{ podSelector: { matchLabels: { app: 'x' } } }], ingress: [{ action: 'Allow', from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 'http' }] }] });
    assert.equal(acnp.spec.ingress[0].from[0].ipBlock.except.length, 1, 'the input is not changed');
    const group = { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterGroup', metadata: { name: 'g' }, spec: { nodeSelector: { matchLabels: { a: 'b' } }, ipBlocks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] } };
    const gpaths = (v: string) => pruneObject('ClusterGroup', group, V(v)).pruned.map(formatFieldPath).sort();
    assert.deepEqual(gpaths('2.1'), ['spec.ipBlocks[0].except', 'spec.nodeSelector']);
    assert.deepEqual(gpaths('2.5'), ['spec.nodeSelector']);
    assert.deepEqual(gpaths('2.6'), []);
  });

  it('validates with the release\'s own schemas: except is unknown to 2.1, known to 2.2', () => {
    const block = { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterGroup', metadata: { name: 'g' }, spec: { ipBlocks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] } };
    assert.deepEqual(new CrdSchemaValidator(crdSchemaDir(V('2.1'))).validate(block).map((p) => p.message), ['unknown field "except"']);
    assert.deepEqual(new CrdSchemaValidator(crdSchemaDir(V('2.2'))).validate(block), []);
  });

  it('below 2.2 never writes except, and the positive CIDRs verify equivalent; from 2.2 except is written natively', () => {
    let withExcept = 0;
    for (const [name, cluster] of [...exampleClusters(), ...generatedClusters(6)]) {
      const reference = createKubernetesEngine(cluster);
      const native = realizeAntreaDirect(cluster, { onError: 'continue', antreaVersion: V('2.2') }).objects;
      if (hasExcept(native)) withExcept++;
      for (const v of ['2.0', '2.1', '2.2', '2.7']) {
        const objects = realizeAntreaDirect(cluster, { onError: 'continue', antreaVersion: V(v) }).objects;
        if (v < '2.2') assert.equal(hasExcept(objects), false, `${name} ${v}`);
        else assert.deepEqual(objects, native, `${name} ${v}`);
        assert.deepEqual(validateAntreaObjects(objects, new CrdSchemaValidator(crdSchemaDir(V(v)))), [], `${name} ${v}`);
        // nsx-antrea where NSX can express the cluster (examples/named-ports is NSX's documented refusal case).
        for (const build of [buildAntreaTarget, buildNsxAntreaTarget]) {
          const t = build(cluster, { onError: 'abort', antreaVersion: V(v) });
          if (t.refusals.length === 0) assert.ok(verifyEngines(cluster, reference, t.engine).equivalent, `${name} ${v} ${t.engine.name}`);
          else assert.notEqual(build, buildAntreaTarget, `${name}: antrea refused`);
        }
      }
    }
    assert.ok(withExcept >= 3, `clusters with except: ${withExcept}`);
  });

  it('a rule whose excepts cover its whole CIDR matches nothing, and is left out rather than emptied (an empty peer list means every peer)', () => {
    const covered = '  - from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/25, 10.0.0.128/25]}}]\n';
    const cluster = clusterFromYaml(`${POD_A}---\n${policyWith(`${covered}  - from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/25]}}]\n    ports: [{port: 80}]\n`)}`);
    const objects = realizeAntreaDirect(cluster, { antreaVersion: V('2.1') }).objects;
    const allow = objects.policies.find((p) => p.metadata.annotations['np2dfw.io/role'] === 'allow');
    assert.ok(allow);
    assert.deepEqual(allow.spec.ingress?.map((r) => [r.name, r.from]), [['ingress-1', [{ ipBlock: { cidr: '10.0.0.128/25' } }]]]);
    const t = buildAntreaTarget(cluster, { onError: 'abort', antreaVersion: V('2.1') });
    assert.ok(verifyEngines(cluster, createKubernetesEngine(cluster), t.engine).equivalent);
    // A policy whose only rule matched nothing goes too; the drop policy stays.
    const only = clusterFromYaml(policyWith(covered));
    const o2 = objectsForVersion(realizeAntreaDirect(only, { antreaVersion: V('2.2') }).objects, V('2.1'));
    assert.deepEqual(o2.policies.map((p) => p.metadata.annotations['np2dfw.io/role']), ['drop']);
  });

  it('a hand-made object with except, kept by a 2.1 API server, widens the rule: verify says different', () => {
    const cluster = exampleClusters().find(([n]) => n === 'examples/seed-003')![1];
    const handMade = realizeAntreaDirect(cluster, { antreaVersion: V('2.2') }).objects;
    assert.ok(hasExcept(handMade));
    const verifyAt = (v: string) => {
      const problems: InputProblem[] = [];
      const kept = decodeAntreaObjects(antreaInputsOf(handMade), V(v), problems);
      assert.deepEqual(problems, []);
      const engine = createAntreaEngine({ cluster, objects: kept.objects });
      return { pruned: kept.pruned, report: verifyEngines(cluster, createKubernetesEngine(cluster), engine) };
    };
    const at21 = verifyAt('2.1');
    assert.deepEqual(at21.pruned.map((p) => `${p.object}: ${formatFieldPath(p.path)}`), ['ClusterNetworkPolicy/default.test-network-policy.allow: spec.ingress[0].from[0].ipBlock.except']);
    assert.equal(at21.report.equivalent, false);
    // The excepted 172.17.1.0/24 is let in: seed-003's allowed 6379 from the whole /16.
    assert.ok(at21.report.counterexamples.some((x) => x.src.startsWith('172.17.1.') && x.dst === 'default/db' && x.port === 6379 && x.other.allowed && !x.reference.allowed), JSON.stringify(at21.report.counterexamples));
    const at22 = verifyAt('2.2');
    assert.deepEqual(at22.pruned, []);
    assert.equal(at22.report.equivalent, true);
  });

  it('the verify pipeline refuses to evaluate np2dfw\'s own objects if the release would not keep them whole', () => {
    const cluster = exampleClusters().find(([n]) => n === 'examples/seed-003')![1];
    const p: ClusterNetworkPolicy = realizeAntreaDirect(cluster, { antreaVersion: V('2.2') }).objects.policies[0];
    assert.throws(() => keptByApiServer({ tiers: [], clusterGroups: [], policies: [p] }, V('2.1')), /not kept as written: its API server prunes\n  ClusterNetworkPolicy\/default\.test-network-policy\.allow: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except/);
  });
});
