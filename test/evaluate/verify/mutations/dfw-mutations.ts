// Mutations of a DFW configuration (what `--target nsx` converts to), each one changed object at a time.
import type { Cluster } from '../../../../src/k8s/cluster.ts';
import { podIsLive } from '../../../../src/k8s/pod.ts';
import type { DfwConfig } from '../../../../src/model/dfw-config.ts';
import type { Condition, Expression, Group } from '../../../../src/model/group.ts';
import type { Rule } from '../../../../src/model/rule.ts';
import { CATEGORIES, type SecurityPolicy } from '../../../../src/model/security-policy.ts';
import type { L4PortSetServiceEntry } from '../../../../src/model/service-entry.ts';

/** One mutated config, with what changed and the rules a counterexample must name. */
export interface ConfigMutation<T> {
  readonly kind: string;
  readonly label: string;
  readonly marks: readonly (readonly string[])[];
  readonly objects: T;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ruleMark = (p: SecurityPolicy, r: Rule) => [`DFW policy ${p.display_name} rule ${r.display_name} (`];

/** A copy of the config with one rule (policy index, rule index) replaced by `f`'s result. */
function withRule(config: DfwConfig, pi: number, f: (rules: Rule[]) => Rule[]): DfwConfig {
  const policies = config.policies.map((p, i) => (i === pi ? { ...p, rules: f([...p.rules]) } : p));
  return { ...config, policies };
}

function withGroup(config: DfwConfig, gi: number, expression: readonly Expression[]): DfwConfig {
  return { ...config, groups: config.groups.map((g, i) => (i === gi ? { ...g, expression } : g)) };
}

/** The rules that use a group (in sources, destinations, a rule's or its policy's scope). */
function rulesUsing(config: DfwConfig, path: string): string[][] {
  const out: string[][] = [];
  for (const p of config.policies) {
    for (const r of p.rules) {
      if ([...r.source_groups, ...r.destination_groups, ...r.scope, ...p.scope].includes(path)) out.push(ruleMark(p, r));
    }
  }
  return out;
}

/** A pod label no condition of the group names, as `key|value`. */
function outsideLabel(cluster: Cluster, group: Group): string | undefined {
  const named = JSON.stringify(group.expression);
  for (const pod of cluster.pods) {
    if (!podIsLive(pod) || pod.hostNetwork) continue;
    for (const [k, v] of Object.entries(pod.labels)) if (!named.includes(`"${k}|${v}"`)) return `${k}|${v}`;
  }
  return undefined;
}

/** Every mutation of every kind the DFW config allows. */
export function dfwMutations(config: DfwConfig, cluster: Cluster): ConfigMutation<DfwConfig>[] {
  const out: ConfigMutation<DfwConfig>[] = [];
  config.policies.forEach((p, pi) => {
    p.rules.forEach((r, ri) => {
      const at = `${p.id}/${r.id}`;
      const marks = [ruleMark(p, r)];
      const entry = r.service_entries.findIndex((e) => e.resource_type === 'L4PortSetServiceEntry' && e.destination_ports.length > 0);
      if (entry >= 0) {
        const e = r.service_entries[entry] as L4PortSetServiceEntry;
        const replace = (ports: string[]) => withRule(config, pi, (rules) => {
          rules[ri] = { ...r, service_entries: r.service_entries.map((x, i) => (i === entry ? { ...e, destination_ports: ports } : x)) };
          return rules;
        });
        if (!e.destination_ports.includes('7000')) out.push({ kind: 'widen-port', label: `${at}: also 7000/${e.l4_protocol}`, marks, objects: replace([...e.destination_ports, '7000']) });
        const [first, ...rest] = e.destination_ports;
        const [lo, hi = lo] = first.split('-').map(Number);
        if (hi < 65535) out.push({ kind: 'widen-port', label: `${at}: ${first} -> ${lo}-${hi + 1}`, marks, objects: replace([`${lo}-${hi + 1}`, ...rest]) });
      }
      const action = r.action === 'ALLOW' ? 'DROP' : 'ALLOW';
      out.push({ kind: 'flip-action', label: `${at}: ${r.action} -> ${action}`, marks, objects: withRule(config, pi, (rules) => { rules[ri] = { ...r, action }; return rules; }) });
      const direction = r.direction === 'IN' ? 'OUT' : 'IN';
      out.push({ kind: 'flip-direction', label: `${at}: ${r.direction} -> ${direction}`, marks, objects: withRule(config, pi, (rules) => { rules[ri] = { ...r, direction }; return rules; }) });
      const next = p.rules[ri + 1];
      if (next) {
        out.push({
          kind: 'reorder', label: `${at} <-> ${next.id}`, marks: [ruleMark(p, r), ruleMark(p, next)],
          objects: withRule(config, pi, (rules) => {
            rules[ri] = { ...next, sequence_number: r.sequence_number };
            rules[ri + 1] = { ...r, sequence_number: next.sequence_number };
            return rules;
          }),
        });
      }
    });
    const narrowed = p.scope.filter((s) => s.includes('/cluster-control-planes/'));
    if (narrowed.length && narrowed.length < p.scope.length) {
      out.push({
        kind: 'widen-scope', label: `${p.id}: scope -> the whole cluster`, marks: p.rules.map((r) => ruleMark(p, r)),
        objects: { ...config, policies: config.policies.map((x, i) => (i === pi ? { ...p, scope: narrowed } : x)) },
      });
    }
  });
  // reorder two rules of different policies: a policy with allow rules and the next one with drop rules change places
  const order = config.policies.map((p, i) => ({ p, i })).sort((a, b) => (CATEGORIES.indexOf(a.p.category) - CATEGORIES.indexOf(b.p.category)) || (a.p.sequence_number - b.p.sequence_number));
  order.forEach(({ p, i }, k) => {
    if (!p.rules.some((r) => r.action === 'ALLOW')) return;
    const later = order.slice(k + 1).find((x) => x.p.rules.some((r) => r.action !== 'ALLOW'));
    if (!later) return;
    const q = later.p;
    out.push({
      kind: 'reorder', label: `${p.id} <-> ${q.id}`, marks: [...p.rules.map((r) => ruleMark(p, r)), ...q.rules.map((r) => ruleMark(q, r))],
      objects: { ...config, policies: config.policies.map((x, j) => (j === i ? { ...p, category: q.category, sequence_number: q.sequence_number } : j === later.i ? { ...q, category: p.category, sequence_number: p.sequence_number } : x)) },
    });
  });
  config.groups.forEach((g, gi) => {
    const marks = rulesUsing(config, g.path);
    if (marks.length === 0) return;
    const ipx = g.expression.findIndex((e) => e.resource_type === 'IPAddressExpression');
    if (ipx >= 0) {
      const e = g.expression[ipx] as Extract<Expression, { resource_type: 'IPAddressExpression' }>;
      const extra = e.ip_addresses.some((a) => a.includes(':')) ? '2001:db8::8/128' : '8.8.8.8/32';
      out.push({ kind: 'add-address', label: `${g.id}: + ${extra}`, marks, objects: withGroup(config, gi, g.expression.map((x, i) => (i === ipx ? { ...e, ip_addresses: [...e.ip_addresses, extra] } : x))) });
    }
    const nx = g.expression.findIndex((e) => e.resource_type === 'NestedExpression' && e.expressions.length >= 3);
    if (nx >= 0) {
      const e = g.expression[nx] as Extract<Expression, { resource_type: 'NestedExpression' }>;
      const dropped = e.expressions[e.expressions.length - 1] as Condition;
      out.push({
        kind: 'drop-condition', label: `${g.id}: without ${dropped.member_type} ${dropped.key} ${dropped.value}`, marks,
        objects: withGroup(config, gi, g.expression.map((x, i) => (i === nx ? { ...e, expressions: e.expressions.slice(0, -2) } : x))),
      });
    }
    if (g.expression.some((e) => JSON.stringify(e).includes('"member_type":"Pod"'))) {
      const label = outsideLabel(cluster, g);
      if (label) {
        const add: Mutable<Condition> = { resource_type: 'Condition', member_type: 'Pod', key: 'Tag', operator: 'EQUALS', value: label };
        out.push({ kind: 'add-member-label', label: `${g.id}: OR pods with ${label}`, marks, objects: withGroup(config, gi, [...g.expression, { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' }, add]) });
      }
    }
  });
  return out;
}
