import { dns1123LabelErrors } from '../../k8s/validate/names.ts';

/**
 * The roles, with NSX's identifiers and names: `enterprise_admin` (Enterprise Admin), `security_engineer`
 * (Security Admin), `security_op` (Security Operator), `auditor` (Auditor); and np2dfw's `antrea_adapter`, the
 * role of a cluster's adapter, bound to one cluster.
 */
export const ROLES = ['enterprise_admin', 'security_engineer', 'security_op', 'auditor', 'antrea_adapter'] as const;
export type Role = (typeof ROLES)[number];

/** The names NSX shows for the roles. */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  enterprise_admin: 'Enterprise Admin',
  security_engineer: 'Security Admin',
  security_op: 'Security Operator',
  auditor: 'Auditor',
  antrea_adapter: 'Antrea Adapter',
};

/** What a request may need. */
export type Permission =
  /** Any authenticated user (e.g. asking who it is). */
  | 'authenticated'
  /** Read groups, security policies, rules, realization. */
  | 'policy.read'
  /** Change groups, security policies and rules; import NetworkPolicies. */
  | 'policy.write'
  /** Read clusters, their inventory and health. */
  | 'inventory.read'
  /** Register a cluster and report its inventory, health and realization (adapters: their own cluster only). */
  | 'inventory.report'
  /** Read the audit log. */
  | 'audit.read'
  /** Add, change and remove users and tokens. */
  | 'users.manage';

/** Every permission a role can hold (what `GET /api/v1/aaa/user-info` lists for the caller). */
export const PERMISSIONS: readonly Exclude<Permission, 'authenticated'>[] = [
  'policy.read', 'policy.write', 'inventory.read', 'inventory.report', 'audit.read', 'users.manage',
];

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  enterprise_admin: ['policy.read', 'policy.write', 'inventory.read', 'inventory.report', 'audit.read', 'users.manage'],
  security_engineer: ['policy.read', 'policy.write', 'inventory.read', 'audit.read'],
  security_op: ['policy.read', 'inventory.read', 'audit.read'],
  auditor: ['policy.read', 'inventory.read', 'audit.read'],
  antrea_adapter: ['inventory.report'],
};

/** Who made a request: the user, its role, and for an adapter the cluster it speaks for. */
export interface Principal {
  /** The user's name. */
  readonly name: string;
  /** The user's role. */
  readonly role: Role;
  /** For `antrea_adapter`: the one cluster it may report for. */
  readonly cluster?: string;
}

/**
 * Why a cluster name cannot be used (undefined when it can): cluster names are DNS-1123 labels (lowercase letters,
 * digits and '-', 1-63 characters, starting and ending with a letter or digit), as the cluster-control-plane ids
 * of the Antrea adapter are. Adapter users are bound to one.
 */
export function clusterNameProblem(name: string): string | undefined {
  const errors = dns1123LabelErrors(name);
  return errors.length ? `cluster name ${JSON.stringify(name.slice(0, 80))}: ${errors.join('; ')}` : undefined;
}

/** Whether a role holds a permission. */
export function roleAllows(role: Role, permission: Permission): boolean {
  if (permission === 'authenticated') return true;
  return GRANTS[role].includes(permission);
}

/** Whether the principal may act on this cluster's reports: an adapter only on its own cluster. */
export function mayReportFor(principal: Principal, cluster: string): boolean {
  if (!roleAllows(principal.role, 'inventory.report')) return false;
  return principal.role !== 'antrea_adapter' || principal.cluster === cluster;
}

/** Parses a role given by its identifier or its NSX name (case-insensitive). */
export function parseRole(value: string): Role | undefined {
  const v = value.trim().toLowerCase();
  for (const r of ROLES) if (r === v || ROLE_NAMES[r].toLowerCase() === v) return r;
  return undefined;
}
