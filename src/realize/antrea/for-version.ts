// Objects as one Antrea release takes them. Before 2.2 an ipBlock has no `except` (the API server would prune it
// silently and the block would then match its whole CIDR): each such block becomes the positive CIDRs of
// `cidr` minus its excepts, which match exactly the same addresses.
import { subtractCidrs } from '../../net/cidr.ts';
import type { AntreaIPBlock, AntreaObjects, AntreaPeer, AntreaRule, ClusterGroup, ClusterNetworkPolicy } from './antrea-objects.ts';
import { hasIpBlockExcept, type AntreaVersion } from './antrea-version.ts';
import type { JsonObject } from '../../k8s/validate/shape.ts';
import { pruneWithSchema } from './validate/prune.ts';

/** The blocks matching exactly what `b` matches, none with `except` (empty when the excepts cover the CIDR). */
export function positiveBlocks(b: AntreaIPBlock): AntreaIPBlock[] {
  return b.except && b.except.length ? subtractCidrs(b.cidr, b.except).map((cidr) => ({ cidr })) : [{ cidr: b.cidr }];
}

function lowerPeers(peers: readonly AntreaPeer[]): AntreaPeer[] {
  return peers.flatMap((p) => (p.ipBlock && p.ipBlock.except?.length ? positiveBlocks(p.ipBlock).map((ipBlock) => ({ ipBlock })) : [p]));
}

/**
 * A rule without `except`; undefined when its peers all vanished (every one an ipBlock whose excepts cover its
 * CIDR): such a rule matches nothing, and an empty peer list would mean "every peer", so it is left out.
 */
function lowerRule(rule: AntreaRule): AntreaRule | undefined {
  const key = rule.from ? 'from' : rule.to ? 'to' : undefined;
  if (!key) return rule;
  const before = rule[key] ?? [];
  if (!before.some((p) => p.ipBlock?.except?.length)) return rule;
  const after = lowerPeers(before);
  return before.length && after.length === 0 ? undefined : { ...rule, [key]: after };
}

function lowerPolicy(p: ClusterNetworkPolicy): ClusterNetworkPolicy | undefined {
  const ingress = p.spec.ingress?.map(lowerRule).filter((r): r is AntreaRule => r !== undefined);
  const egress = p.spec.egress?.map(lowerRule).filter((r): r is AntreaRule => r !== undefined);
  const hadRules = (p.spec.ingress?.length ?? 0) + (p.spec.egress?.length ?? 0) > 0;
  const hasRules = (ingress?.length ?? 0) + (egress?.length ?? 0) > 0;
  // A policy whose every rule matched nothing does nothing; without rules it would not even be valid.
  if (hadRules && !hasRules) return undefined;
  const spec = { ...p.spec, ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) };
  if (ingress && ingress.length === 0) delete spec.ingress;
  if (egress && egress.length === 0) delete spec.egress;
  return { ...p, spec };
}

function lowerGroup(g: ClusterGroup): ClusterGroup {
  if (!g.spec.ipBlocks?.some((b) => b.except?.length)) return g;
  return { ...g, spec: { ...g.spec, ipBlocks: g.spec.ipBlocks.flatMap(positiveBlocks) } };
}

/** The objects with every ipBlock `except` turned into positive CIDRs (what a release before 2.2 takes). */
export function withoutExcept(objects: AntreaObjects): AntreaObjects {
  return {
    tiers: objects.tiers,
    clusterGroups: objects.clusterGroups.map(lowerGroup),
    policies: objects.policies.map(lowerPolicy).filter((p): p is ClusterNetworkPolicy => p !== undefined),
  };
}

/** The objects as the release takes them: unchanged from 2.2 on; before it, every `except` turned positive. */
export function objectsForVersion(objects: AntreaObjects, version: AntreaVersion): AntreaObjects {
  return hasIpBlockExcept(version) ? objects : withoutExcept(objects);
}

/** Whether a pruned field is an ipBlock's `except` (`spec.ingress[0].from[1].ipBlock.except`, `spec.ipBlocks[0].except`). */
function isExceptPath(path: readonly (string | number)[]): boolean {
  const n = path.length;
  return path[n - 1] === 'except' && (path[n - 2] === 'ipBlock' || (typeof path[n - 2] === 'number' && path[n - 3] === 'ipBlocks'));
}

/**
 * The objects as an API server serving these CRD schemas (openAPIV3Schema by kind) takes them: when its schemas
 * have no ipBlock `except` (Antrea before 2.2), every `except` turned positive, exactly as objectsForVersion does
 * for a named release. Whatever else the schemas would prune is left for the caller to refuse.
 */
export function objectsForServedSchemas(objects: AntreaObjects, schemas: ReadonlyMap<string, JsonObject>): AntreaObjects {
  const dropsExcept = (kind: string, list: readonly object[]): boolean => {
    const schema = schemas.get(kind);
    return schema !== undefined && list.some((o) => pruneWithSchema(o as JsonObject, schema).pruned.some(isExceptPath));
  };
  return dropsExcept('ClusterGroup', objects.clusterGroups) || dropsExcept('ClusterNetworkPolicy', objects.policies) ? withoutExcept(objects) : objects;
}
