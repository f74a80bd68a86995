import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import type { AntreaObjects } from '../../src/realize/antrea/antrea-objects.ts';
import { allAntreaObjects } from '../../src/realize/antrea/antrea-objects.ts';
import { parseAntreaVersion } from '../../src/realize/antrea/antrea-version.ts';
import { realizeAntreaDirect } from '../../src/realize/antrea/realize-targets.ts';
import { antreaEmitter, AntreaRejectsError } from '../../src/targets/antrea.ts';
import { EMITTERS } from '../../src/targets/registry.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { join } from 'node:path';

const V = parseAntreaVersion;
const cluster = loadClusterFromPaths([join(REPO_ROOT, 'examples', 'seed-003')], { cluster: 'example' });
/** Objects written for 2.2, which has ipBlock `except`: what np2dfw would wrongly print for 2.0 without its rewrite. */
const withExcept: AntreaObjects = realizeAntreaDirect(cluster, { onError: 'continue', antreaVersion: V('2.2') }).objects;

describe('convert --target antrea and nsx-antrea check their objects before printing them', () => {
  it('the example writes except for 2.2 (the objects the next tests print for 2.0)', () => {
    assert.ok(JSON.stringify(allAntreaObjects(withExcept)).includes('"except"'));
  });

  it('refuses to print what the release\'s API server would not keep, naming the object, the field and the release', () => {
    const emitter = antreaEmitter(() => ({ objects: withExcept, refusals: [], remaining: [] }));
    assert.ok(emitter.emit(cluster, { onError: 'abort', format: 'yaml', antreaVersion: V('2.2') }).text.includes('except:'));
    assert.throws(() => emitter.emit(cluster, { onError: 'abort', format: 'yaml', antreaVersion: V('2.0') }), (e: unknown) => {
      assert.ok(e instanceof AntreaRejectsError);
      assert.ok(e.problems.length > 0);
      assert.ok(e.problems.every((p) => /^ClusterNetworkPolicy\//.test(p.object) && /\/ipBlock$/.test(p.path) && p.message === 'unknown field "except"'), JSON.stringify(e.problems));
      assert.match(e.message, /^np2dfw would write objects that Antrea 2\.0 rejects .*nothing was written/);
      assert.match(e.message, /\n {2}ClusterNetworkPolicy\/\S+ \/spec\/(ingress|egress)\/\d+\/(from|to)\/\d+\/ipBlock: unknown field "except"/);
      return true;
    });
  });

  it('refuses what Antrea\'s admission webhook rejects (a policy in a tier that is not there)', () => {
    const [first, ...rest] = withExcept.policies;
    const objects: AntreaObjects = { ...withExcept, policies: [{ ...first, spec: { ...first.spec, tier: 'no-such-tier' } }, ...rest] };
    const emitter = antreaEmitter(() => ({ objects, refusals: [], remaining: [] }));
    assert.throws(() => emitter.emit(cluster, { onError: 'abort', format: 'json', antreaVersion: V('2.7') }), (e: unknown) => {
      assert.ok(e instanceof AntreaRejectsError);
      assert.deepEqual(e.problems.map((p) => `${p.object} ${p.path}`), [`ClusterNetworkPolicy/${first.metadata.name} /spec/tier`]);
      return true;
    });
  });

  it('the registered emitters print the example for every release', () => {
    for (const target of ['antrea', 'nsx-antrea']) {
      const emitter = EMITTERS.get(target)!;
      for (const v of ['2.0', '2.2', '2.7']) {
        const out = emitter.emit(cluster, { onError: 'continue', format: 'yaml', antreaVersion: V(v) });
        assert.match(out.text, /kind: ClusterNetworkPolicy/, `${target} ${v}`);
      }
    }
  });
});
