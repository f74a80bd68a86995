/**
 * The JSON schemas of the API's bodies: the server validates requests with them (unknown fields of the import
 * request are refused, as NSX's NetworkPolicyImportRequest has no additional properties) and /openapi.json
 * publishes them.
 */

/** A JSON schema (the subset np2dfw writes). */
export type JsonSchema = Readonly<Record<string, unknown>>;

const str: JsonSchema = { type: 'string' };
/** NSX sequence numbers: 32-bit signed integers, not negative (1e308 or 2^63 are refused). */
const sequenceNumber: JsonSchema = { type: 'integer', minimum: 0, maximum: 2_147_483_647 };
const strList: JsonSchema = { type: 'array', items: { type: 'string' } };
const tags: JsonSchema = {
  type: 'array', maxItems: 30,
  items: { type: 'object', properties: { scope: str, tag: str }, additionalProperties: false },
};

/** The fields every NSX managed resource may carry; the read-only ones are ignored on input. */
const managed: Record<string, JsonSchema> = {
  id: { type: 'string', minLength: 1, maxLength: 255 },
  display_name: { type: 'string', maxLength: 255 },
  description: { type: 'string', maxLength: 1024 },
  tags,
  path: str, parent_path: str, relative_path: str, unique_id: str, realization_id: str, remote_path: str,
  marked_for_delete: { type: 'boolean' }, overridden: { type: 'boolean' },
  _revision: { type: 'integer', minimum: 0 },
  _create_time: { type: 'integer' }, _create_user: str, _last_modified_time: { type: 'integer' }, _last_modified_user: str,
  _system_owned: { type: 'boolean' }, _protection: str, _links: { type: 'array' }, _self: { type: 'object' }, _schema: str,
};

/** NSX Group (Antrea and other group types). */
export const GROUP_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ...managed,
    resource_type: { const: 'Group' },
    group_type: strList,
    expression: { type: 'array', maxItems: 100, items: { type: 'object', required: ['resource_type'], properties: { resource_type: str } } },
    extended_expression: { type: 'array' },
  },
  additionalProperties: false,
};

const serviceEntry: JsonSchema = {
  type: 'object',
  required: ['resource_type'],
  properties: {
    ...managed,
    resource_type: str,
    l4_protocol: { enum: ['TCP', 'UDP'] },
    destination_ports: { type: 'array', maxItems: 15, items: str },
    source_ports: { type: 'array', maxItems: 15, items: str },
  },
};

/** NSX Rule (inside a SecurityPolicy). */
export const RULE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ...managed,
    resource_type: { const: 'Rule' },
    action: { enum: ['ALLOW', 'DROP', 'REJECT', 'JUMP_TO_APPLICATION'] },
    direction: { enum: ['IN', 'OUT', 'IN_OUT'] },
    ip_protocol: { enum: ['IPV4', 'IPV6', 'IPV4_IPV6'] },
    sequence_number: sequenceNumber,
    rule_id: { type: 'integer' },
    source_groups: { type: 'array', maxItems: 128, items: str },
    destination_groups: { type: 'array', maxItems: 128, items: str },
    sources_excluded: { type: 'boolean' },
    destinations_excluded: { type: 'boolean' },
    services: strList,
    service_entries: { type: 'array', items: serviceEntry },
    profiles: strList,
    scope: strList,
    logged: { type: 'boolean' },
    disabled: { type: 'boolean' },
    notes: str,
    tag: str,
  },
  additionalProperties: false,
};

/** NSX SecurityPolicy, optionally with its rules. */
export const SECURITY_POLICY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ...managed,
    resource_type: { const: 'SecurityPolicy' },
    category: { enum: ['Ethernet', 'Emergency', 'Infrastructure', 'Environment', 'Application'] },
    sequence_number: sequenceNumber,
    scope: strList,
    stateful: { type: 'boolean' },
    tcp_strict: { type: 'boolean' },
    locked: { type: 'boolean' },
    comments: str,
    logging_enabled: { type: 'boolean' },
    rules: { type: 'array', maxItems: 1000, items: RULE_SCHEMA },
    children: { type: 'array' },
  },
  additionalProperties: false,
};

