import type { ServiceEntry } from './service-entry.ts';
import type { Tag } from './tag.ts';

export type RuleAction = 'ALLOW' | 'DROP' | 'REJECT';
/** IN: checked at the destination (traffic into the applied-to members); OUT: at the source. */
export type RuleDirection = 'IN' | 'OUT' | 'IN_OUT';

/** An NSX firewall rule inside a SecurityPolicy. */
export interface Rule {
  readonly resource_type: 'Rule';
  readonly id: string;
  readonly display_name: string;
  readonly path?: string;
  readonly action: RuleAction;
  readonly direction: RuleDirection;
  readonly ip_protocol: 'IPV4_IPV6';
  readonly sequence_number: number;
  /** Group paths, or `["ANY"]` alone. */
  readonly source_groups: readonly string[];
  /** Group paths, or `["ANY"]` alone. */
  readonly destination_groups: readonly string[];
  /** Service paths, or `["ANY"]` alone; np2dfw puts ports in `service_entries` and leaves `["ANY"]` here. */
  readonly services: readonly string[];
  /**
   * When non-empty, the rule matches only these protocols and ports. NamedPortServiceEntry (and SCTP) are np2dfw
   * extensions produced only by the `extended` conversion profile.
   */
  readonly service_entries: readonly ServiceEntry[];
  /** Rule-level applied-to; `["ANY"]` when the policy's scope applies. */
  readonly scope: readonly string[];
  readonly logged: boolean;
  readonly disabled: boolean;
  readonly tags: readonly Tag[];
}
