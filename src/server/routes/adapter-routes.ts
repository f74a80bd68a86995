/**
 * The manager's side of `np2dfw adapter` beyond inventory and realization: the DFW policies a cluster's adapter
 * realizes, per-rule statistics (served in NSX's shape per security policy), and traceflows (requested here, run by
 * the adapter with Antrea, shown beside the model's own answer on the stored DFW policies).
 *
 * Statistics and traceflows are kept in memory (NSX also asks its data plane for statistics live); they are gone
 * after a restart of the manager, and the adapter reports statistics again at its next interval.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { podEndpoint, type Endpoint } from '../../evaluate/endpoint.ts';
import { createDfwEngine } from '../../evaluate/dfw/dfw-engine.ts';
import { createKubernetesEngine } from '../../evaluate/kubernetes/kubernetes-engine.ts';
import { clusterControlPlanePath, securityPolicyPath } from '../../model/paths.ts';
import { familyOf } from '../../net/ip-address.ts';
import { ApiError, badRequest, ERROR_CODES, notFound } from '../http/api-error.ts';
import type { JsonSchema } from '../http/schemas.ts';
import type { RouteSpec } from '../http/route.ts';
import { validateBody } from '../http/validate-body.ts';
import type { ServerContext } from '../server-context.ts';
import type { DfwConfig } from '../../model/dfw-config.ts';

/**
 * The stored DFW configuration, decoded (never cast). An adapter must realize all of it or nothing: a stored
 * object that does not decode is an error naming it, not a smaller firewall.
 */
async function storedDfwConfig(ctx: ServerContext): Promise<DfwConfig> {
  const { config, undecodable } = await ctx.policies.decodedConfig();
  if (undecodable.length) {
    const names = undecodable.slice(0, 5).map((u) => `${u.path} (${u.problem})`).join('; ');
    throw new ApiError(500, ERROR_CODES.INTERNAL, `${undecodable.length} stored object(s) cannot be decoded: ${names}`);
  }
  return config;
}

const BASE = '/api/v1/fabric/container-clusters';
const str = { type: 'string', maxLength: 1024 } as const;
const count = { type: 'integer', minimum: 0 } as const;

const STATISTICS_SCHEMA: JsonSchema = {
  type: 'object', required: ['policies'], additionalProperties: false,
  properties: {
    policies: {
      type: 'array', maxItems: 100_000,
      items: {
        type: 'object', required: ['policy_id', 'rules'], additionalProperties: false,
        properties: {
          policy_id: str, packet_count: count, byte_count: count, session_count: count,
          rules: { type: 'array', items: { type: 'object', required: ['rule_id'], additionalProperties: false, properties: { rule_id: str, packet_count: count, byte_count: count, session_count: count } } },
        },
      },
    },
  },
};

const TRACEFLOW_REQUEST_SCHEMA: JsonSchema = {
  type: 'object', required: ['source', 'destination', 'protocol'], additionalProperties: false,
  properties: {
    source: { type: 'object', required: ['namespace', 'pod'], additionalProperties: false, properties: { namespace: str, pod: str } },
    destination: {
      type: 'object', additionalProperties: false,
      properties: { namespace: str, pod: str, ip: str },
    },
    protocol: { enum: ['TCP', 'UDP', 'ICMP'] },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
  },
};

const TRACEFLOW_RESULT_SCHEMA: JsonSchema = {
  type: 'object', required: ['phase', 'verdict', 'observations'], additionalProperties: false,
  properties: {
    phase: { enum: ['Succeeded', 'Failed', 'Timeout'] },
    verdict: { enum: ['delivered', 'dropped', 'unknown'] },
    message: str,
    observations: {
      type: 'array', maxItems: 1000,
      items: { type: 'object', additionalProperties: false, properties: { node: str, component: str, componentInfo: str, action: str, networkPolicy: str, ruleName: str, egress: str, translatedDstIP: str, tunnelDstIP: str, pod: str } },
    },
  },
};

interface RuleStats { rule_id: string; packet_count?: number; byte_count?: number; session_count?: number }
interface PolicyStats { policy_id: string; packet_count?: number; byte_count?: number; session_count?: number; rules: RuleStats[] }
interface TraceflowRequestBody {
  source: { namespace: string; pod: string };
  destination: { namespace?: string; pod?: string; ip?: string };
  protocol: 'TCP' | 'UDP' | 'ICMP';
  port?: number;
}
interface Traceflow extends TraceflowRequestBody {
  id: string;
  cluster: string;
  state: 'PENDING' | 'DONE';
  requested_at: number;
  requested_by: string;
  result?: { phase: string; verdict: string; message?: string; observations: Record<string, string>[]; reported_at: number };
}

