import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { AntreaObjects, ClusterGroup, ClusterNetworkPolicy, Tier } from '../../../src/realize/antrea/antrea-objects.ts';
import { allAntreaObjects } from '../../../src/realize/antrea/antrea-objects.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from '../../../src/realize/antrea/realize-targets.ts';
import { antreaObjectsToJson, antreaObjectsToYaml } from '../../../src/realize/antrea/serialize.ts';
import { admissionProblems } from '../../../src/realize/antrea/validate/admission.ts';
import { CrdSchemaValidator } from '../../../src/realize/antrea/validate/crd-schemas.ts';
import { validateAntreaObjects } from '../../../src/realize/antrea/validate/validate-objects.ts';
import { exampleClusters, generatedClusters } from './test-clusters.ts';

const validator = new CrdSchemaValidator();
const V = 'crd.antrea.io/v1beta1' as const;
const meta = (name: string) => ({ name, labels: {}, annotations: {} });
const cg = (name: string, spec: ClusterGroup['spec']): ClusterGroup => ({ apiVersion: V, kind: 'ClusterGroup', metadata: meta(name), spec });
const acnp = (name: string, spec: Partial<ClusterNetworkPolicy['spec']>): ClusterNetworkPolicy =>
  ({ apiVersion: V, kind: 'ClusterNetworkPolicy', metadata: meta(name), spec: { tier: 'application', priority: 5, ...spec } });
const objs = (parts: Partial<AntreaObjects>): AntreaObjects => ({ tiers: [], clusterGroups: [], policies: [], ...parts });
const sel = { group: 'web' };
const web = cg('web', { podSelector: { matchLabels: { app: 'web' } } });

describe('every Antrea object np2dfw emits passes the CRD schemas and the admission rules', () => {
  const runs: [string, AntreaObjects][] = [];
  for (const [name, cluster] of [...exampleClusters(), ...generatedClusters()]) {
    runs.push([`antrea ${name}`, realizeAntreaDirect(cluster, { onError: 'continue' }).objects]);
    runs.push([`nsx-antrea ${name}`, realizeNsxAntrea(cluster, { onError: 'continue' }).objects]);
  }

  it(`checks ${runs.length} realizations`, () => {
    let count = 0;
    for (const [name, objects] of runs) {
      assert.deepEqual(validateAntreaObjects(objects, validator), [], name);
      count += allAntreaObjects(objects).length;
    }
    assert.ok(count > 500, `${count} objects checked`);
  });

  it('prints -o yaml as a multi-document stream of plain objects (no YAML aliases), and -o json as a List', () => {
    for (const [name, objects] of runs) {
      const text = antreaObjectsToYaml(objects);
      const docs = parseAllDocuments(text);
      assert.equal(docs.length, allAntreaObjects(objects).length, name);
      for (const d of docs) {
        assert.equal(d.errors.length, 0);
        const o = d.toJS() as { apiVersion: string; kind: string };
        assert.equal(o.apiVersion, V);
        assert.ok(['Tier', 'ClusterGroup', 'ClusterNetworkPolicy'].includes(o.kind));
      }
      assert.ok(!/[&*][a-z]+\d/.test(text), 'no anchors or aliases');
      const list = JSON.parse(antreaObjectsToJson(objects)) as { kind: string; items: unknown[] };
      assert.equal(list.kind, 'List');
      assert.deepEqual(list.items, docs.map((d) => d.toJS()));
    }
  });
});

describe('the CRD schema check', () => {
  it('treats unknown fields as errors, although the schemas do not say additionalProperties: false', () => {
    const bad = { ...acnp('x', { appliedTo: [sel] }), spec: { tier: 'application', priority: 5, appliedTo: [sel], ingres: [] } };
    assert.deepEqual(validator.validate(bad).map((p) => p.message), ['unknown field "ingres"']);
    const badMeta = { ...web, metadata: { ...web.metadata, namespace: 'x' } };
    assert.deepEqual(validator.validate(badMeta).map((p) => p.message), ['unknown field "namespace"']);
    const badPeer = acnp('x', { ingress: [{ name: 'r', action: 'Allow', appliedTo: [sel], from: [{ group: 'web', podSelecter: {} } as never] }] });
    assert.deepEqual(validator.validate(badPeer).map((p) => `${p.path} ${p.message}`), ['/spec/ingress/0/from/0 unknown field "podSelecter"']);
  });

  it('checks enums, ranges, formats and int-or-string ports', () => {
    const p = acnp('x', { priority: 0, ingress: [{ name: 'r', action: 'Permit' as never, appliedTo: [sel], from: [{ ipBlock: { cidr: '10.0.0.1' } }], ports: [{ protocol: 'ICMP' as never, port: true as never }] }] });
    const paths = validator.validate(p).map((x) => x.path);
    for (const want of ['/spec/priority', '/spec/ingress/0/action', '/spec/ingress/0/from/0/ipBlock/cidr', '/spec/ingress/0/ports/0/protocol', '/spec/ingress/0/ports/0/port']) {
      assert.ok(paths.includes(want), `${want} in ${paths.join(', ')}`);
    }
    assert.deepEqual(validator.validate(acnp('x', { priority: 10000, appliedTo: [sel], ingress: [{ name: 'r', action: 'Allow', ports: [{ protocol: 'SCTP', port: 'http' }] }] })), []);
    const tier: Tier = { apiVersion: V, kind: 'Tier', metadata: meta('t'), spec: { priority: 256 } };
    assert.equal(validator.validate(tier)[0].path, '/spec/priority');
    assert.equal(validator.validate({ ...web, metadata: { name: 'Not_A_Name', labels: {}, annotations: {} } })[0].path, '/metadata/name');
  });
});

