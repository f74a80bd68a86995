/**
 * The central-control-plane half: the DFW policies the manager spans to this cluster, realized as Antrea Tiers,
 * ClusterGroups and ClusterNetworkPolicies with server-side apply under the adapter's own field manager.
 *
 * One reconcile, from scratch every time (the adapter keeps no state): read the manager's policies, compute the
 * objects, check them against the schemas the API server serves, then write in an order that never leaves traffic
 * unenforced: Tiers, then ClusterGroups (children before parents), then ClusterNetworkPolicies; only then delete
 * what is managed and no longer wanted (policies first, then groups, then tiers), report realization, and delete the
 * imported NetworkPolicies once every replacement is realized. A managed object edited or deleted by anyone else
 * differs from what is wanted and is written again; objects without the adapter's label are never touched.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { DfwDecodeError, decodeGroup, decodeRule, decodeSecurityPolicy } from '../server/store/decode-dfw.ts';
import type { Group } from '../model/group.ts';
import { clusterControlPlanePath } from '../model/paths.ts';
import type { SecurityPolicy } from '../model/security-policy.ts';
import type { AntreaObjects } from '../realize/antrea/antrea-objects.ts';
import { kubeNameOf } from '../realize/antrea/kube-name.ts';
import { realizeDfwConfig } from '../realize/antrea/realize-dfw.ts';
import { UnrealizableError } from '../realize/antrea/realize-dfw-groups.ts';
import { objectsForServedSchemas } from '../realize/antrea/for-version.ts';
import { pruneWithSchema } from '../realize/antrea/validate/prune.ts';
import { formatFieldPath } from '../k8s/field-path.ts';
import type { Informer } from './informer.ts';
import { kubeRequest, resourcePath, type ResourceRef } from './kube-http.ts';
import { at, isObject, jsonEqual, type Json, type KubeObject, messageOf, statusOf } from './kube-object.ts';
import type { ManagerApi, RealizationStateReport } from './manager-api.ts';

/** The label that marks the objects this cluster's adapter manages (and the selector of its informers). */
export const ADAPTER_LABEL = 'np2dfw.io/adapter-cluster';

export const ANTREA_KINDS = [
  { apiVersion: 'crd.antrea.io/v1beta1', kind: 'Tier', plural: 'tiers' },
  { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterGroup', plural: 'clustergroups' },
  { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', plural: 'clusternetworkpolicies' },
] as const;

const REFS: Readonly<Record<string, ResourceRef>> = {
  ...Object.fromEntries(ANTREA_KINDS.map((k) => [k.kind, k])),
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
};

export class NotLeaderError extends Error {}

export interface PolicyState {
  readonly policyId: string;
  readonly revision?: number;
  readonly state: RealizationStateReport;
  readonly message?: string;
}

export interface RealizerDeps {
  readonly kc: KubeConfig;
  readonly manager: ManagerApi;
  readonly cluster: string;
  readonly fieldManager: string;
  readonly informers: { readonly Tier: Informer; readonly ClusterGroup: Informer; readonly ClusterNetworkPolicy: Informer; readonly NetworkPolicy: Informer };
  /** The served schemas, by kind (read once per start). */
  readonly schemas: () => Promise<Map<string, Json>>;
  /** Whether this replica may write now (leader election). */
  readonly canWrite: () => boolean;
  readonly log: (line: string) => void;
  readonly onWrite?: (verb: string, kind: string, name: string) => void;
}

interface Wanted {
  readonly objects: AntreaObjects;
  readonly states: Map<string, PolicyState>;
  /** ACNP name -> DFW policy id. */
  readonly policyOfObject: Map<string, string>;
  /** DFW policies in error whose live object (if any) is kept as it is. */
  readonly kept: Set<string>;
  readonly revisions: Map<string, number>;
  readonly ruleIds: Map<string, Set<string>>;
}

function decodeDfw(body: unknown, states: Map<string, PolicyState>): { groups: Group[]; policies: SecurityPolicy[]; revisions: Map<string, number> } {
  const groups: Group[] = [];
  const policies: SecurityPolicy[] = [];
  const revisions = new Map<string, number>();
  const rawGroups = at(body, 'groups');
  const rawPolicies = at(body, 'policies');
  if (!Array.isArray(rawGroups) || !Array.isArray(rawPolicies)) throw new Error('the manager\'s DFW answer has no groups and policies lists');
  for (const [i, g] of rawGroups.entries()) {
    const id = at(g, 'id');
    if (typeof id !== 'string') throw new Error(`the manager's groups[${i}] has no id`);
    groups.push(decodeGroup(g, id));
  }
  for (const [i, p] of rawPolicies.entries()) {
    const id = at(p, 'id');
    if (typeof id !== 'string') throw new Error(`the manager's policies[${i}] has no id`);
    const rev = at(p, '_revision');
    if (typeof rev === 'number') revisions.set(id, rev);
    try {
      const rules = at(p, 'rules');
      const decodedRules = (Array.isArray(rules) ? rules : []).map((r, k) => {
        const rid = at(r, 'id');
        if (typeof rid !== 'string') throw new DfwDecodeError(`rules[${k}].id`, 'missing');
        return decodeRule(r, id, rid);
      });
      policies.push(decodeSecurityPolicy(p, id, decodedRules));
    } catch (e) {
      if (!(e instanceof DfwDecodeError)) throw e;
      states.set(id, { policyId: id, revision: revisions.get(id), state: 'ERROR', message: `security policy ${id}: ${e.message}` });
    }
  }
  return { groups, policies, revisions };
}

/** Group names an object references (appliedTo, from, to, childGroups), transitively through childGroups. */
function referencedGroups(o: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(o)) for (const x of o) referencedGroups(x, out);
  else if (isObject(o)) {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'group' && typeof v === 'string') out.add(v);
      else if (k === 'childGroups' && Array.isArray(v)) {
        for (const c of v) if (typeof c === 'string') out.add(c);
      } else referencedGroups(v, out);
    }
  }
  return out;
}