interface AdapterState {
  readonly statistics: Map<string, { reported_at: number; policies: Map<string, PolicyStats> }>;
  readonly traceflows: Map<string, Traceflow>;
}

const states = new WeakMap<ServerContext, AdapterState>();

function stateOf(ctx: ServerContext): AdapterState {
  let s = states.get(ctx);
  if (!s) states.set(ctx, (s = { statistics: new Map(), traceflows: new Map() }));
  return s;
}

/** The model's answer for a traceflow: the stored DFW policies, then the NetworkPolicies not imported. */
async function modelAnswer(ctx: ServerContext, t: Traceflow): Promise<{ verdict: 'delivered' | 'dropped'; egress: string; ingress: string } | { error: string }> {
  try {
    const cluster = await ctx.inventory.loadCluster(t.cluster);
    const src = cluster.pods.find((p) => p.namespace === t.source.namespace && p.name === t.source.pod);
    if (!src || src.ips.length === 0) return { error: `pod ${t.source.namespace}/${t.source.pod} is not in the inventory with an address` };
    let dst: Endpoint;
    if (t.destination.ip) {
      const inCluster = cluster.pods.find((p) => p.ips.includes(t.destination.ip!));
      const family = familyOf(t.destination.ip);
      if (!family) return { error: `destination ${t.destination.ip} is not an IP address` };
      dst = inCluster ? podEndpoint(inCluster, t.destination.ip, family) : { kind: 'external', id: t.destination.ip, ip: t.destination.ip, family };
    } else {
      const p = cluster.pods.find((x) => x.namespace === t.destination.namespace && x.name === t.destination.pod);
      if (!p || p.ips.length === 0) return { error: `pod ${t.destination.namespace}/${t.destination.pod} is not in the inventory with an address` };
      dst = podEndpoint(p, p.ips[0], familyOf(p.ips[0])!);
    }
    const srcIp = src.ips.find((ip) => familyOf(ip) === dst.family) ?? src.ips[0];
    const source = podEndpoint(src, srcIp, familyOf(srcIp)!);
    const imported = new Set(await ctx.inventory.importedUids(t.cluster));
    const remaining = createKubernetesEngine(cluster, { policies: cluster.policies.filter((p) => !imported.has(p.uid)), name: 'kubernetes (not imported)' });
    const engine = createDfwEngine(await storedDfwConfig(ctx), cluster, { remaining, name: 'dfw' });
    if (t.protocol === 'ICMP') return { error: 'the model evaluates TCP and UDP connections only' };
    const d = engine.decide({ src: source, dst, protocol: t.protocol, port: t.port ?? 0 });
    return { verdict: d.allowed ? 'delivered' : 'dropped', egress: d.egress.by, ingress: d.ingress.by };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function view(ctx: ServerContext, t: Traceflow): Promise<Record<string, unknown>> {
  const model = await modelAnswer(ctx, t);
  const live = t.result;
  const comparable = live && live.verdict !== 'unknown' && 'verdict' in model;
  const agree = comparable ? live.verdict === model.verdict : undefined;
  return {
    ...t,
    model,
    ...(agree !== undefined ? { agree } : {}),
    ...(agree === false ? { finding: `the live trace says ${live!.verdict}, the stored DFW policies say ${(model as { verdict: string }).verdict}: the cluster does not enforce what the manager holds` } : {}),
  };
}

export function adapterRoutes(ctx: ServerContext): RouteSpec[] {
  const own = { param: 'cluster' } as const;
  const ownOrRead = { param: 'cluster', alsoPermission: 'policy.read' } as const;
  const requireCluster = async (name: string): Promise<void> => {
    if (!(await ctx.inventory.has(name))) throw notFound(`cluster ${name} is not registered`);
  };
  const s = stateOf(ctx);
  return [
    { method: 'GET', url: `${BASE}/:cluster/dfw`, summary: 'The DFW policies spanned to the cluster and every group, for its adapter to realize',
      permission: 'inventory.report', ownCluster: ownOrRead, handler: async (h) => {
        await requireCluster(h.params.cluster);
        const config = await storedDfwConfig(ctx);
        const path = clusterControlPlanePath(h.params.cluster);
        return { groups: config.groups, policies: config.policies.filter((p) => p.scope.includes(path)) };
      } },
    { method: 'POST', url: `${BASE}/:cluster/statistics`, summary: 'Report per-rule statistics of the cluster (from Antrea\'s stats API)',
      permission: 'inventory.report', ownCluster: own, audit: 'statistics.report', body: STATISTICS_SCHEMA, bodyLimit: 64 * 1024 * 1024, handler: async (h) => {
        await requireCluster(h.params.cluster);
        const body = validateBody<{ policies: PolicyStats[] }>(STATISTICS_SCHEMA, h.body);
        s.statistics.set(h.params.cluster, { reported_at: Date.now(), policies: new Map(body.policies.map((p) => [p.policy_id, p])) });
        return { accepted: body.policies.length };
      } },
    { method: 'GET', url: '/policy/api/v1/infra/domains/default/security-policies/:id/statistics', summary: 'Rule statistics of a security policy, per cluster (NSX SecurityPolicyStatisticsListResult)',
      permission: 'policy.read', handler: async (h) => {
        const id = h.params.id;
        if (!(await ctx.policies.getPolicy(id, false))) throw notFound(`security policy ${id} not found`);
        const results = [...s.statistics].filter(([, r]) => r.policies.has(id)).map(([cluster, r]) => {
          const p = r.policies.get(id)!;
          return {
            enforcement_point_path: clusterControlPlanePath(cluster),
            statistics: {
              resource_type: 'SecurityPolicyStatistics',
              lcp_timestamp: r.reported_at,
              results: p.rules.map((x) => ({
                internal_rule_id: x.rule_id, rule: `${securityPolicyPath(id)}/rules/${x.rule_id}`,
                packet_count: x.packet_count ?? 0, byte_count: x.byte_count ?? 0, session_count: x.session_count ?? 0, hit_count: x.packet_count ?? 0,
              })),
            },
          };
        });
        return { results, result_count: results.length };
      } },
    { method: 'POST', url: `${BASE}/:cluster/traceflows`, summary: 'Ask the cluster\'s adapter for a traceflow (Antrea Traceflow)',
      permission: 'policy.read', audit: 'traceflow.request', body: TRACEFLOW_REQUEST_SCHEMA, status: 201, handler: async (h) => {
        await requireCluster(h.params.cluster);
        const body = validateBody<TraceflowRequestBody>(TRACEFLOW_REQUEST_SCHEMA, h.body);
        const d = body.destination;
        if (d.ip !== undefined ? d.pod !== undefined || d.namespace !== undefined || isIP(d.ip) === 0 : d.pod === undefined || d.namespace === undefined) {
          throw badRequest('destination: give either ip (an address) or namespace and pod');
        }
        if (body.protocol !== 'ICMP' && body.port === undefined) throw badRequest(`port: required for ${body.protocol}`);
        const t: Traceflow = { ...body, id: randomUUID(), cluster: h.params.cluster, state: 'PENDING', requested_at: Date.now(), requested_by: h.principal.name };
        s.traceflows.set(t.id, t);
        return t;
      } },
    { method: 'GET', url: `${BASE}/:cluster/traceflows`, summary: 'Traceflows of the cluster (state=PENDING: those the adapter should run)',
      permission: 'inventory.report', ownCluster: { param: 'cluster', alsoPermission: 'inventory.read' }, query: { state: 'PENDING or DONE' }, handler: async (h) => {
        const state = h.query.state as string | undefined;
        if (state !== undefined && state !== 'PENDING' && state !== 'DONE') throw badRequest('state: use PENDING or DONE');
        const results = [...s.traceflows.values()].filter((t) => t.cluster === h.params.cluster && (!state || t.state === state));
        return { results, result_count: results.length };
      } },
    { method: 'GET', url: `${BASE}/:cluster/traceflows/:id`, summary: 'A traceflow: the live observations beside the model\'s answer, and whether they agree',
      permission: 'inventory.read', handler: async (h) => {
        const t = s.traceflows.get(h.params.id);
        if (!t || t.cluster !== h.params.cluster) throw notFound(`traceflow ${h.params.id} not found`);
        return view(ctx, t);
      } },
    { method: 'POST', url: `${BASE}/:cluster/traceflows/:id/result`, summary: 'The adapter reports a traceflow\'s result',
      permission: 'inventory.report', ownCluster: own, audit: 'traceflow.result', body: TRACEFLOW_RESULT_SCHEMA, handler: async (h) => {
        const t = s.traceflows.get(h.params.id);
        if (!t || t.cluster !== h.params.cluster) throw notFound(`traceflow ${h.params.id} not found`);
        const body = validateBody<{ phase: string; verdict: string; message?: string; observations: Record<string, string>[] }>(TRACEFLOW_RESULT_SCHEMA, h.body);
        t.result = { ...body, reported_at: Date.now() };
        t.state = 'DONE';
        return view(ctx, t);
      } },
  ];
}