describe("Antrea's admission rules", () => {
  const messages = (o: AntreaObjects) => admissionProblems(o).map((p) => p.message);

  it('accepts namespaceSelector with podSelector in a ClusterGroup, and refuses any other pair', () => {
    assert.deepEqual(messages(objs({ clusterGroups: [cg('a', { podSelector: {}, namespaceSelector: { matchLabels: { x: 'y' } } })] })), []);
    assert.deepEqual(messages(objs({ clusterGroups: [cg('a', { namespaceSelector: {} })] })), []);
    assert.match(messages(objs({ clusterGroups: [cg('a', { podSelector: {}, ipBlocks: [{ cidr: '10.0.0.0/8' }] })] }))[0], /At most one of/);
    assert.match(messages(objs({ clusterGroups: [cg('b', {}), cg('a', { childGroups: ['b'], namespaceSelector: {} })] }))[0], /At most one of/);
  });

  it('allows one level of childGroups only', () => {
    const ok = objs({ clusterGroups: [cg('c', { podSelector: {} }), cg('p', { childGroups: ['c'] })] });
    assert.deepEqual(messages(ok), []);
    const nested = objs({ clusterGroups: [cg('c', { podSelector: {} }), cg('m', { childGroups: ['c'] }), cg('p', { childGroups: ['m'] })] });
    assert.ok(messages(nested).some((m) => /who has 1 childGroups itself/.test(m)));
    assert.ok(messages(nested).some((m) => /who has 1 parents/.test(m)));
  });

  it('wants appliedTo on the spec or on every rule, never both, never neither', () => {
    let n = 0;
    const r = (appliedTo?: { group: string }[]) => ({ name: `r${n++}`, action: 'Allow' as const, ...(appliedTo ? { appliedTo } : {}) });
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { appliedTo: [sel], ingress: [r()] })] })), []);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [r([sel])], egress: [r([sel])] })] })), []);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { appliedTo: [sel], ingress: [r([sel])] })] })), ['appliedTo should not be set in both spec and rules']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [r()] })] })), ['appliedTo needs to be set in either spec or rules']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [r([sel])], egress: [r()] })] })), ['appliedTo field should either be set in all rules or in none of them']);
  });

  it('wants unique rule names across ingress and egress', () => {
    const rule = { name: 'same', action: 'Drop' as const, appliedTo: [sel] };
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [rule], egress: [rule] })] })), ['rules names must be unique within the policy (same)']);
  });

  it('checks priorities, tiers, peers, ipBlocks and ports', () => {
    const rule = { name: 'r', action: 'Allow' as const, appliedTo: [sel] };
    assert.match(messages(objs({ clusterGroups: [web], policies: [acnp('p', { priority: 10001, ingress: [rule] })] }))[0], /outside 1-10000/);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { tier: 'nsx-category-application', ingress: [rule] })] })), ['tier nsx-category-application does not exist']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { tier: 'baseline', ingress: [{ ...rule, action: 'Pass' }] })] })), ['`Pass` action should not be set for Baseline Tier policy rules']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [{ ...rule, from: [{ group: 'web', ipBlock: { cidr: '10.0.0.0/8' } }] }] })] })), ['group cannot be set with other peers in rules']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [{ ...rule, from: [{ group: 'missing' }] }] })] })), ['ClusterGroup missing is not among the objects']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [{ ...rule, from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] })] })), ['except CIDR 10.1.0.0/24 is not a strict subset of CIDR 10.0.0.0/16']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [{ ...rule, ports: [{ protocol: 'TCP', port: 90, endPort: 80 }] }] })] })), ['`endPort` should be greater than or equal to `port`']);
    assert.deepEqual(messages(objs({ clusterGroups: [web], policies: [acnp('p', { ingress: [{ ...rule, ports: [{ protocol: 'TCP', port: 'http', endPort: 80 }] }] })] })), ['if `port` is a string `endPort` cannot be specified']);
    assert.deepEqual(messages(objs({ clusterGroups: [cg('x', { podSelector: { matchLabels: { app: 'not valid!' } } })] })), ['Invalid label value: not valid!']);
    const tier: Tier = { apiVersion: V, kind: 'Tier', metadata: meta('t'), spec: { priority: 250 } };
    assert.deepEqual(messages(objs({ tiers: [tier] })), ['tier t priority 250 overlaps with existing Tier application']);
    assert.deepEqual(messages(objs({ tiers: [{ ...tier, spec: { priority: 252 } }] })), ['tier t priority 252 is reserved']);
  });
});
