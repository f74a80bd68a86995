import { decodeLabels, NONE } from './decode-selector.ts';
import type { RawObject } from './parse-documents.ts';
import type { ContainerPort, Owner, Pod } from './pod.ts';
import type { Protocol } from './protocol.ts';
import { formatIp, parseIpLiteral } from './validate/ip-literal.ts';

interface RawContainer { ports?: { name?: string; containerPort: number; protocol?: Protocol }[] | null }

/**
 * A validated v1 Pod object into the model: ports of every container (and init container, for sidecars), and IPs
 * as the API server converts them (Convert_v1_PodStatus_To_core_PodStatus): status.podIPs, or [podIP] when podIPs
 * is empty or its first entry differs from podIP (podIP is authoritative). IPv4 written with leading zeros
 * (accepted by the API server) is given in dotted decimal, as it understands it.
 */
export function decodePod(raw: RawObject): Pod {
  const meta = raw.body.metadata as { name: string; namespace?: string; labels?: unknown; uid?: string; ownerReferences?: unknown };
  const status = (raw.body.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
  let texts = (status.podIPs ?? []).map((entry) => entry?.ip ?? '').filter((ip) => ip !== '');
  if (status.podIP && (texts.length === 0 || texts[0] !== status.podIP)) texts = [status.podIP];
  const ips = texts.map(understoodIp);
  const owner = controllerOf(meta.ownerReferences);
  // A manifest as written in git has no status (or `status: {}`, as `kubectl run --dry-run -o yaml` prints it):
  // a pod to be. A pod the API server reported has a phase, and takes no part until it has an address.
  const toBe = ips.length === 0 && (status.phase === undefined || status.phase === null || status.phase === '');
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    labels: decodeLabels(meta.labels),
    ips,
    ...podSpecFacts(raw.body.spec),
    phase: status.phase,
    uid: meta.uid,
    source: raw.source,
    ...(toBe ? { toBe } : {}),
    ...(owner ? { owner } : {}),
  };
}

/** What np2dfw reads of a validated PodSpec: hostNetwork, nodeName, and every container's (and init container's) ports. */
export function podSpecFacts(value: unknown): { hostNetwork: boolean; nodeName?: string; ports: readonly ContainerPort[] } {
  const spec = (value ?? {}) as { hostNetwork?: boolean; nodeName?: string; containers?: (RawContainer | null)[] | null; initContainers?: (RawContainer | null)[] | null };
  const ports: ContainerPort[] = [];
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const p of c?.ports ?? []) ports.push({ name: p.name || undefined, port: p.containerPort, protocol: p.protocol || 'TCP' });
  }
  return { hostNetwork: spec.hostNetwork === true, nodeName: spec.nodeName || undefined, ports: ports.length ? ports : NONE };
}

/** The controller among validated ownerReferences (the one with `controller: true`), when there is one. */
export function controllerOf(value: unknown): Owner | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const ref of value as ({ kind?: string; name?: string; controller?: boolean } | null)[]) {
    if (ref?.controller === true && ref.kind && ref.name) return { kind: ref.kind, name: ref.name };
  }
  return undefined;
}

/** The address as the API server understands it when written with leading zeros; as written otherwise. */
function understoodIp(text: string): string {
  const ip = parseIpLiteral(text);
  return ip && ip.leadingZeros ? formatIp(ip.family, ip.value) : text;
}