/** The hierarchical body of `PATCH /policy/api/v1/infra` (Infra > ChildDomain > ChildGroup / ChildSecurityPolicy). */
export const INFRA_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['resource_type'],
  properties: {
    resource_type: { const: 'Infra' },
    id: str, _revision: { type: 'integer' }, display_name: str,
    children: {
      type: 'array',
      items: {
        type: 'object',
        required: ['resource_type', 'Domain'],
        properties: {
          resource_type: { const: 'ChildDomain' },
          marked_for_delete: { type: 'boolean' },
          Domain: {
            type: 'object',
            required: ['id'],
            properties: {
              resource_type: { const: 'Domain' }, id: { const: 'default' }, display_name: str, _revision: { type: 'integer' },
              children: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['resource_type'],
                  properties: {
                    resource_type: { enum: ['ChildGroup', 'ChildSecurityPolicy'] },
                    marked_for_delete: { type: 'boolean' },
                    Group: { type: 'object' },
                    SecurityPolicy: { type: 'object' },
                  },
                  additionalProperties: false,
                },
              },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** The most NetworkPolicy ids one import request may list (NSX's limit). */
export const MAX_IMPORT_IDS = 5000;

/** NSX NetworkPolicyImportRequest. */
export const IMPORT_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['network_policy_ids'],
  properties: {
    network_policy_ids: { type: 'array', minItems: 1, maxItems: MAX_IMPORT_IDS, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 255 } },
    sequence_number_upper: sequenceNumber,
    sequence_number_lower: sequenceNumber,
  },
  additionalProperties: false,
};

const importErrorMessage: JsonSchema = {
  type: 'object',
  properties: {
    network_policy_id: str,
    errors: { type: 'array', items: { type: 'object', properties: { error_code: str, error_message: str } } },
  },
};

/** NSX NetworkPolicyImportResponse, plus np2dfw's `verification` (NSX clients ignore it). */
export const IMPORT_RESPONSE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    request_count: { type: 'integer' },
    success_count: { type: 'integer' },
    errors: { type: 'array', items: importErrorMessage },
    errors_general: { type: 'array', items: importErrorMessage },
    verification: { type: 'array', items: { type: 'object' } },
  },
};

/** NSX's error body. */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    httpStatus: str, error_code: { type: 'integer' }, module_name: str, error_message: str,
    related_errors: { type: 'array', items: { type: 'object' } },
  },
};

/** A list result: `results`, `result_count` (all matches), `cursor` (absent on the last page). */
export const LIST_RESULT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { results: { type: 'array' }, result_count: { type: 'integer' }, cursor: str },
};

/** A cluster's inventory: Kubernetes objects as kubectl prints them (Namespace, Pod, NetworkPolicy, Node, Service). */
export const INVENTORY_SNAPSHOT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['objects'],
  properties: { objects: { type: 'array', maxItems: 2_000_000, items: { type: 'object' } } },
  additionalProperties: false,
};

/** An incremental inventory change: objects added or changed, and objects deleted. */
export const INVENTORY_CHANGES_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    upserts: { type: 'array', items: { type: 'object' } },
    deletes: {
      type: 'array',
      items: {
        type: 'object', required: ['kind', 'name'],
        properties: { kind: { enum: ['Namespace', 'Pod', 'NetworkPolicy', 'Node', 'Service'] }, namespace: str, name: str },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** An adapter's health report. */
export const HEALTH_REPORT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN'] },
    components: {
      type: 'array', maxItems: 100,
      items: {
        type: 'object', required: ['name', 'status'],
        properties: { name: { type: 'string', maxLength: 253 }, status: { enum: ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN'] }, message: { type: 'string', maxLength: 4096 } },
        additionalProperties: false,
      },
    },
    message: { type: 'string', maxLength: 4096 },
  },
  additionalProperties: false,
};

/** The adapter's realization report. */
export const REALIZATION_REPORT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['statuses'],
  properties: {
    statuses: {
      type: 'array',
      items: {
        type: 'object', required: ['policy_id', 'state'],
        properties: {
          policy_id: str,
          revision: { type: 'integer', minimum: 0 },
          state: { enum: ['REALIZED', 'ERROR', 'PENDING'] },
          message: str,
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** A user to add or change. */
export const USER_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['role'],
  properties: {
    role: str,
    cluster: str,
    password: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
};

/** A token to create. */
export const TOKEN_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { description: { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
