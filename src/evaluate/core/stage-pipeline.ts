// The one evaluator core for ordered rule lists. A direction of a connection (the source's egress, the
// destination's ingress) is decided by a pipeline of stages, as kube-network-policies does it: each stage answers
// Accept, Deny or Next; what no stage decides is allowed (the default, last). A stage is either an ordered rule list
// (first match wins; a Pass rule ends the stage without a verdict: Next) or a class-level stage answering per pair
// of classes (the Kubernetes NetworkPolicies left in a mixed state). Everything is computed per pair of endpoint
// classes (see endpoint-partition.ts), with the classes' sets as bitsets.
import type { PolicyType } from '../../k8s/network-policy.ts';
import { BitMatrix, emptyBitset, forEachBit, fullBitset, hasBit, type Bitset } from '../bit-matrix.ts';
import type { PortQuery } from '../connection.ts';
import type { StageVerdict } from '../decision.ts';

/** What a matching rule does: allow, deny, or end its stage undecided (Antrea's Pass). */
export type RuleAction = 'Accept' | 'Deny' | 'Pass';

/** Where a rule's services match for one query: every destination, none, or only these destination classes. */
export type PortMatch = boolean | Bitset;

/** A rule of one direction over the classes of one partition. */
export interface ClassRule<T> {
  /** The form's own rule (for explanations and port matching). */
  readonly rule: T;
  readonly action: RuleAction;
  /** The classes the rule is enforced at (the source for egress, the destination for ingress). */
  readonly subjects: Bitset;
  /** The classes of the other end it matches; undefined for every class. */
  readonly peers: Bitset | undefined;
}

/** An ordered rule list: the first rule that matches decides. */
export interface RuleStage<T> {
  readonly kind: 'rules';
  readonly rules: readonly ClassRule<T>[];
}

/** A stage answering per pair of classes (subject class, other end's class). */
export interface ClassStage {
  readonly kind: 'classes';
  verdict(subject: number, peer: number, query: PortQuery): StageVerdict;
}

export type Stage<T> = RuleStage<T> | ClassStage;

/** One direction's stages, in order; the default (allow) comes after the last. */
export interface DirectionPipeline<T> {
  readonly direction: PolicyType;
  readonly stages: readonly Stage<T>[];
}

/** Where a rule's services match for the query being evaluated (destination classes). */
export type PortsOf<T> = (rule: ClassRule<T>) => PortMatch;

/** Whether a rule matches a pair of classes (subject, peer) for the query. */
export function ruleMatches<T>(r: ClassRule<T>, subject: number, peer: number, direction: PolicyType, ports: PortMatch): boolean {
  if (ports === false || !hasBit(r.subjects, subject)) return false;
  if (r.peers && !hasBit(r.peers, peer)) return false;
  if (ports === true) return true;
  return hasBit(ports, direction === 'Egress' ? peer : subject);
}

/** Per subject class (row), the bits of the other end that are decided (Accept or Deny) and those allowed. */
interface Rows {
  readonly decided: BitMatrix;
  readonly allowed: BitMatrix;
}

/** Runs one rule list over the rows: each rule takes the pairs its stage has not decided yet. */
function runRules<T>(rows: Rows, stage: RuleStage<T>, direction: PolicyType, portsOf: PortsOf<T>, every: Bitset): void {
  const hasPass = stage.rules.some((r) => r.action === 'Pass');
  const decided = rows.decided.words;
  const allowed = rows.allowed.words;
  // A Pass ends the stage for a pair without deciding it: the stage keeps its own "taken" bits.
  const taken = hasPass ? decided.slice() : decided;
  const W = every.length;
  for (const r of stage.rules) {
    const ports = portsOf(r);
    if (ports === false) continue;
    const peers = r.peers ?? every;
    const mask = direction === 'Egress' && ports !== true ? ports : undefined;
    forEachBit(r.subjects, (s) => {
      if (direction === 'Ingress' && ports !== true && !hasBit(ports, s)) return;
      const base = s * W;
      for (let w = 0; w < W; w++) {
        let bits = peers[w] & ~taken[base + w];
        if (mask) bits &= mask[w];
        if (bits === 0) continue;
        taken[base + w] |= bits;
        if (r.action === 'Pass') continue;
        if (hasPass) decided[base + w] |= bits;
        if (r.action === 'Accept') allowed[base + w] |= bits;
      }
    });
  }
}

