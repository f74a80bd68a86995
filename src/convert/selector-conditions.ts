import { NAMESPACE_NAME_LABEL, type LabelSelector, type LabelSelectorRequirement } from '../k8s/labels.ts';
import type { Condition, MemberType } from '../model/group.ts';
import type { ConversionProblem } from './problem.ts';
import type { ConversionProfile } from './profile.ts';
import { MAX_CONDITIONS_PER_CRITERION, MAX_CONDITIONS_PER_MEMBER_TYPE, REFUSAL } from './refusal-codes.ts';

/** One criterion of a group's membership: conditions that must all hold (AND). */
export type Criterion = readonly Condition[];

/** A label `key=value` as an NSX tag value. */
export function tagValue(key: string, value: string): string {
  return `${key}|${value}`;
}

/** The label is present with exactly this value. */
export function tagEquals(member: MemberType, key: string, value: string): Condition {
  return { resource_type: 'Condition', member_type: member, key: 'Tag', operator: 'EQUALS', value: tagValue(key, value) };
}

/** The object does not carry the label with this value (objects without the key match). */
export function tagNotEquals(member: MemberType, key: string, value: string): Condition {
  return { resource_type: 'Condition', member_type: member, key: 'Tag', operator: 'NOTEQUALS', value: tagValue(key, value) };
}

/** The label key is present, with any value (a scope-only match). */
export function tagExists(member: MemberType, key: string): Condition {
  return { resource_type: 'Condition', member_type: member, key: 'Tag', operator: 'EQUALS', scope_operator: 'EQUALS', value: tagValue(key, '') };
}

/** np2dfw extension: the label key is absent (DoesNotExist). */
export function tagAbsent(member: MemberType, key: string): Condition {
  return { resource_type: 'Condition', member_type: member, key: 'Tag', operator: 'EQUALS', scope_operator: 'NOTEQUALS', value: tagValue(key, '') };
}

/** The namespace of this name. */
export function namespaceNameEquals(name: string): Condition {
  return { resource_type: 'Condition', member_type: 'Namespace', key: 'Name', operator: 'EQUALS', value: name };
}

/** Every namespace: the label every namespace carries (used when a peer selects every pod of the cluster). */
export function everyNamespace(): Condition {
  return tagExists('Namespace', NAMESPACE_NAME_LABEL);
}

/** The alternatives (OR) a requirement allows, each a list of conditions (AND). */
function requirementAlternatives(
  member: MemberType,
  req: LabelSelectorRequirement,
  path: string,
  profile: ConversionProfile,
  problems: ConversionProblem[],
): Condition[][] {
  switch (req.operator) {
    case 'In':
      if (req.values.length > 1 && profile === 'nsx') {
        problems.push({ code: REFUSAL.MULTI_VALUE_IN, path: `${path}.values`, message: `operator In with ${req.values.length} values (${req.values.join(', ')}): Antrea groups in NSX take a single value` });
        return [[]];
      }
      return req.values.map((v) => [tagEquals(member, req.key, v)]);
    case 'NotIn':
      return [req.values.map((v) => tagNotEquals(member, req.key, v))];
    case 'Exists':
      return [[tagExists(member, req.key)]];
    case 'DoesNotExist':
      if (profile === 'nsx') {
        problems.push({ code: REFUSAL.DOES_NOT_EXIST, path: `${path}.operator`, message: `operator DoesNotExist on key ${req.key}: it maps to scope_operator NOTEQUALS, which Antrea groups in NSX do not support` });
        return [[]];
      }
      return [[tagAbsent(member, req.key)]];
  }
}

/**
 * A label selector as alternatives of condition lists (criteria before any namespace part): matchLabels and
 * single-value In as EQUALS, NotIn as one NOTEQUALS per value, Exists scope-only; multi-value In (extended
 * profile) as one alternative per value. `path` names the selector in the policy (`spec.podSelector`).
 */
export function selectorAlternatives(
  member: MemberType,
  selector: LabelSelector,
  path: string,
  profile: ConversionProfile,
  problems: ConversionProblem[],
): Condition[][] {
  let alternatives: Condition[][] = [[]];
  for (const key of Object.keys(selector.matchLabels).sort()) {
    const c = tagEquals(member, key, selector.matchLabels[key]);
    alternatives = alternatives.map((a) => [...a, c]);
  }
  selector.matchExpressions.forEach((req, i) => {
    const alts = requirementAlternatives(member, req, `${path}.matchExpressions[${i}]`, profile, problems);
    const next: Condition[][] = [];
    for (const a of alternatives) for (const b of alts) next.push([...a, ...b]);
    alternatives = next;
  });
  return alternatives;
}

/** Checks NSX's limits on one criterion: 5 conditions of one member type, 15 in all. */
export function checkCriterionLimits(criterion: Criterion, path: string, problems: ConversionProblem[]): void {
  const byType = new Map<string, number>();
  for (const c of criterion) byType.set(c.member_type, (byType.get(c.member_type) ?? 0) + 1);
  for (const [type, n] of byType) {
    if (n > MAX_CONDITIONS_PER_MEMBER_TYPE) {
      problems.push({ code: REFUSAL.TOO_MANY_CONDITIONS_OF_ONE_TYPE, path, message: `${n} ${type} conditions in one criterion: an Antrea group takes at most ${MAX_CONDITIONS_PER_MEMBER_TYPE} of one member type` });
    }
  }
  if (criterion.length > MAX_CONDITIONS_PER_CRITERION) {
    problems.push({ code: REFUSAL.TOO_MANY_CONDITIONS, path, message: `${criterion.length} conditions in one criterion: an Antrea group takes at most ${MAX_CONDITIONS_PER_CRITERION}` });
  }
}

/** The criteria of a peer made of selectors (no ipBlock), or of the applied-to group. */
export function selectorPeerCriteria(
  peer: { readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector },
  policyNamespace: string,
  path: string,
  profile: ConversionProfile,
  problems: ConversionProblem[],
): Criterion[] {
  const pods = peer.podSelector ? selectorAlternatives('Pod', peer.podSelector, `${path}.podSelector`, profile, problems) : [[]];
  const namespaces: Condition[][] = peer.namespaceSelector
    ? selectorAlternatives('Namespace', peer.namespaceSelector, `${path}.namespaceSelector`, profile, problems)
    : [[namespaceNameEquals(policyNamespace)]];
  const out: Criterion[] = [];
  for (const ns of namespaces) {
    for (const pod of pods) {
      const criterion = [...ns, ...pod];
      // namespaceSelector {} (and no pod condition): every pod of every namespace.
      out.push(criterion.length ? criterion : [everyNamespace()]);
    }
  }
  if (profile === 'nsx') for (const c of out) checkCriterionLimits(c, path, problems);
  return out;
}
