/**
 * What a conversion may produce:
 * - `nsx`: only what NSX's DFW and Antrea groups accept; anything else is refused per policy (seed 000).
 * - `extended`: no NSX limit; named ports, SCTP, DoesNotExist and multi-value In become np2dfw extensions of the
 *   model (NamedPortServiceEntry, l4_protocol SCTP, scope_operator NOTEQUALS, OR-ed criteria) for targets that can
 *   express them (Antrea, iptables, nftables). NSX output never contains them.
 */
export type ConversionProfile = 'nsx' | 'extended';
