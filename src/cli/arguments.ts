// Command-line arguments several commands share (reach, explain, lab, convert): parsed, or a usage error (exit 2).
import type { Cluster } from '../k8s/cluster.ts';
import { podId, podIsLive } from '../k8s/pod.ts';
import { isProtocol } from '../k8s/protocol.ts';
import type { PortQuery } from '../evaluate/connection.ts';
import type { OnError } from '../convert/batch-options.ts';
import { familyOf, type Family } from '../net/ip-address.ts';
import { usageError } from './cli-error.ts';

/** Parses `--port`: `80` (TCP), `80/TCP`, `53/udp`, `9000/SCTP`. Anything else is a usage error (exit 2). */
export function parsePortArgument(value: string, flag = '--port'): PortQuery {
  const m = /^(\d+)(?:\/([A-Za-z]+))?$/.exec(value.trim());
  if (!m) {
    throw usageError(`${flag} ${value}: expected a port number and an optional protocol, such as 80, 80/TCP or 53/UDP` +
      (/^[a-z]/i.test(value) ? ' (named ports are resolved per pod; give the number you want to see)' : ''));
  }
  const port = Number(m[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`${flag} ${value}: the port must be between 1 and 65535`);
  const protocol = (m[2] ?? 'TCP').toUpperCase();
  if (!isProtocol(protocol)) throw usageError(`${flag} ${value}: unknown protocol ${m[2]}; use TCP, UDP or SCTP`);
  return { protocol, port };
}

/** Parses `--family`: 4 or 6 (also `ipv4`/`ipv6`); undefined when not given. */
export function parseFamilyArgument(value: string | undefined): Family | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase().replace(/^ipv/, '');
  if (v === '4') return 4;
  if (v === '6') return 6;
  throw usageError(`--family ${value}: use 4 or 6`);
}

/** Parses `--on-error`: abort (default) or continue. */
export function parseOnErrorArgument(value: string | undefined): OnError {
  const v = (value ?? 'abort').toLowerCase();
  if (v === 'abort' || v === 'continue') return v;
  throw usageError(`--on-error ${value}: use abort or continue`);
}

/**
 * Checks `--external` addresses: each must be an IP address that no live pod of the cluster holds (that pod is
 * already an endpoint). Duplicates are dropped; the order is kept.
 */
export function parseExternals(values: readonly string[] | undefined, cluster: Cluster): string[] {
  if (!values?.length) return [];
  const podByIp = new Map<string, string>();
  for (const pod of cluster.pods) if (podIsLive(pod)) for (const ip of pod.ips) podByIp.set(ip, podId(pod));
  const out: string[] = [];
  for (const raw of values ?? []) {
    const ip = raw.trim();
    if (!familyOf(ip)) {
      throw usageError(`--external ${raw}: not an IP address (give one address, such as 203.0.113.10 or 2001:db8::1; CIDRs are not endpoints)`);
    }
    const pod = podByIp.get(ip);
    if (pod) throw usageError(`--external ${ip}: this is the address of pod ${pod}, which is already an endpoint; give an address outside the cluster`);
    if (!out.includes(ip)) out.push(ip);
  }
  return out;
}
