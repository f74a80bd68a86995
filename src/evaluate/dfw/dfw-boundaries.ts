// The ports and addresses a DFW configuration names: every service entry's destination ports and every static
// IP member of every group, however deeply nested.
import type { DfwConfig } from '../../model/dfw-config.ts';
import { parsePortValue } from '../../model/service-entry.ts';
import type { PortBoundary } from '../boundaries.ts';
import type { TargetBoundaries } from '../target.ts';

/** Every `ip_addresses` entry in an expression list, nested expressions included. */
function expressionAddresses(expressions: readonly unknown[], out: string[]): void {
  for (const e of expressions) {
    if (typeof e !== 'object' || e === null) continue;
    if ('ip_addresses' in e && Array.isArray(e.ip_addresses)) for (const a of e.ip_addresses) if (typeof a === 'string') out.push(a);
    if ('expressions' in e && Array.isArray(e.expressions)) expressionAddresses(e.expressions, out);
  }
}

/** A list, or nothing when the field is absent (a group or rule stored by the manager may omit it). */
const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);

/**
 * The boundaries of a DFW configuration (its groups and its rules' service entries). Fields a stored object
 * omits (a group without `expression`, a rule without `service_entries`) name nothing.
 */
export function dfwBoundaries(config: DfwConfig): TargetBoundaries {
  const addresses: string[] = [];
  for (const g of config.groups) expressionAddresses(list(g.expression), addresses);
  const ports: PortBoundary[] = [];
  for (const p of config.policies) {
    for (const rule of list(p.rules)) {
      for (const entry of list(rule.service_entries)) {
        if (entry.resource_type !== 'L4PortSetServiceEntry') continue;
        for (const v of list(entry.destination_ports)) {
          const r = parsePortValue(v);
          if (r) ports.push({ protocol: entry.l4_protocol, ...r });
        }
      }
    }
  }
  return { ports, addresses };
}
