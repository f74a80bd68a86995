import type { DfwConfig } from '../model/dfw-config.ts';
import type { Group } from '../model/group.ts';
import type { SecurityPolicy } from '../model/security-policy.ts';

/** The body of NSX's hierarchical API call `PATCH /policy/api/v1/infra`: Infra > ChildDomain > children. */
export interface HierarchicalInfraBody {
  readonly resource_type: 'Infra';
  readonly children: readonly [{
    readonly resource_type: 'ChildDomain';
    readonly Domain: {
      readonly resource_type: 'Domain';
      readonly id: 'default';
      readonly children: readonly (
        | { readonly resource_type: 'ChildGroup'; readonly Group: Group }
        | { readonly resource_type: 'ChildSecurityPolicy'; readonly SecurityPolicy: SecurityPolicy }
      )[];
    };
  }];
}

/** A config as the hierarchical API body: every group first (policies refer to them), then every policy. */
export function hierarchicalBody(config: DfwConfig): HierarchicalInfraBody {
  return {
    resource_type: 'Infra',
    children: [{
      resource_type: 'ChildDomain',
      Domain: {
        resource_type: 'Domain',
        id: 'default',
        children: [
          ...config.groups.map((g) => ({ resource_type: 'ChildGroup' as const, Group: g })),
          ...config.policies.map((p) => ({ resource_type: 'ChildSecurityPolicy' as const, SecurityPolicy: p })),
        ],
      },
    }],
  };
}
