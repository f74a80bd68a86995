/** The L4 protocols an NSX L4PortSetServiceEntry takes. */
export type L4Protocol = 'TCP' | 'UDP';

/** The most values one service entry may list; a range ("8080-8090") counts as 2. */
export const MAX_PORT_VALUES_PER_ENTRY = 15;

/** A set of destination ports of one protocol. Empty `destination_ports`: every port of the protocol. */
export interface L4PortSetServiceEntry {
  readonly resource_type: 'L4PortSetServiceEntry';
  readonly id: string;
  readonly display_name?: string;
  readonly l4_protocol: L4Protocol;
  /** `"53"` or `"8080-8090"`. */
  readonly destination_ports: readonly string[];
  readonly source_ports: readonly string[];
}
