// The evaluator of the `iptables` and `nftables` targets (src/targets/dataplane.ts converts, plans and renders
// every node's texts, the ones `np2dfw apply` loads): it evaluates those texts by walking each
// connection's opening packet through the rulesets of the nodes it crosses, as the lab's network routes it:
// a pod's traffic leaves through its node's FORWARD hook and enters its destination through the destination's
// node (once when both are on the same node); addresses outside the cluster and hostNetwork pods sit outside
// every node. Return traffic is conntrack's (ESTABLISHED): only the opening packet is judged.
import { addressValue } from '../../net/ip-address.ts';
import { nodeOfPod } from '../../realize/iptables/node-plan.ts';
import { BitMatrix } from '../bit-matrix.ts';
import type { Connection, PortQuery } from '../connection.ts';
import type { ConnectionDecision, Decision } from '../decision.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ReachabilityEngine } from '../engine.ts';
import type { TargetBoundaries } from '../target.ts';
import { evaluateIptables, iptablesBoundaries, parseIptablesRuleset, type IptablesTexts } from './iptables-ruleset.ts';
import { evaluateNft, nftBoundaries, parseNftRuleset } from './nft-ruleset.ts';
import { formatMatched, type NodeVerdict, type Packet, type RulesetBoundaries } from './packet.ts';

/** One node's ruleset, read and ready to judge packets. */
export interface NodeRuleset {
  readonly node: string;
  decide(p: Packet): NodeVerdict;
  readonly boundaries: RulesetBoundaries;
}

/** A node's ipset + iptables texts, read. */
export function iptablesNode(node: string, texts: IptablesTexts): NodeRuleset {
  const rs = parseIptablesRuleset(texts);
  return { node, decide: (p) => evaluateIptables(rs, p), boundaries: iptablesBoundaries(rs) };
}

/** A node's nft text, read. */
export function nftNode(node: string, text: string): NodeRuleset {
  const rs = parseNftRuleset(text);
  return { node, decide: (p) => evaluateNft(rs, p), boundaries: nftBoundaries(rs) };
}

function describe(node: string, v: NodeVerdict): Decision {
  const rules = v.deciding.map(formatMatched);
  const by = v.allowed
    ? `node ${node}: passed${rules.length ? ` (allowed by ${rules.join('; ')})` : ' (no rule of np2dfw matched)'}; ${v.end}`
    : `node ${node}: ${v.end === 'REJECT' || v.end === 'reject' ? 'rejected' : 'dropped'} by ${rules.length ? rules.join('; ') : v.end}`;
  return { allowed: v.allowed, by, notes: v.matched.map((r) => `matched ${formatMatched(r)}`) };
}

/** Where an endpoint's traffic meets a ruleset: its pod's node, or none (outside addresses, hostNetwork pods). */
function nodeOf(e: Endpoint): string | undefined {
  return e.kind === 'pod' && !e.pod.hostNetwork ? nodeOfPod(e.pod) : undefined;
}

/**
 * The engine of a set of node rulesets. `remaining` (NetworkPolicies not converted) is enforced beside them, by
 * the cluster's own NetworkPolicy implementation: a connection passes only when both let it through.
 */
export function createDataplaneEngine(name: string, nodes: readonly NodeRuleset[], remaining?: ReachabilityEngine): ReachabilityEngine {
  const byNode = new Map(nodes.map((n) => [n.node, n]));
  const pass = (node: string | undefined, p: Packet): Decision => {
    if (node === undefined) return { allowed: true, by: 'outside every node: no ruleset on this side', notes: [] };
    const rs = byNode.get(node);
    if (!rs) return { allowed: true, by: `node ${node}: np2dfw loads no ruleset there`, notes: [] };
    return describe(node, rs.decide(p));
  };
  const decide = (c: Connection): ConnectionDecision => {
    const self = c.src.ip === c.dst.ip;
    let egress: Decision;
    let ingress: Decision;
    if (self) {
      egress = { allowed: true, by: 'a connection to its own address never crosses a node\'s FORWARD hook', notes: [] };
      ingress = egress;
    } else {
      const p: Packet = { family: c.src.family, src: addressValue(c.src.ip, c.src.family), dst: addressValue(c.dst.ip, c.dst.family), protocol: c.protocol.toLowerCase() as Packet['protocol'], dport: c.port };
      const from = nodeOf(c.src);
      const to = nodeOf(c.dst);
      egress = pass(from, p);
      ingress = to !== undefined && to === from
        ? { allowed: true, by: `same node ${to}: its one pass through FORWARD decided (see egress)`, notes: [] }
        : pass(to, p);
    }
    if (remaining && !self) {
      const k = remaining.decide(c);
      if (!k.egress.allowed) egress = { allowed: false, by: `${k.egress.by} (NetworkPolicy not converted)`, notes: [egress.by, ...k.egress.notes] };
      if (!k.ingress.allowed) ingress = { allowed: false, by: `${k.ingress.by} (NetworkPolicy not converted)`, notes: [ingress.by, ...k.ingress.notes] };
    }
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  };
  return {
    name,
    decide,
    matrix(endpoints: readonly Endpoint[], query: PortQuery): BitMatrix {
      const m = new BitMatrix(endpoints.length, endpoints.length);
      for (let i = 0; i < endpoints.length; i++) {
        for (let j = 0; j < endpoints.length; j++) if (decide({ src: endpoints[i], dst: endpoints[j], ...query }).allowed) m.set(i, j);
      }
      return m;
    },
  };
}

/** The union of the nodes' boundaries, without repeats. */
export function rulesetsBoundaries(nodes: readonly NodeRuleset[]): TargetBoundaries {
  const ports = new Map<string, { protocol: string; first: number; last: number }>();
  const addresses = new Set<string>();
  for (const n of nodes) {
    for (const p of n.boundaries.ports) ports.set(`${p.protocol} ${p.first} ${p.last}`, p);
    for (const a of n.boundaries.addresses) addresses.add(a);
  }
  return { ports: [...ports.values()], addresses: [...addresses] };
}
