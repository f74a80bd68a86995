import type { Rule } from './rule.ts';
import type { Tag } from './tag.ts';

/** DFW categories, in the order the firewall evaluates them. */
export const CATEGORIES = ['Ethernet', 'Emergency', 'Infrastructure', 'Environment', 'Application'] as const;
export type Category = (typeof CATEGORIES)[number];

/** An NSX SecurityPolicy (a section of DFW rules). */
export interface SecurityPolicy {
  readonly resource_type: 'SecurityPolicy';
  readonly id: string;
  readonly display_name: string;
  readonly path: string;
  readonly category: Category;
  /** Order within the category: lower first. */
  readonly sequence_number: number;
  /** Applied-to: the Antrea cluster's path and the applied-to group's path. */
  readonly scope: readonly string[];
  readonly stateful: boolean;
  readonly rules: readonly Rule[];
  readonly tags: readonly Tag[];
}
