import type { ContrailConfig, FirewallRuleEndpoint } from './contrail-objects.ts';

/**
 * The objects as Contrail's config API takes them: `resources` lists one POST body per object (`{"tag": {...}}`,
 * `{"address-group": {...}}`, `{"firewall-rule": {...}}`, `{"firewall-policy": {...}}`,
 * `{"application-policy-set": {...}}`) in creation order, references after what they refer to; `workloads` lists
 * the tags each pod's interface must carry (kube-manager attaches them).
 */
export function contrailConfigToJson(config: ContrailConfig): string {
  const resources = [
    ...config.tags.map((o) => ({ tag: o })),
    ...config.addressGroups.map((o) => ({ 'address-group': o })),
    ...config.rules.map((o) => ({ 'firewall-rule': o })),
    ...config.policies.map((o) => ({ 'firewall-policy': o })),
    { 'application-policy-set': config.applicationPolicySet },
  ];
  return `${JSON.stringify({ resources, workloads: config.workloads }, null, 2)}\n`;
}

function endpointText(e: FirewallRuleEndpoint): string {
  if (e.any) return 'any';
  if (e.address_group !== undefined) return `address group ${e.address_group.slice(e.address_group.lastIndexOf(':') + 1)}`;
  return (e.tags ?? []).join(' && ');
}

/** The rules as seed 002's tables show them: name, action, service, endpoint 1, direction, endpoint 2, by policy. */
export function contrailConfigToTable(config: ContrailConfig): string {
  const rules = new Map(config.rules.map((r) => [r.fq_name.join(':'), r]));
  const lines: string[] = [];
  for (const pref of config.applicationPolicySet.firewall_policy_refs) {
    const policy = config.policies.find((p) => p.fq_name.join(':') === pref.to.join(':'));
    if (!policy) continue;
    lines.push(`Firewall policy ${policy.name} (sequence ${pref.attr.sequence})`);
    const rows = [['Seq', 'Rule Name', 'Action', 'Service', 'Endpoint1', 'Direction', 'Endpoint2']];
    for (const rref of policy.firewall_rule_refs) {
      const r = rules.get(rref.to.join(':'));
      if (!r) continue;
      const s = r.service;
      const svc = s.protocol === 'any' ? 'any' : `${s.protocol}:${s.dst_ports.start_port === s.dst_ports.end_port ? s.dst_ports.start_port : `${s.dst_ports.start_port}-${s.dst_ports.end_port}`}`;
      rows.push([rref.attr.sequence, r.name, r.action_list.simple_action, svc, endpointText(r.endpoint_1), r.direction, endpointText(r.endpoint_2)]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) lines.push(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`);
    lines.push('');
  }
  if (config.addressGroups.length) {
    lines.push('Address groups');
    for (const ag of config.addressGroups) lines.push(`  ${ag.name}: ${ag.address_group_prefix.subnet.map((s) => `${s.ip_prefix}/${s.ip_prefix_len}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
