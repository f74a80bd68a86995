/** The L4 protocols an NSX L4PortSetServiceEntry takes. */
export type L4Protocol = 'TCP' | 'UDP';

/**
 * np2dfw extension (profile `extended` only, never in NSX output): SCTP, which NSX's DFW does not take but Antrea
 * and the Linux dataplanes do.
 */
export type ExtendedL4Protocol = L4Protocol | 'SCTP';

/** The most values one service entry may list; a range ("8080-8090") counts as 2. */
export const MAX_PORT_VALUES_PER_ENTRY = 15;

/** How many of a list's values a port value takes where a range counts 2 (NSX's service entries, iptables' multiport). */
export function portValueWeight(value: string): number {
  return value.includes('-') ? 2 : 1;
}

/** Splits port values into chunks of at most `limit` values each (a range counting 2), keeping their order. */
export function chunkPortValues(values: readonly string[], limit: number = MAX_PORT_VALUES_PER_ENTRY): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let weight = 0;
  for (const v of values) {
    const w = portValueWeight(v);
    if (weight + w > limit) {
      chunks.push(current);
      current = [];
      weight = 0;
    }
    current.push(v);
    weight += w;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** A `destination_ports` value (`"53"`, `"8080-8090"`) as its first and last port; undefined when it is neither. */
export function parsePortValue(text: string): { readonly first: number; readonly last: number } | undefined {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return undefined;
  return { first: Number(m[1]), last: Number(m[2] ?? m[1]) };
}

/**
 * A set of destination ports of one protocol. Empty `destination_ports`: every port of the protocol.
 * `l4_protocol: 'SCTP'` is an np2dfw extension that only the `extended` conversion profile produces.
 */
export interface L4PortSetServiceEntry {
  readonly resource_type: 'L4PortSetServiceEntry';
  readonly id: string;
  readonly display_name?: string;
  readonly l4_protocol: ExtendedL4Protocol;
  /** `"53"` or `"8080-8090"`. */
  readonly destination_ports: readonly string[];
  readonly source_ports: readonly string[];
}

/**
 * np2dfw extension (profile `extended` only, never in NSX output): a Kubernetes named port, resolved at the
 * destination pod (its container port of that name and protocol), as the Linux dataplanes and Antrea do.
 */
export interface NamedPortServiceEntry {
  readonly resource_type: 'NamedPortServiceEntry';
  readonly id: string;
  readonly display_name?: string;
  readonly l4_protocol: ExtendedL4Protocol;
  /** The container port name (IANA_SVC_NAME). */
  readonly port_name: string;
}

/** Any service entry a Rule may hold: NSX's L4PortSetServiceEntry, or np2dfw's NamedPortServiceEntry extension. */
export type ServiceEntry = L4PortSetServiceEntry | NamedPortServiceEntry;

/** Whether a service entry is something NSX itself accepts (no np2dfw extension). */
export function isNsxServiceEntry(entry: ServiceEntry): entry is L4PortSetServiceEntry & { readonly l4_protocol: L4Protocol } {
  return entry.resource_type === 'L4PortSetServiceEntry' && entry.l4_protocol !== 'SCTP';
}
