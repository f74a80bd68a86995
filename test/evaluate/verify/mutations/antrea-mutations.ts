// Mutations of Antrea objects (what `--target antrea` realizes, and what the NSX adapter realizes for
// `--target nsx-antrea`), one changed rule or group at a time.
import type { Cluster } from '../../../../src/k8s/cluster.ts';
import { podIsLive } from '../../../../src/k8s/pod.ts';
import type { AntreaLabelSelector, AntreaObjects, AntreaPeer, AntreaRule, ClusterNetworkPolicy } from '../../../../src/realize/antrea/antrea-objects.ts';
import type { ConfigMutation } from './dfw-mutations.ts';

type Field = 'ingress' | 'egress';

const ruleMark = (p: ClusterNetworkPolicy, r: AntreaRule) => [`ClusterNetworkPolicy ${p.metadata.name} (`, `"${r.name}"`];

function withPolicy(objects: AntreaObjects, pi: number, spec: ClusterNetworkPolicy['spec']): AntreaObjects {
  return { ...objects, policies: objects.policies.map((p, i) => (i === pi ? { ...p, spec } : p)) };
}

function withRule(objects: AntreaObjects, pi: number, field: Field, ri: number, rule: AntreaRule): AntreaObjects {
  const p = objects.policies[pi];
  return withPolicy(objects, pi, { ...p.spec, [field]: (p.spec[field] ?? []).map((r, i) => (i === ri ? rule : r)) });
}

/** A selector with one requirement fewer; undefined when it has none. */
function dropOne(s: AntreaLabelSelector | undefined): AntreaLabelSelector | undefined {
  if (!s) return undefined;
  const keys = Object.keys(s.matchLabels ?? {});
  if (keys.length) {
    const matchLabels = { ...s.matchLabels };
    delete matchLabels[keys[keys.length - 1]];
    return { ...s, matchLabels };
  }
  if (s.matchExpressions?.length) return { ...s, matchExpressions: s.matchExpressions.slice(0, -1) };
  return undefined;
}

/** Live pods' labels, as selectors, that no selector of the rule names (one per pod, at most 3). */
function outsideLabels(cluster: Cluster, rule: AntreaRule): AntreaLabelSelector[] {
  const named = JSON.stringify(rule);
  const out: AntreaLabelSelector[] = [];
  for (const pod of cluster.pods) {
    if (!podIsLive(pod) || pod.hostNetwork) continue;
    const label = Object.entries(pod.labels).find(([k, v]) => !named.includes(`"${k}":"${v}"`) && !out.some((s) => s.matchLabels?.[k] === v));
    if (label) out.push({ matchLabels: { [label[0]]: label[1] } });
    if (out.length === 3) break;
  }
  return out;
}

