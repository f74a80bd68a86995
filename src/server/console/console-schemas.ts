// Response schemas of the console's read-only routes (published in /openapi.json).
import type { JsonSchema } from '../http/schemas.ts';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const tags = { type: 'array', items: { type: 'object', properties: { scope: str, tag: str } } } as const;
const origin = {
  type: 'object', description: 'the NetworkPolicy (and for an allow rule, its Kubernetes rule) the object was converted from',
  properties: { cluster: str, namespace: str, policyName: str, policyUid: str, direction: { enum: ['Ingress', 'Egress'] }, ruleIndex: int },
} as const;
const realization = {
  type: 'array', items: { type: 'object', properties: { cluster: str, policy_id: str, revision: int, state: { enum: ['pending', 'realized', 'error'] }, message: str, updated_at: int } },
} as const;

/** A window of a table: `results`, how many match in all, and where the window starts. */
function windowOf(item: JsonSchema): JsonSchema {
  return { type: 'object', properties: { results: { type: 'array', items: item }, result_count: int, offset: int } };
}

export const CONSOLE_POLICY_TABLE_SCHEMA = windowOf({
  type: 'object',
  properties: {
    position: { ...int, description: 'place in this filtered list (1 = evaluated first)' }, id: str, display_name: str, path: str, category: str,
    sequence_number: int, scope: { type: 'array', items: str }, tags, rule_count: int, _revision: int, origin, realization,
  },
});

export const CONSOLE_POLICY_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'a security policy as GET .../security-policies/{id} returns it, plus origin, realization and, per rule, origin and statistics',
  properties: {
    id: str, display_name: str, rules: { type: 'array', items: { type: 'object', properties: { id: str, origin, statistics: { type: ['object', 'null'] } } } },
    origin, realization, group_names: { type: 'object', additionalProperties: str },
  },
};

export const CONSOLE_GROUP_TABLE_SCHEMA = windowOf({
  type: 'object', properties: { id: str, display_name: str, path: str, tags, expression: { type: 'array' }, _revision: int, origin },
});

export const CONSOLE_MEMBERS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    group: { type: 'object' }, clusters: { type: 'array', items: str }, ip_addresses: { type: 'array', items: str },
    results: { type: 'array', items: { type: 'object', properties: { cluster: str, namespace: str, name: str, labels: { type: 'object' }, ips: { type: 'array', items: str } } } },
    result_count: int, offset: int,
  },
};

export const CONSOLE_NETWORK_POLICIES_SCHEMA = windowOf({
  type: 'object',
  properties: { uid: str, namespace: str, name: str, yaml: str, summary: { type: 'array', items: str }, imported: { type: 'object' } },
});

const cellCounts = { type: 'object', properties: { pairs: int, before: int, after: int, changed: int } } as const;
export const CONSOLE_HEATMAP_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    cluster: str, level: { enum: ['namespaces', 'pods'] }, protocol: str, port: int, family: int, before: str, after: str,
    rows: { type: 'array', items: { type: 'object', properties: { name: str, pods: int } } }, row_count: int, row_offset: int,
    columns: { type: 'array', items: { type: 'object', properties: { name: str, pods: int } } }, column_count: int, column_offset: int,
    cells: { type: 'array', description: 'cells[row][column]: namespaces: pair counts; pods: {before, after, changed} booleans', items: { type: 'array' } },
    totals: cellCounts,
    warnings: { type: 'array', items: str, description: 'stored objects that could not be evaluated (left out)' },
  },
};

const direction = { type: 'object', properties: { allowed: bool, decided_by: str, notes: { type: 'array', items: str } } } as const;
const world = { type: 'object', properties: { engine: str, allowed: bool, egress: direction, ingress: direction } } as const;
export const CONSOLE_TRACE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    cluster: str,
    connection: { type: 'object', properties: { source: str, source_ip: str, destination: str, destination_ip: str, protocol: str, port: int, family: int } },
    kubernetes: world, dfw: world, same_verdict: bool,
    traceflow: { type: 'object', properties: { available: bool, reason: str } },
    warnings: { type: 'array', items: str, description: 'stored objects that could not be evaluated (left out)' },
  },
};
