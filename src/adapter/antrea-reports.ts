/**
 * What the adapter reads from Antrea and reports: health (AntreaControllerInfo, AntreaAgentInfo), per-rule
 * statistics (stats.crd.antrea.io/v1alpha1), and traceflows (crd.antrea.io/v1beta1 Traceflow) run for the manager.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, listAll as listRaw, resourcePath } from './kube-http.ts';
import { sleep } from './backoff.ts';
import { at, isObject, type Json, type KubeObject, messageOf, statusOf } from './kube-object.ts';
import type { ComponentHealth } from './manager-api.ts';

function conditionsHealthy(conds: unknown, type: string): { ok: boolean; message?: string } {
  if (!Array.isArray(conds)) return { ok: false, message: 'no conditions reported' };
  const c = conds.find((x) => at(x, 'type') === type);
  if (!c) return { ok: false, message: `no ${type} condition` };
  if (at(c, 'status') === 'True') return { ok: true };
  const m = at(c, 'message');
  return { ok: false, message: `${type} is ${String(at(c, 'status'))}${typeof m === 'string' && m ? `: ${m}` : ''}` };
}

async function listAll(kc: KubeConfig, apiVersion: string, kind: string, plural: string): Promise<KubeObject[]> {
  const { items } = await listRaw(kc, { apiVersion, kind, plural });
  return items.filter((i): i is KubeObject => isObject(i.metadata) && typeof i.metadata.name === 'string');
}

/** Antrea's health from its monitoring CRDs: the controller, and each agent (its node, version, conditions). */
export async function antreaHealth(kc: KubeConfig): Promise<ComponentHealth[]> {
  const out: ComponentHealth[] = [];
  let controllers: KubeObject[];
  try {
    controllers = await listAll(kc, 'crd.antrea.io/v1beta1', 'AntreaControllerInfo', 'antreacontrollerinfos');
  } catch (e) {
    return [{ name: 'antrea-controller', status: 'UNKNOWN', message: `cannot read AntreaControllerInfo: ${messageOf(e)}` }];
  }
  if (controllers.length === 0) out.push({ name: 'antrea-controller', status: 'DOWN', message: 'no AntreaControllerInfo (is Antrea installed?)' });
  for (const c of controllers) {
    const h = conditionsHealthy(at(c, 'controllerConditions'), 'ControllerHealthy');
    const version = at(c, 'version');
    const agents = at(c, 'connectedAgentNum');
    const node = at(c, 'nodeRef', 'name');
    const text = [`version ${typeof version === 'string' ? version : '?'}`, `${typeof agents === 'number' ? agents : '?'} connected agents`, ...(typeof node === 'string' ? [`on node ${node}`] : []), ...(h.message ? [h.message] : [])];
    out.push({ name: 'antrea-controller', status: h.ok ? 'HEALTHY' : 'DEGRADED', message: text.join(', ') });
  }
  let agents: KubeObject[] = [];
  try {
    agents = await listAll(kc, 'crd.antrea.io/v1beta1', 'AntreaAgentInfo', 'antreaagentinfos');
  } catch (e) {
    out.push({ name: 'antrea-agents', status: 'UNKNOWN', message: `cannot read AntreaAgentInfo: ${messageOf(e)}` });
  }
  for (const a of agents) {
    const h = conditionsHealthy(at(a, 'agentConditions'), 'AgentHealthy');
    const version = at(a, 'version');
    const node = at(a, 'nodeRef', 'name');
    out.push({
      name: `antrea-agent/${typeof node === 'string' ? node : a.metadata.name}`,
      status: h.ok ? 'HEALTHY' : 'DEGRADED',
      message: [`version ${typeof version === 'string' ? version : '?'}`, ...(h.message ? [h.message] : [])].join(', '),
    });
  }
  return out;
}

function traffic(v: unknown): { packets: number; bytes: number; sessions: number } {
  const n = (k: string): number => {
    const x = at(v, k);
    return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0;
  };
  return { packets: n('packets'), bytes: n('bytes'), sessions: n('sessions') };
}

/**
 * Per-rule statistics of the adapter's ClusterNetworkPolicies, by DFW policy and rule id. `ruleIds` maps each
 * policy's ACNP name to its DFW id and the ACNP rule names to DFW rule ids (an IN_OUT rule is two ACNP rules, summed).
 */