/** Every mutation of every kind the Antrea objects allow. */
export function antreaMutations(objects: AntreaObjects, cluster: Cluster): ConfigMutation<AntreaObjects>[] {
  const out: ConfigMutation<AntreaObjects>[] = [];
  objects.policies.forEach((p, pi) => {
    for (const field of ['ingress', 'egress'] as const) {
      const peersOf = field === 'ingress' ? 'from' : 'to';
      const rules = p.spec[field] ?? [];
      rules.forEach((r, ri) => {
        const at = `${p.metadata.name} ${field}[${ri}]`;
        const marks = [ruleMark(p, r)];
        const put = (rule: AntreaRule) => withRule(objects, pi, field, ri, rule);
        const pk = (r.ports ?? []).findIndex((x) => typeof x.port === 'number');
        if (pk >= 0) {
          const port = r.ports![pk];
          const last = port.endPort ?? (port.port as number);
          out.push({ kind: 'widen-port', label: `${at}: also 7000/${port.protocol}`, marks, objects: put({ ...r, ports: [...r.ports!, { protocol: port.protocol, port: 7000 }] }) });
          if (last < 65535) out.push({ kind: 'widen-port', label: `${at}: ports[${pk}] to ${last + 1}`, marks, objects: put({ ...r, ports: r.ports!.map((x, i) => (i === pk ? { ...x, endPort: last + 1 } : x)) }) });
        }
        const action = r.action === 'Allow' ? 'Drop' : 'Allow';
        out.push({ kind: 'flip-action', label: `${at}: ${r.action} -> ${action}`, marks, objects: put({ ...r, action }) });
        const other: Field = field === 'ingress' ? 'egress' : 'ingress';
        const { from, to, ...rest } = r;
        const flipped: AntreaRule = { ...rest, ...(field === 'ingress' ? (from ? { to: from } : {}) : (to ? { from: to } : {})) };
        out.push({
          kind: 'flip-direction', label: `${at} -> ${other}`, marks,
          objects: withPolicy(objects, pi, { ...p.spec, [field]: rules.filter((_, i) => i !== ri), [other]: [flipped, ...(p.spec[other] ?? [])] }),
        });
        if (ri + 1 < rules.length) {
          const swapped = [...rules];
          [swapped[ri], swapped[ri + 1]] = [rules[ri + 1], r];
          out.push({ kind: 'reorder', label: `${at} <-> [${ri + 1}]`, marks: [...marks, ruleMark(p, rules[ri + 1])], objects: withPolicy(objects, pi, { ...p.spec, [field]: swapped }) });
        }
        if (r.appliedTo) out.push({ kind: 'widen-scope', label: `${at}: appliedTo every pod`, marks, objects: put({ ...r, appliedTo: [{ namespaceSelector: {} }] }) });
        const peers = r[peersOf] ?? [];
        peers.forEach((peer, k) => {
          const putPeer = (x: AntreaPeer) => put({ ...r, [peersOf]: peers.map((y, i) => (i === k ? x : y)) });
          if (peer.ipBlock?.except?.length) {
            out.push({ kind: 'drop-except', label: `${at} ${peersOf}[${k}]: without except ${peer.ipBlock.except.at(-1)}`, marks, objects: putPeer({ ipBlock: { ...peer.ipBlock, except: peer.ipBlock.except.slice(0, -1) } }) });
          }
          if (peer.ipBlock) {
            const extra = peer.ipBlock.cidr.includes(':') ? '2001:db8::8/128' : '8.8.8.8/32';
            out.push({ kind: 'add-address', label: `${at}: + ${extra}`, marks, objects: put({ ...r, [peersOf]: [...peers, { ipBlock: { cidr: extra } }] }) });
          }
          const pod = dropOne(peer.podSelector);
          if (pod) out.push({ kind: 'drop-condition', label: `${at} ${peersOf}[${k}].podSelector: one requirement fewer`, marks, objects: putPeer({ ...peer, podSelector: pod }) });
          const ns = dropOne(peer.namespaceSelector);
          if (ns) out.push({ kind: 'drop-condition', label: `${at} ${peersOf}[${k}].namespaceSelector: one requirement fewer`, marks, objects: putPeer({ ...peer, namespaceSelector: ns }) });
        });
        if (peers.length) {
          for (const sel of outsideLabels(cluster, r)) out.push({ kind: 'add-member-label', label: `${at}: + pods with ${JSON.stringify(sel.matchLabels)}`, marks, objects: put({ ...r, [peersOf]: [...peers, { podSelector: sel, namespaceSelector: {} }] }) });
        }
      });
    }
  });
  // reorder two rules of different policies: a policy with Allow rules takes the tier and priority of one with Drop rules
  const rulesOf = (p: ClusterNetworkPolicy) => [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])];
  objects.policies.forEach((p, pi) => {
    if (!rulesOf(p).some((r) => r.action === 'Allow')) return;
    const qi = objects.policies.findIndex((q) => q !== p && rulesOf(q).some((r) => r.action === 'Drop') && rulesOf(q).length > 0);
    if (qi < 0) return;
    const q = objects.policies[qi];
    out.push({
      kind: 'reorder', label: `${p.metadata.name} <-> ${q.metadata.name}`, marks: [...rulesOf(p).map((r) => ruleMark(p, r)), ...rulesOf(q).map((r) => ruleMark(q, r))],
      objects: { ...objects, policies: objects.policies.map((x, i) => (i === pi ? { ...p, spec: { ...p.spec, tier: q.spec.tier, priority: q.spec.priority } } : i === qi ? { ...q, spec: { ...q.spec, tier: p.spec.tier, priority: p.spec.priority } } : x)) },
    });
  });
  objects.clusterGroups.forEach((g, gi) => {
    const marks: string[][] = [];
    for (const p of objects.policies) {
      for (const r of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) if (JSON.stringify(r).includes(`"group":"${g.metadata.name}"`) || JSON.stringify(p.spec.appliedTo ?? []).includes(`"group":"${g.metadata.name}"`)) marks.push(ruleMark(p, r));
    }
    if (marks.length === 0) return;
    const put = (spec: typeof g.spec) => ({ ...objects, clusterGroups: objects.clusterGroups.map((x, i) => (i === gi ? { ...g, spec } : x)) });
    const blocks = g.spec.ipBlocks;
    if (blocks?.length) {
      const extra = blocks[0].cidr.includes(':') ? '2001:db8::8/128' : '8.8.8.8/32';
      out.push({ kind: 'add-address', label: `ClusterGroup ${g.metadata.name}: + ${extra}`, marks, objects: put({ ...g.spec, ipBlocks: [...blocks, { cidr: extra }] }) });
      const bi = blocks.findIndex((b) => b.except?.length);
      if (bi >= 0) out.push({ kind: 'drop-except', label: `ClusterGroup ${g.metadata.name}: ipBlocks[${bi}] one except fewer`, marks, objects: put({ ...g.spec, ipBlocks: blocks.map((b, i) => (i === bi ? { ...b, except: b.except!.slice(0, -1) } : b)) }) });
    }
    const pod = dropOne(g.spec.podSelector);
    if (pod) out.push({ kind: 'drop-condition', label: `ClusterGroup ${g.metadata.name}: podSelector one requirement fewer`, marks, objects: put({ ...g.spec, podSelector: pod }) });
    const ns = dropOne(g.spec.namespaceSelector);
    if (ns) out.push({ kind: 'drop-condition', label: `ClusterGroup ${g.metadata.name}: namespaceSelector one requirement fewer`, marks, objects: put({ ...g.spec, namespaceSelector: ns }) });
  });
  return out;
}
