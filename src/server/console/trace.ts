// The trace of one connection in both worlds: what Kubernetes decides (every NetworkPolicy, as before any
// import), what the firewall decides now (the DFW, then the NetworkPolicies not imported), and what decided
// each direction: the deciding DFW rule with the Kubernetes rule it came from, or the NetworkPolicy rule.
import type { Connection } from '../../evaluate/connection.ts';
import type { ConnectionDecision, Decision } from '../../evaluate/decision.ts';
import { connectionFamily, endpointFor, resolveEndpointArgument, type EndpointProblem } from '../../evaluate/endpoint-argument.ts';
import type { Protocol } from '../../k8s/protocol.ts';
import type { Family } from '../../net/ip-address.ts';
import type { ClusterWorlds } from '../import/verify-clusters.ts';

/** One direction's answer, as the API shows it. */
export interface DirectionView {
  readonly allowed: boolean;
  readonly decided_by: string;
  readonly notes: readonly string[];
}

/** One world's verdict of the connection. */
export interface WorldView {
  readonly engine: string;
  readonly allowed: boolean;
  readonly egress: DirectionView;
  readonly ingress: DirectionView;
}

/** Whether a live traceflow can run, and why not. */
export interface TraceflowView {
  readonly available: boolean;
  readonly reason: string;
}

/** The trace of one connection. */
export interface TraceView {
  readonly cluster: string;
  readonly connection: {
    readonly source: string;
    readonly source_ip: string;
    readonly destination: string;
    readonly destination_ip: string;
    readonly protocol: Protocol;
    readonly port: number;
    readonly family: Family;
  };
  readonly kubernetes: WorldView;
  readonly dfw: WorldView;
  /** Whether both worlds agree. */
  readonly same_verdict: boolean;
  readonly traceflow: TraceflowView;
}

function direction(d: Decision): DirectionView {
  return { allowed: d.allowed, decided_by: d.by, notes: d.notes };
}

function world(engine: string, d: ConnectionDecision): WorldView {
  return { engine, allowed: d.allowed, egress: direction(d.egress), ingress: direction(d.ingress) };
}

/** Traces `source` to `destination` (each `NAMESPACE/POD` or an address) on a port in both worlds of a cluster. */
export function traceConnection(w: ClusterWorlds, request: { source: string; destination: string; protocol: Protocol; port: number; family?: Family },
  traceflow: TraceflowView, fail: EndpointProblem): TraceView {
  const from = resolveEndpointArgument(request.source, w.reference, 'source', fail);
  const to = resolveEndpointArgument(request.destination, w.reference, 'destination', fail);
  const family = connectionFamily(from, to, request.family, ['source', 'destination'], fail);
  const c: Connection = { src: endpointFor(from, family), dst: endpointFor(to, family), protocol: request.protocol, port: request.port };
  const k = w.kubernetes.decide(c);
  const d = w.state.decide(c);
  return {
    cluster: w.reference.name,
    connection: { source: c.src.id, source_ip: c.src.ip, destination: c.dst.id, destination_ip: c.dst.ip, protocol: request.protocol, port: request.port, family },
    kubernetes: world('NetworkPolicies (as Kubernetes enforced them before any import)', k),
    dfw: world('DFW now (stored security policies, then the NetworkPolicies not imported)', d),
    same_verdict: k.allowed === d.allowed,
    traceflow,
  };
}
