import { PROTOCOLS, type Protocol } from '../k8s/protocol.ts';

/** Ports `first` to `last` (inclusive) of one protocol. */
export interface PortRange {
  readonly protocol: Protocol;
  readonly first: number;
  readonly last: number;
}

/** Whether a port class is of TCP, UDP or SCTP (not verify's class of every other IP protocol). */
export function isPortRange(c: { readonly protocol: string; readonly first: number; readonly last: number }): c is PortRange {
  return (PROTOCOLS as readonly string[]).includes(c.protocol);
}

const ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** The ranges sorted by protocol (TCP, UDP, SCTP) then port, with touching or overlapping ranges merged. */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => ORDER[a.protocol] - ORDER[b.protocol] || a.first - b.first);
  const out: { protocol: Protocol; first: number; last: number }[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.protocol === r.protocol && r.first <= prev.last + 1) prev.last = Math.max(prev.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

/**
 * Ports as people read them, merged per protocol: `TCP 8080,9090-9100; UDP 53`; a whole protocol is
 * `TCP 1-65535`; every port of every protocol is `All Connections` (netpol-analyzer's words).
 */
export function formatPortRanges(ranges: readonly PortRange[]): string {
  const merged = mergePortRanges(ranges);
  const whole = (p: Protocol) => merged.some((r) => r.protocol === p && r.first <= 1 && r.last >= 65535);
  if (PROTOCOLS.every(whole)) return 'All Connections';
  const parts: string[] = [];
  for (const protocol of PROTOCOLS) {
    const mine = merged.filter((r) => r.protocol === protocol);
    if (mine.length) parts.push(`${protocol} ${mine.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`)).join(',')}`);
  }
  return parts.join('; ');
}
