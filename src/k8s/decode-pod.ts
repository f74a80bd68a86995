import { decodeLabels } from './decode-selector.ts';
import type { RawObject } from './parse-documents.ts';
import type { ContainerPort, Pod } from './pod.ts';
import type { Protocol } from './protocol.ts';

interface RawContainer { ports?: { name?: string; containerPort: number; protocol?: Protocol }[] }

/** A validated v1 Pod object into the model: IPs from status.podIPs (or podIP), ports of every container. */
export function decodePod(raw: RawObject): Pod {
  const meta = raw.body.metadata as { name: string; namespace?: string; labels?: unknown; uid?: string };
  const spec = (raw.body.spec ?? {}) as { hostNetwork?: boolean; nodeName?: string; containers?: RawContainer[]; initContainers?: RawContainer[] };
  const status = (raw.body.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
  const ips: string[] = [];
  for (const entry of status.podIPs ?? []) if (entry?.ip && !ips.includes(entry.ip)) ips.push(entry.ip);
  if (status.podIP && !ips.includes(status.podIP)) ips.unshift(status.podIP);
  const ports: ContainerPort[] = [];
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const p of c.ports ?? []) ports.push({ name: p.name || undefined, port: p.containerPort, protocol: p.protocol ?? 'TCP' });
  }
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    labels: decodeLabels(meta.labels),
    ips,
    hostNetwork: spec.hostNetwork === true,
    phase: status.phase,
    nodeName: spec.nodeName || undefined,
    ports,
    uid: meta.uid,
    source: raw.source,
  };
}
