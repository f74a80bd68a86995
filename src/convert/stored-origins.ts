// The origin of DFW objects read back from a store (the NSX API keeps no np2dfw bookkeeping): the policy's
// origin tags (seed 000) name the NetworkPolicy, and an allow rule's id (`ids.rule`) names its Kubernetes rule.
import type { Origin } from '../model/dfw-config.ts';
import type { SecurityPolicy } from '../model/security-policy.ts';
import type { Tag } from '../model/tag.ts';
import { ids } from './names.ts';
import { TAG_SCOPE } from './tags.ts';

/** The NetworkPolicy named by an object's origin tags, when it has all four. */
export function originOfTags(tags: readonly Tag[] | undefined): Origin | undefined {
  const get = (scope: string) => tags?.find((t) => t.scope === scope)?.tag;
  const cluster = get(TAG_SCOPE.cluster);
  const namespace = get(TAG_SCOPE.namespace);
  const policyName = get(TAG_SCOPE.policyName);
  const policyUid = get(TAG_SCOPE.policyUid);
  if (cluster === undefined || namespace === undefined || policyName === undefined || policyUid === undefined) return undefined;
  return { cluster, namespace, policyName, policyUid };
}

/** The Kubernetes rule an allow rule's id names (`ingress-rule-0`, `egress-rule-2`), if it is one. */
export function ruleOriginOfId(ruleId: string): { direction: 'Ingress' | 'Egress'; ruleIndex: number } | undefined {
  const m = /^(ingress|egress)-rule-(\d+)$/.exec(ruleId);
  if (!m) return undefined;
  const direction = m[1] === 'ingress' ? 'Ingress' : 'Egress';
  const ruleIndex = Number(m[2]);
  return ids.rule(direction, ruleIndex) === ruleId ? { direction, ruleIndex } : undefined;
}

/** The origins of stored policies and their rules, by path (the `origins` of a DfwConfig). */
export function storedOrigins(policies: readonly SecurityPolicy[]): Map<string, Origin> {
  const out = new Map<string, Origin>();
  for (const p of policies) {
    const origin = originOfTags(p.tags);
    if (!origin) continue;
    out.set(p.path, origin);
    for (const r of p.rules) {
      const rule = ruleOriginOfId(r.id);
      if (r.path) out.set(r.path, rule ? { ...origin, ...rule } : origin);
    }
  }
  return out;
}