export async function antreaStatistics(kc: KubeConfig, policies: ReadonlyMap<string, { policyId: string; ruleOf: (antreaRule: string) => string | undefined }>): Promise<Json[]> {
  const stats = await listAll(kc, 'stats.crd.antrea.io/v1alpha1', 'AntreaClusterNetworkPolicyStats', 'antreaclusternetworkpolicystats');
  const out: Json[] = [];
  for (const s of stats) {
    const p = policies.get(s.metadata.name);
    if (!p) continue;
    const rules = new Map<string, { packets: number; bytes: number; sessions: number }>();
    const list = at(s, 'ruleTrafficStats');
    for (const r of Array.isArray(list) ? list : []) {
      const name = at(r, 'name');
      const id = typeof name === 'string' ? p.ruleOf(name) : undefined;
      if (!id) continue;
      const t = traffic(at(r, 'trafficStats'));
      const cur = rules.get(id) ?? { packets: 0, bytes: 0, sessions: 0 };
      rules.set(id, { packets: cur.packets + t.packets, bytes: cur.bytes + t.bytes, sessions: cur.sessions + t.sessions });
    }
    const total = traffic(at(s, 'trafficStats'));
    out.push({
      policy_id: p.policyId, packet_count: total.packets, byte_count: total.bytes, session_count: total.sessions,
      rules: [...rules].map(([rule_id, t]) => ({ rule_id, packet_count: t.packets, byte_count: t.bytes, session_count: t.sessions })),
    });
  }
  return out;
}

/** A traceflow the manager asked for. */
export interface TraceflowRequest {
  readonly id: string;
  readonly source: { readonly namespace: string; readonly pod: string };
  readonly destination: { readonly namespace?: string; readonly pod?: string; readonly ip?: string };
  readonly protocol: 'TCP' | 'UDP' | 'ICMP';
  readonly port?: number;
}

/**
 * Runs one traceflow: creates an Antrea Traceflow, waits for its phase to be Succeeded or Failed (or the timeout),
 * deletes it, and returns the result: phase, observations as Antrea reported them, and the verdict
 * (`delivered` when an observation delivered it, `dropped` when one dropped it or rejected it).
 */
export async function runTraceflow(kc: KubeConfig, req: TraceflowRequest, name: string, timeoutMs: number, signal?: AbortSignal): Promise<Json> {
  const protocolNumber = { ICMP: 1, TCP: 6, UDP: 17 }[req.protocol];
  const destination = req.destination.ip ? { ip: req.destination.ip } : { namespace: req.destination.namespace, pod: req.destination.pod };
  const transport = req.protocol === 'TCP' ? { tcp: { dstPort: req.port, flags: 2 } } : req.protocol === 'UDP' ? { udp: { dstPort: req.port } } : {};
  const body = {
    apiVersion: 'crd.antrea.io/v1beta1', kind: 'Traceflow', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'np2dfw' } },
    spec: { source: { namespace: req.source.namespace, pod: req.source.pod }, destination, packet: { ipHeader: { protocol: protocolNumber }, transportHeader: transport }, timeout: Math.ceil(timeoutMs / 1000) },
  };
  const TF = { apiVersion: 'crd.antrea.io/v1beta1', kind: 'Traceflow', plural: 'traceflows' };
  await kubeRequest(kc, 'POST', resourcePath(TF), { body });
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  try {
    while (performance.now() < deadline && !signal?.aborted) {
      last = await kubeRequest(kc, 'GET', resourcePath(TF, undefined, name));
      const phase = at(last, 'status', 'phase');
      if (phase === 'Succeeded' || phase === 'Failed') break;
      await sleep(200, signal);
    }
  } finally {
    try {
      await kubeRequest(kc, 'DELETE', resourcePath(TF, undefined, name));
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }
  const phase = at(last, 'status', 'phase');
  const results = at(last, 'status', 'results');
  const observations: Json[] = [];
  for (const r of Array.isArray(results) ? results : []) {
    const node = at(r, 'node');
    const obs = at(r, 'observations');
    for (const o of Array.isArray(obs) ? obs : []) {
      if (!isObject(o)) continue;
      const pick: Json = { ...(typeof node === 'string' ? { node } : {}) };
      for (const k of ['component', 'componentInfo', 'action', 'networkPolicy', 'ruleName', 'egress', 'translatedDstIP', 'tunnelDstIP', 'pod']) {
        if (typeof o[k] === 'string') pick[k] = o[k];
      }
      observations.push(pick);
    }
  }
  const actions = observations.map((o) => o.action);
  const verdict = actions.includes('Dropped') || actions.includes('Rejected') ? 'dropped'
    : actions.includes('Delivered') || actions.includes('ForwardedOutOfOverlay') ? 'delivered' : 'unknown';
  const reason = at(last, 'status', 'reason');
  return {
    phase: phase === 'Succeeded' || phase === 'Failed' ? phase : 'Timeout',
    verdict,
    observations,
    ...(typeof reason === 'string' ? { message: reason } : phase === undefined ? { message: 'Antrea gave no result before the timeout' } : {}),
  };
}
