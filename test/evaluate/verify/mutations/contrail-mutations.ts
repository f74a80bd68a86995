// Mutations of a Contrail configuration (what `--target contrail` realizes), one changed object at a time.
import type { Cluster } from '../../../../src/k8s/cluster.ts';
import type { ContrailConfig, FirewallRule } from '../../../../src/realize/contrail/contrail-objects.ts';
import type { ConfigMutation } from './dfw-mutations.ts';

const ruleMark = (r: FirewallRule) => [`firewall rule ${r.name} (`];

function withRule(config: ContrailConfig, ri: number, rule: FirewallRule): ContrailConfig {
  return { ...config, rules: config.rules.map((r, i) => (i === ri ? rule : r)) };
}

/** Every mutation of every kind the Contrail config allows. */
export function contrailMutations(config: ContrailConfig, cluster: Cluster): ConfigMutation<ContrailConfig>[] {
  const out: ConfigMutation<ContrailConfig>[] = [];
  config.rules.forEach((r, ri) => {
    const marks = [ruleMark(r)];
    const put = (rule: FirewallRule) => withRule(config, ri, rule);
    const d = r.service.dst_ports;
    if (d.end_port < 65535) out.push({ kind: 'widen-port', label: `${r.name}: ports to ${d.end_port + 1}`, marks, objects: put({ ...r, service: { ...r.service, dst_ports: { ...d, end_port: d.end_port + 1 } } }) });
    if (d.end_port < 7000) out.push({ kind: 'widen-port', label: `${r.name}: ports to 7000`, marks, objects: put({ ...r, service: { ...r.service, dst_ports: { ...d, end_port: 7000 } } }) });
    const action = r.action_list.simple_action === 'pass' ? 'deny' : 'pass';
    out.push({ kind: 'flip-action', label: `${r.name}: ${action}`, marks, objects: put({ ...r, action_list: { simple_action: action } }) });
    const direction = r.direction === '<' ? '>' : '<';
    out.push({ kind: 'flip-direction', label: `${r.name}: ${direction}`, marks, objects: put({ ...r, direction }) });
    const t1 = r.endpoint_1.tags ?? [];
    if (t1.length) out.push({ kind: 'widen-scope', label: `${r.name}: endpoint_1 without ${t1.at(-1)}`, marks, objects: put({ ...r, endpoint_1: { ...r.endpoint_1, tags: t1.slice(0, -1) } }) });
    const t2 = r.endpoint_2.tags ?? [];
    if (t2.length) out.push({ kind: 'drop-condition', label: `${r.name}: endpoint_2 without ${t2.at(-1)}`, marks, objects: put({ ...r, endpoint_2: { ...r.endpoint_2, tags: t2.slice(0, -1) } }) });
  });
  config.policies.forEach((p, pi) => {
    const refs = [...p.firewall_rule_refs].sort((a, b) => Number.parseFloat(a.attr.sequence) - Number.parseFloat(b.attr.sequence));
    for (let i = 0; i + 1 < refs.length; i++) {
      const [a, b] = [refs[i], refs[i + 1]];
      const names = [a.to.at(-1)!, b.to.at(-1)!];
      const swapped = p.firewall_rule_refs.map((x) => (x === a ? { ...x, attr: b.attr } : x === b ? { ...x, attr: a.attr } : x));
      out.push({
        kind: 'reorder', label: `${p.name}: ${names.join(' <-> ')}`, marks: names.map((n) => [`firewall rule ${n} (`]),
        objects: { ...config, policies: config.policies.map((x, j) => (j === pi ? { ...p, firewall_rule_refs: swapped } : x)) },
      });
    }
  });
  // reorder two rules of different firewall policies: two policies of the application policy set change places
  const set = config.applicationPolicySet;
  const prefs = [...set.firewall_policy_refs].sort((a, b) => Number.parseFloat(a.attr.sequence) - Number.parseFloat(b.attr.sequence));
  for (let i = 0; i + 1 < prefs.length; i++) {
    const [a, b] = [prefs[i], prefs[i + 1]];
    const rulesOf = (ref: typeof a) => config.policies.find((p) => p.name === ref.to.at(-1))?.firewall_rule_refs.map((x) => [`firewall rule ${x.to.at(-1)} (`]) ?? [];
    out.push({
      kind: 'reorder', label: `${a.to.at(-1)} <-> ${b.to.at(-1)}`, marks: [...rulesOf(a), ...rulesOf(b)],
      objects: { ...config, applicationPolicySet: { ...set, firewall_policy_refs: set.firewall_policy_refs.map((x) => (x === a ? { ...x, attr: b.attr } : x === b ? { ...x, attr: a.attr } : x)) } },
    });
  }
  config.addressGroups.forEach((g, gi) => {
    const ref = g.fq_name.join(':');
    const marks = config.rules.filter((r) => r.endpoint_1.address_group === ref || r.endpoint_2.address_group === ref).map(ruleMark);
    if (!marks.length) return;
    const v6 = g.address_group_prefix.subnet.some((s) => s.ip_prefix.includes(':'));
    const extra = v6 ? { ip_prefix: '2001:db8::8', ip_prefix_len: 128 } : { ip_prefix: '8.8.8.8', ip_prefix_len: 32 };
    out.push({
      kind: 'add-address', label: `${g.name}: + ${extra.ip_prefix}`, marks,
      objects: { ...config, addressGroups: config.addressGroups.map((x, i) => (i === gi ? { ...g, address_group_prefix: { subnet: [...g.address_group_prefix.subnet, extra] } } : x)) },
    });
  });
  // add a member label: a workload gains a tag that some rule's endpoint names and it lacks
  const used = [...new Set(config.rules.flatMap((r) => [...(r.endpoint_1.tags ?? []), ...(r.endpoint_2.tags ?? [])]))];
  const live = new Set(cluster.pods.filter((p) => !p.hostNetwork).map((p) => `${p.namespace}/${p.name}`));
  config.workloads.forEach((w, wi) => {
    if (!live.has(w.pod)) return;
    const tag = used.find((t) => !w.tags.includes(t) && !w.tags.some((x) => x.split('=')[0] === t.split('=')[0]));
    if (!tag) return;
    const marks = config.rules.filter((r) => [...(r.endpoint_1.tags ?? []), ...(r.endpoint_2.tags ?? [])].includes(tag)).map(ruleMark);
    out.push({ kind: 'add-member-label', label: `${w.pod}: + ${tag}`, marks, objects: { ...config, workloads: config.workloads.map((x, i) => (i === wi ? { ...w, tags: [...w.tags, tag] } : x)) } });
  });
  return out;
}