/** Runs a class-level stage over the pairs still undecided. */
function runClassStage(rows: Rows, stage: ClassStage, size: number, query: PortQuery): void {
  const undecided = emptyBitset(size);
  for (let s = 0; s < size; s++) {
    const decided = rows.decided.row(s);
    for (let w = 0; w < undecided.length; w++) undecided[w] = ~decided[w];
    forEachBit(undecided, (p) => {
      if (p >= size) return;
      const v = stage.verdict(s, p, query);
      if (v === 'Next') return;
      rows.decided.set(s, p);
      if (v === 'Accept') rows.allowed.set(s, p);
    });
  }
}

/**
 * One direction for every pair of classes: row s holds the classes of the other end that the subject class s
 * lets through (for egress: destinations of source s; for ingress: sources of destination s).
 */
export function directionAllowed<T>(pipeline: DirectionPipeline<T>, size: number, portsOf: PortsOf<T>, query: PortQuery): BitMatrix {
  const rows: Rows = { decided: new BitMatrix(size, size), allowed: new BitMatrix(size, size) };
  const every = fullBitset(size);
  for (const stage of pipeline.stages) {
    if (stage.kind === 'rules') runRules(rows, stage, pipeline.direction, portsOf, every);
    else runClassStage(rows, stage, size, query);
  }
  // the default: what no stage decided is allowed
  const a = rows.allowed.words;
  const d = rows.decided.words;
  const W = every.length;
  for (let i = 0; i < a.length; i++) a[i] |= ~d[i] & every[i % W];
  return rows.allowed;
}

/** Row s: the destination classes source class s may reach (its egress allows and their ingress allows). */
export function pairsAllowed(egress: BitMatrix, ingress: BitMatrix, size: number): BitMatrix {
  const pairs = new BitMatrix(size, size);
  // ingress row d holds sources: transpose it into pairs, then keep what egress allows
  for (let d = 0; d < size; d++) forEachBit(ingress.row(d), (s) => pairs.set(s, d));
  const p = pairs.words;
  const e = egress.words;
  for (let i = 0; i < p.length; i++) p[i] &= e[i];
  return pairs;
}

/** What decided one direction of one pair: the rules that passed it on, then the deciding stage and rule. */
export interface DirectionTrail<T> {
  /** Pass rules that handed the pair to the next stage. */
  readonly passedBy: readonly ClassRule<T>[];
  /** The stage that decided (its index), undefined when the default did. */
  readonly stage?: number;
  /** The deciding rule, for a rule stage. */
  readonly rule?: ClassRule<T>;
  readonly verdict: StageVerdict;
}

/** Walks one direction of one pair of classes stage by stage, saying what decided (for explain). */
export function traceDirection<T>(pipeline: DirectionPipeline<T>, subject: number, peer: number, portsOf: PortsOf<T>, query: PortQuery): DirectionTrail<T> {
  const passedBy: ClassRule<T>[] = [];
  for (let i = 0; i < pipeline.stages.length; i++) {
    const stage = pipeline.stages[i];
    if (stage.kind === 'classes') {
      const verdict = stage.verdict(subject, peer, query);
      if (verdict !== 'Next') return { passedBy, stage: i, verdict };
      continue;
    }
    const rule = stage.rules.find((r) => ruleMatches(r, subject, peer, pipeline.direction, portsOf(r)));
    if (!rule) continue;
    if (rule.action === 'Pass') {
      passedBy.push(rule);
      continue;
    }
    return { passedBy, stage: i, rule, verdict: rule.action };
  }
  return { passedBy, verdict: 'Next' };
}