export class Realizer {
  readonly #d: RealizerDeps;
  readonly #reported = new Map<string, string>();
  /** The last reconcile's states (for the metrics and tests). */
  states = new Map<string, PolicyState>();
  /** The last reconcile's ClusterNetworkPolicies: name -> the DFW policy and its rule ids (for statistics). */
  realized = new Map<string, { readonly policyId: string; readonly ruleIds: ReadonlySet<string> }>();

  constructor(deps: RealizerDeps) {
    this.#d = deps;
  }

  async #wanted(): Promise<Wanted> {
    const states = new Map<string, PolicyState>();
    const { groups, policies, revisions } = decodeDfw(await this.#d.manager.dfw(), states);
    const clusterPath = clusterControlPlanePath(this.#d.cluster);
    const mine = policies.filter((p) => p.scope.includes(clusterPath));
    const kept = new Set<string>();
    for (const id of states.keys()) kept.add(id);
    const realize = (list: SecurityPolicy[]): AntreaObjects => realizeDfwConfig({ groups, policies: list, origins: new Map() }, { clusterPath });
    let ok = mine;
    let objects: AntreaObjects;
    try {
      objects = realize(ok);
    } catch (e) {
      if (!(e instanceof UnrealizableError)) throw e;
      ok = mine.filter((p) => {
        try {
          realize([p]);
          return true;
        } catch (err) {
          if (!(err instanceof UnrealizableError)) throw err;
          states.set(p.id, { policyId: p.id, revision: revisions.get(p.id), state: 'ERROR', message: `not realizable in Antrea: ${err.message}` });
          kept.add(p.id);
          return false;
        }
      });
      objects = realize(ok);
    }
    const policyOfObject = new Map(ok.map((p) => [kubeNameOf(p.id), p.id]));
    // For the schemas the API server serves: before Antrea 2.2 (no ipBlock `except`) every except is written as
    // the positive CIDRs it leaves, which match the same addresses. A policy whose rules then match nothing has no
    // object at all (an ACNP without effective rules enforces nothing) and is realized as it is.
    const schemas = await this.#d.schemas();
    objects = objectsForServedSchemas(objects, schemas);
    const written = new Set(objects.policies.map((c) => c.metadata.name));
    for (const [name, id] of policyOfObject) {
      if (!written.has(name)) states.set(id, { policyId: id, revision: revisions.get(id), state: 'REALIZED' });
    }
    // Whatever else the API server would prune makes the policies that use it an error: never written half.
    const prunedOf = (kind: string, o: object): string[] => pruneWithSchema(o as Json, schemas.get(kind) ?? {}).pruned.map(formatFieldPath);
    const badGroups = new Map<string, string>();
    for (const g of objects.clusterGroups) {
      const pruned = prunedOf('ClusterGroup', g);
      if (pruned.length) badGroups.set(g.metadata.name, `ClusterGroup ${g.metadata.name}: the API server's schema has no ${pruned.join(', ')} (an older Antrea); not written`);
    }
    for (const cnp of objects.policies) {
      const id = policyOfObject.get(cnp.metadata.name)!;
      const pruned = prunedOf('ClusterNetworkPolicy', cnp);
      const groupProblem = [...referencedGroups(cnp.spec)].map((g) => badGroups.get(g)).find((m) => m !== undefined);
      const message = pruned.length ? `ClusterNetworkPolicy ${cnp.metadata.name}: the API server's schema has no ${pruned.join(', ')} (an older Antrea); not written` : groupProblem;
      if (message) {
        states.set(id, { policyId: id, revision: revisions.get(id), state: 'ERROR', message });
        kept.add(id);
      }
    }
    const label = (o: { metadata: { labels?: Record<string, string> } }) => {
      (o.metadata as { labels: Record<string, string> }).labels = { ...o.metadata.labels, [ADAPTER_LABEL]: this.#d.cluster };
    };
    const policiesOut = objects.policies.filter((c) => !kept.has(policyOfObject.get(c.metadata.name)!));
    const usedGroups = new Set<string>();
    for (const c of policiesOut) referencedGroups(c.spec, usedGroups);
    for (let changed = true; changed;) {
      changed = false;
      for (const g of objects.clusterGroups) {
        if (!usedGroups.has(g.metadata.name)) continue;
        for (const c of referencedGroups(g.spec)) if (!usedGroups.has(c)) { usedGroups.add(c); changed = true; }
      }
    }
    const out: AntreaObjects = {
      tiers: objects.tiers,
      clusterGroups: objects.clusterGroups.filter((g) => usedGroups.has(g.metadata.name) && !badGroups.has(g.metadata.name)),
      policies: policiesOut,
    };
    for (const o of [...out.tiers, ...out.clusterGroups, ...out.policies]) label(o);
    const ruleIds = new Map(ok.map((p) => [p.id, new Set(p.rules.map((r) => r.id))]));
    return { objects: out, states, policyOfObject, kept, revisions, ruleIds };
  }

  /** Whether the live object is what is wanted: the same spec, and the wanted labels and annotations present. */
  static inSync(live: KubeObject | undefined, want: Json): boolean {
    if (!live) return false;
    const meta = want.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
    for (const k of ['labels', 'annotations'] as const) {
      for (const [key, v] of Object.entries(meta[k] ?? {})) if (live.metadata[k]?.[key] !== v) return false;
    }
    return jsonEqual(live.spec, want.spec);
  }

  async #apply(kind: 'Tier' | 'ClusterGroup' | 'ClusterNetworkPolicy', want: Json): Promise<void> {
    const name = String(at(want, 'metadata', 'name'));
    const informer = this.#d.informers[kind];
    if (Realizer.inSync(informer.get(name), want)) return;
    if (!this.#d.canWrite()) throw new NotLeaderError('not the leader');
    this.#d.onWrite?.('apply', kind, name);
    const path = resourcePath(REFS[kind], undefined, name);
    const applied = await kubeRequest(this.#d.kc, 'PATCH', path, {
      query: { fieldManager: this.#d.fieldManager, force: true, fieldValidation: 'Strict' }, body: want, contentType: 'application/apply-patch+yaml',
    });
    if (jsonEqual(applied.spec, want.spec)) return;
    // Someone else added fields the adapter does not set (server-side apply keeps other managers' fields): the
    // wanted spec replaces the whole spec, on the version just read (a 409 if it changed meanwhile: retried).
    if (!this.#d.canWrite()) throw new NotLeaderError('not the leader');
    this.#d.onWrite?.('update', kind, name);
    await kubeRequest(this.#d.kc, 'PUT', path, { query: { fieldManager: this.#d.fieldManager, fieldValidation: 'Strict' }, body: { ...applied, spec: want.spec } });
  }

  async #delete(kind: string, o: KubeObject): Promise<void> {
    if (!this.#d.canWrite()) throw new NotLeaderError('not the leader');
    this.#d.onWrite?.('delete', kind, o.metadata.name);
    try {
      await kubeRequest(this.#d.kc, 'DELETE', resourcePath(REFS[kind], o.metadata.namespace, o.metadata.name), { body: { preconditions: { uid: o.metadata.uid } } });
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  /** One full reconcile. Throws on errors the caller retries with backoff (NotLeaderError: stop writing). */
  async reconcile(): Promise<void> {
    const wanted = await this.#wanted();
    const { objects, states, policyOfObject } = wanted;
    const errors = new Map<string, string>();
    for (const t of objects.tiers) await this.#apply('Tier', t as unknown as Json);
    for (const g of objects.clusterGroups) await this.#apply('ClusterGroup', g as unknown as Json);
    for (const c of objects.policies) {
      try {
        await this.#apply('ClusterNetworkPolicy', c as unknown as Json);
      } catch (e) {
        if (e instanceof NotLeaderError) throw e;
        const code = statusOf(e);
        if (code === undefined || code >= 500 || code === 429 || code === 409) throw e;
        errors.set(c.metadata.name, `the API server refused ClusterNetworkPolicy ${c.metadata.name}: ${messageOf(e)}`);
      }
    }
    // Removal of what is managed and no longer wanted (or kept as it was, for policies in error).
    const keepNames = new Set<string>();
    for (const id of wanted.kept) keepNames.add(kubeNameOf(id));
    const wantedNames = {
      ClusterNetworkPolicy: new Set(objects.policies.map((o) => o.metadata.name)),
      ClusterGroup: new Set(objects.clusterGroups.map((o) => o.metadata.name)),
      Tier: new Set(objects.tiers.map((o) => o.metadata.name)),
    };
    const liveKept = this.#d.informers.ClusterNetworkPolicy.list().filter((o) => keepNames.has(o.metadata.name));
    for (const o of liveKept) {
      referencedGroups(o.spec, wantedNames.ClusterGroup);
      const tier = at(o, 'spec', 'tier');
      if (typeof tier === 'string') wantedNames.Tier.add(tier);
    }
    for (const o of this.#d.informers.ClusterNetworkPolicy.list()) {
      if (!wantedNames.ClusterNetworkPolicy.has(o.metadata.name) && !keepNames.has(o.metadata.name)) await this.#delete('ClusterNetworkPolicy', o);
    }
    const staleGroups = this.#d.informers.ClusterGroup.list().filter((o) => !wantedNames.ClusterGroup.has(o.metadata.name));
    staleGroups.sort((a, b) => Number(Array.isArray(at(b, 'spec', 'childGroups'))) - Number(Array.isArray(at(a, 'spec', 'childGroups'))));
    for (const o of staleGroups) await this.#delete('ClusterGroup', o);
    for (const o of this.#d.informers.Tier.list()) if (!wantedNames.Tier.has(o.metadata.name)) await this.#delete('Tier', o);

    // Realization: REALIZED once Antrea's status says so for the current generation.
    for (const c of objects.policies) {
      const id = policyOfObject.get(c.metadata.name)!;
      const revision = wanted.revisions.get(id);
      const err = errors.get(c.metadata.name);
      if (err) {
        states.set(id, { policyId: id, revision, state: 'ERROR', message: err });
        continue;
      }
      const live = this.#d.informers.ClusterNetworkPolicy.get(c.metadata.name);
      const phase = at(live, 'status', 'phase');
      const observed = at(live, 'status', 'observedGeneration');
      const current = Realizer.inSync(live, c as unknown as Json) && observed === live?.metadata.generation;
      if (current && phase === 'Realized') states.set(id, { policyId: id, revision, state: 'REALIZED' });
      else if (current && phase === 'Failed') states.set(id, { policyId: id, revision, state: 'ERROR', message: `Antrea: ${String(at(live, 'status', 'conditions', '0', 'message') ?? 'realization failed')}` });
      else states.set(id, { policyId: id, revision, state: 'PENDING' });
    }
    this.states = states;
    this.realized = new Map(objects.policies.map((c) => {
      const id = policyOfObject.get(c.metadata.name)!;
      return [c.metadata.name, { policyId: id, ruleIds: wanted.ruleIds.get(id) ?? new Set<string>() }];
    }));
    await this.#report(states);
    await this.#removeImported(states);
  }

  async #report(states: Map<string, PolicyState>): Promise<void> {
    const changed = [...states.values()].filter((s) => this.#reported.get(s.policyId) !== `${s.revision}|${s.state}|${s.message ?? ''}`);
    if (!changed.length) return;
    try {
      await this.#d.manager.realization(changed.map((s) => ({ policy_id: s.policyId, ...(s.revision !== undefined ? { revision: s.revision } : {}), state: s.state, ...(s.message ? { message: s.message.slice(0, 2000) } : {}) })));
      for (const s of changed) this.#reported.set(s.policyId, `${s.revision}|${s.state}|${s.message ?? ''}`);
    } catch (e) {
      // A policy changed in the manager meanwhile (stale revision): the next reconcile reports its new revision.
      if (statusOf(e) !== 400 && !(isObject(e) && (e as { status?: unknown }).status === 400)) throw e;
      this.#d.log(`realization report refused: ${messageOf(e)}`);
    }
  }

  /** After an import: each imported NetworkPolicy goes once every policy of the cluster is realized. */
  async #removeImported(states: Map<string, PolicyState>): Promise<void> {
    const pending = at(await this.#d.manager.pendingRemovals(), 'results');
    if (!Array.isArray(pending) || pending.length === 0) return;
    const all = [...states.values()];
    if (all.length === 0 || all.some((s) => s.state !== 'REALIZED')) return;
    for (const p of pending) {
      const ns = at(p, 'namespace');
      const name = at(p, 'name');
      const uid = at(p, 'uid');
      if (typeof ns !== 'string' || typeof name !== 'string' || typeof uid !== 'string') continue;
      const live = this.#d.informers.NetworkPolicy.get(`${ns}/${name}`);
      if (!live || live.metadata.uid !== uid) continue;
      this.#d.log(`deleting the imported NetworkPolicy ${ns}/${name}: its DFW replacement is realized`);
      await this.#delete('NetworkPolicy', live);
    }
  }
}
