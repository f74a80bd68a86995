// A config printed the way seed 000 shows DFW rules: one table per policy (Sources, Destinations, Services,
// Context Profiles, Applied To, Action, Direction) with group names, then each group's membership.
import type { DfwConfig } from '../model/dfw-config.ts';
import type { Condition, Expression, Group } from '../model/group.ts';
import type { Rule } from '../model/rule.ts';
import type { ServiceEntry } from '../model/service-entry.ts';

const HEADER = '| Sources | Destinations | Services | Context Profiles | Applied To | Action | Direction |\n| --- | --- | --- | --- | --- | --- | --- |';

function cap(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

function serviceText(e: ServiceEntry): string {
  if (e.resource_type === 'NamedPortServiceEntry') return `${e.l4_protocol} Source: Any, Destination: named port ${e.port_name}`;
  return `${e.l4_protocol} Source: Any, Destination: ${e.destination_ports.length ? e.destination_ports.join(', ') : 'Any'}`;
}

function conditionText(c: Condition): string {
  if (c.key === 'Name') return `${c.member_type} Name ${c.operator === 'EQUALS' ? '=' : '!='} ${c.value}`;
  const [key, value] = [c.value.slice(0, c.value.indexOf('|')), c.value.slice(c.value.indexOf('|') + 1)];
  if (c.scope_operator === 'NOTEQUALS') return `${c.member_type} without tag scope ${key}`;
  if (c.scope_operator === 'EQUALS' && value === '') return `${c.member_type} with tag scope ${key}`;
  return `${c.member_type} Tag ${c.operator === 'EQUALS' ? '=' : '!='} ${key}|${value}`;
}

function expressionText(list: readonly Expression[]): string {
  return list.map((x) => {
    switch (x.resource_type) {
      case 'ConjunctionOperator': return x.conjunction_operator;
      case 'Condition': return conditionText(x);
      case 'NestedExpression': return `(${expressionText(x.expressions)})`;
      case 'IPAddressExpression': return `IP ${x.ip_addresses.join(', ')}`;
      case 'PathExpression': return `members of ${x.paths.join(', ')}`;
    }
  }).join(' ');
}

/** The tables of every policy of a config, and its groups. */
export function formatRuleTables(config: DfwConfig): string {
  const names = new Map<string, string>(config.groups.map((g: Group) => [g.path, g.display_name]));
  const groupList = (paths: readonly string[], used: boolean) =>
    !used ? 'N/A' : paths.length === 1 && paths[0] === 'ANY' ? 'Any' : paths.map((p) => names.get(p) ?? p).join(', ');
  const out: string[] = [];
  for (const p of config.policies) {
    const appliedTo = p.scope.map((s) => names.get(s) ?? (s.includes('/cluster-control-planes/') ? `cluster ${s.slice(s.lastIndexOf('/') + 1)}` : s)).join(', ');
    out.push(`${p.display_name}\n  category ${p.category}, sequence ${p.sequence_number}, applied to ${appliedTo}\n`);
    out.push(HEADER);
    for (const r of [...p.rules].sort((a: Rule, b: Rule) => a.sequence_number - b.sequence_number)) {
      // An allow rule of an Antrea-spanned policy has sources (IN) or destinations (OUT): the other side is N/A.
      const isAllow = r.action === 'ALLOW';
      const sourcesUsed = !isAllow || r.direction !== 'OUT' || !(r.source_groups.length === 1 && r.source_groups[0] === 'ANY');
      const destinationsUsed = !isAllow || r.direction !== 'IN' || !(r.destination_groups.length === 1 && r.destination_groups[0] === 'ANY');
      const services = r.service_entries.length ? r.service_entries.map(serviceText).join('; ') : 'Any';
      const scope = r.scope.length === 1 && r.scope[0] === 'ANY' ? 'Any' : r.scope.map((s) => names.get(s) ?? s).join(', ');
      out.push(`| ${groupList(r.source_groups, sourcesUsed)} | ${groupList(r.destination_groups, destinationsUsed)} | ${services} | N/A | ${scope} | ${cap(r.action)} | ${r.direction === 'IN_OUT' ? 'In_Out' : cap(r.direction)} |`);
    }
    out.push('');
  }
  if (config.groups.length) {
    out.push('Groups');
    for (const g of config.groups) out.push(`  ${g.display_name}: ${expressionText(g.expression)}`);
    out.push('');
  }
  return out.join('\n');
}
