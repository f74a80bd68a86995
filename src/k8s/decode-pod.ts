import { decodeLabels } from './decode-selector.ts';
import type { RawObject } from './parse-documents.ts';
import type { ContainerPort, Pod } from './pod.ts';
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
  const meta = raw.body.metadata as { name: string; namespace?: string; labels?: unknown; uid?: string };
  const spec = (raw.body.spec ?? {}) as { hostNetwork?: boolean; nodeName?: string; containers?: (RawContainer | null)[] | null; initContainers?: (RawContainer | null)[] | null };
  const status = (raw.body.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
  let texts = (status.podIPs ?? []).map((entry) => entry?.ip ?? '').filter((ip) => ip !== '');
  if (status.podIP && (texts.length === 0 || texts[0] !== status.podIP)) texts = [status.podIP];
  const ips = texts.map(understoodIp);
  const ports: ContainerPort[] = [];
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const p of c?.ports ?? []) ports.push({ name: p.name || undefined, port: p.containerPort, protocol: p.protocol || 'TCP' });
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

/** The address as the API server understands it when written with leading zeros; as written otherwise. */
function understoodIp(text: string): string {
  const ip = parseIpLiteral(text);
  return ip && ip.leadingZeros ? formatIp(ip.family, ip.value) : text;
}
