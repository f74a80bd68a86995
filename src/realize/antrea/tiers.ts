import type { Category } from '../../model/security-policy.ts';
import { ANTREA_API_VERSION, type Tier } from './antrea-objects.ts';
import { managedMetadata } from './managed-metadata.ts';

/** Antrea's own tiers (created by the Antrea controller), by name, with their priorities. */
export const STATIC_TIERS: ReadonlyMap<string, number> = new Map([
  ['emergency', 50],
  ['securityops', 100],
  ['networkops', 150],
  ['platform', 200],
  ['application', 250],
  ['baseline', 253],
]);

/** The tier Antrea uses when a policy names none. */
export const DEFAULT_TIER = 'application';

/** The tier enforced after the Kubernetes NetworkPolicies. */
export const BASELINE_TIER = 'baseline';

/** The tier the NSX adapter realizes each DFW category in, and its priority: ahead of every Antrea tier. */
export const NSX_CATEGORY_TIERS: ReadonlyMap<Category, { readonly name: string; readonly priority: number }> = new Map([
  ['Ethernet', { name: 'nsx-category-ethernet', priority: 0 }],
  ['Emergency', { name: 'nsx-category-emergency', priority: 1 }],
  ['Infrastructure', { name: 'nsx-category-infrastructure', priority: 2 }],
  ['Environment', { name: 'nsx-category-environment', priority: 3 }],
  ['Application', { name: 'nsx-category-application', priority: 4 }],
] as const);

/** The Tier object of a DFW category, as the adapter creates it. */
export function nsxCategoryTier(category: Category): Tier {
  const t = NSX_CATEGORY_TIERS.get(category)!;
  return {
    apiVersion: ANTREA_API_VERSION,
    kind: 'Tier',
    metadata: managedMetadata(t.name, {}, { 'np2dfw.io/nsx-category': category }),
    spec: { priority: t.priority, description: `NSX DFW category ${category}` },
  };
}
