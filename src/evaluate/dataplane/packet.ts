// What the dataplane evaluators decide: the opening packet of a connection as one node's netfilter sees it.
import type { Family } from '../../net/ip-address.ts';

/** The opening packet of a connection (conntrack state NEW), as the FORWARD hook of a node sees it. */
export interface Packet {
  readonly family: Family;
  /** Source and destination addresses (`addressValue`). */
  readonly src: bigint;
  readonly dst: bigint;
  /** Lower case, as iptables and nft name them. */
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly dport: number;
}

/** One matched rule of a ruleset: where it is and what it says. */
export interface MatchedRule {
  /** 1-based line of the rule in the ruleset text it came from. */
  readonly line: number;
  /** The ruleset text it came from (`v4`, `v6`, `nft`). */
  readonly source: string;
  readonly text: string;
}

/** A node's verdict on a packet, with the rules that decided it and every rule it matched on the way. */
export interface NodeVerdict {
  readonly allowed: boolean;
  /** The rules that decided: the dropping or rejecting rule, or the allowing rules of each stage passed. */
  readonly deciding: readonly MatchedRule[];
  /** Every rule the packet matched, in order. */
  readonly matched: readonly MatchedRule[];
  /** How the walk ended when no rule ended it (`policy accept`, ...). */
  readonly end: string;
}

/** What a ruleset's own objects name (ports per protocol, addresses): verify cuts its classes there too. */
export interface RulesetBoundaries {
  readonly ports: { readonly protocol: string; readonly first: number; readonly last: number }[];
  readonly addresses: string[];
}

/** A ruleset error: the text, the line and why (the evaluator never guesses what it cannot read). */
export class RulesetError extends Error {
  override readonly name = 'RulesetError';
}

/** `tcp` -> `TCP`: how verify names protocols. */
export function protocolName(p: string): string {
  return p.toUpperCase();
}

/** Formats a matched rule for explanations: `v4 line 12: -A NP2DFW-a-B0 ... -j DROP`. */
export function formatMatched(r: MatchedRule): string {
  return `${r.source} line ${r.line}: ${r.text}`;
}
