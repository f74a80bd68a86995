import type { Labels } from './labels.ts';
import type { Protocol } from './protocol.ts';
import type { SourceRef } from './source.ts';
import type { WorkloadKind } from './workload.ts';

/** An object's controller, from its ownerReferences: the workload whose pods it is. */
export interface Owner {
  readonly kind: string;
  readonly name: string;
}

/** A container port of a pod: the numbers a named NetworkPolicy port resolves to. */
export interface ContainerPort {
  /** The port's IANA_SVC_NAME, when named. */
  readonly name?: string;
  readonly port: number;
  /** Defaults to TCP as the API server does. */
  readonly protocol: Protocol;
}

/** A v1 Pod, as far as network policy cares. */
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** status.podIPs (or status.podIP), in order; IPv4 and IPv6 for dual stack. Empty: no IP yet. */
  readonly ips: readonly string[];
  /** spec.hostNetwork: such pods use the node's address and are never selected by a NetworkPolicy. */
  readonly hostNetwork: boolean;
  /** status.phase when given (Pending, Running, Succeeded, Failed, Unknown). */
  readonly phase?: string;
  /** spec.nodeName when given. */
  readonly nodeName?: string;
  /** Every container's (and init container's) ports. */
  readonly ports: readonly ContainerPort[];
  readonly uid?: string;
  readonly source?: SourceRef;
  /**
   * Set when this stands for the pods of a workload (a Deployment, a Job, ...) given as a manifest: its pod
   * template's labels and ports, and the name `namespace/name[Kind]`.
   */
  readonly workload?: WorkloadKind;
  /**
   * A pod to be: a workload, or a Pod manifest without status (as written in git). np2dfw assigns its addresses
   * (assign-addresses.ts); until then `ips` is empty.
   */
  readonly toBe?: boolean;
  /**
   * The workload it belongs to (`--group workload`): its controller among ownerReferences, followed up to the
   * topmost owner given (a ReplicaSet of a Deployment counts as the Deployment).
   */
  readonly owner?: Owner;
}

/** `namespace/name` (`namespace/name[Kind]` for a workload), the id np2dfw uses for a pod everywhere. */
export function podId(pod: Pick<Pod, 'namespace' | 'name' | 'workload'>): string {
  return pod.workload ? `${pod.namespace}/${pod.name}[${pod.workload}]` : `${pod.namespace}/${pod.name}`;
}

/**
 * Whether the pod takes part in traffic: it has an IP, and it has not terminated (Succeeded/Failed pods keep no
 * sockets). hostNetwork pods take part, but as their node's address, never as a selectable pod.
 */
export function podIsLive(pod: Pod): boolean {
  return pod.ips.length > 0 && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/**
 * Resolves a named port on this pod: the container port with that name and protocol, or undefined.
 * A named port with another protocol does not match (Kubernetes matches name and protocol).
 */
export function resolveNamedPort(pod: Pod, name: string, protocol: Protocol): number | undefined {
  for (const p of pod.ports) if (p.name === name && p.protocol === protocol) return p.port;
  return undefined;
}
