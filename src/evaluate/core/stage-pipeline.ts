// The one evaluator core for ordered rule lists. A direction of a connection (the source's egress, the
// destination's ingress) is decided by a pipeline of stages, as kube-network-policies does it: each stage answers
// Accept, Deny or Next; what no stage decides is allowed (the default, last). A stage is either an ordered rule list
// (first match wins; a Pass rule ends the stage without a verdict: Next) or a class-level stage answering per pair
// of classes (the Kubernetes NetworkPolicies left in a mixed state). Everything is computed per pair of endpoint
// classes (see endpoint-partition.ts), with the classes' sets as bitsets.
import type { PolicyType } from '../../k8s/network-policy.ts';
import { BitMatrix, emptyBitset, fullBitset, hasBit, type Bitset } from '../bit-matrix.ts';
import type { PortQuery } from '../connection.ts';
import type { StageVerdict } from '../decision.ts';
import { classSetOf, forEachClass, hasClass, isClassIds, type ClassSet } from './class-set.ts';
import { RowStore } from './row-store.ts';

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
  readonly subjects: ClassSet;
  /** The classes of the other end it matches; undefined for every class. */
  readonly peers: ClassSet | undefined;
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
  if (ports === false || !hasClass(r.subjects, subject)) return false;
  if (r.peers && !hasClass(r.peers, peer)) return false;
  if (ports === true) return true;
  return hasBit(ports, direction === 'Egress' ? peer : subject);
}

/** One direction for every subject class: its row (the classes of the other end it lets through), shared. */
export interface DirectionRows {
  readonly size: number;
  /** Per subject class, its row in `rows`. */
  readonly rowOf: Int32Array;
  readonly rows: RowStore;
}

/** A rule with its services resolved for one query, and the stage it belongs to. */
interface PlannedRule<T> {
  readonly r: ClassRule<T>;
  readonly ports: PortMatch;
  readonly stage: number;
}

/**
 * The rules that can apply per subject class, in evaluation order (indexes into `planned`), as one flat list with
 * per-subject offsets: subject s has `list[start[s] .. start[s + 1])`.
 */
function rulesBySubject<T>(planned: readonly PlannedRule<T>[], size: number, direction: PolicyType): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(size + 1);
  const applies = (p: PlannedRule<T>, s: number) => direction === 'Egress' || p.ports === true || hasBit(p.ports as Bitset, s);
  for (const p of planned) forEachClass(p.r.subjects, (s) => { if (applies(p, s)) start[s + 1]++; });
  for (let s = 0; s < size; s++) start[s + 1] += start[s];
  const list = new Int32Array(start[size]);
  const fill = start.slice(0, size);
  planned.forEach((p, k) => forEachClass(p.r.subjects, (s) => { if (applies(p, s)) list[fill[s]++] = k; }));
  return { start, list };
}

/** Subjects whose rule lists are equal (found again by a hash of the list): the first one's row is theirs. */
class SharedLists {
  readonly #start: Int32Array;
  readonly #list: Int32Array;
  readonly #byHash = new Map<number, number[]>();

  constructor(start: Int32Array, list: Int32Array) {
    this.#start = start;
    this.#list = list;
  }

  /** An earlier subject with the same rule list as `s`, or -1 (then `s` is remembered). */
  find(s: number): number {
    const start = this.#start;
    const list = this.#list;
    let h = 0x811c9dc5;
    for (let k = start[s]; k < start[s + 1]; k++) h = Math.imul(h ^ list[k], 16777619);
    const same = this.#byHash.get(h);
    const n = start[s + 1] - start[s];
    const equal = (t: number) => start[t + 1] - start[t] === n && list.subarray(start[t], start[t + 1]).every((v, i) => v === list[start[s] + i]);
    const found = same?.find(equal);
    if (found !== undefined) return found;
    if (same) same.push(s);
    else this.#byHash.set(h, [s]);
    return -1;
  }
}

/** The scratch rows of one subject while its stages run. */
interface Scratch {
  readonly decided: Bitset;
  readonly allowed: Bitset;
  /** The pairs a stage with Pass rules has taken (a Pass ends its stage for a pair without deciding it). */
  readonly taken: Bitset;
}

/**
 * Applies one rule to the subject's scratch rows: it takes the pairs its stage has not taken yet. Says whether
 * every pair is decided now (a rule for every peer on every port that allows or denies, in a stage without Pass
 * rules: nothing after it counts).
 */
function applyRule<T>(x: Scratch, p: PlannedRule<T>, taken: Bitset, hasPass: boolean, direction: PolicyType, every: Bitset): boolean {
  const { decided, allowed } = x;
  const pass = p.r.action === 'Pass';
  const accept = p.r.action === 'Accept';
  const mask = direction === 'Egress' && p.ports !== true ? (p.ports as Bitset) : undefined;
  const peers = p.r.peers ?? every;
  if (isClassIds(peers)) {
    for (const c of peers.ids) {
      const w = c >>> 5;
      const bit = 1 << (c & 31);
      if ((taken[w] & bit) !== 0 || (mask && (mask[w] & bit) === 0)) continue;
      taken[w] |= bit;
      if (pass) continue;
      if (hasPass) decided[w] |= bit;
      if (accept) allowed[w] |= bit;
    }
    return false;
  }
  for (let w = 0; w < taken.length; w++) {
    let bits = peers[w] & ~taken[w];
    if (mask) bits &= mask[w];
    if (bits === 0) continue;
    taken[w] |= bits;
    if (pass) continue;
    if (hasPass) decided[w] |= bits;
    if (accept) allowed[w] |= bits;
  }
  return peers === every && !mask && !pass && !hasPass;
}

/** Runs a class-level stage over the subject's pairs still undecided. */
function applyClassStage(x: Scratch, stage: ClassStage, subject: number, every: Bitset, query: PortQuery): void {
  for (let w = 0; w < x.decided.length; w++) {
    let open = ~x.decided[w] & every[w];
    while (open !== 0) {
      const low = open & -open;
      open = (open ^ low) | 0;
      const p = w * 32 + (31 - Math.clz32(low));
      const v = stage.verdict(subject, p, query);
      if (v === 'Next') continue;
      x.decided[w] |= low;
      if (v === 'Accept') x.allowed[w] |= low;
    }
  }
}

/** One subject's row: its rules stage by stage, the class stages, then the default (allow what is undecided). */
function subjectRow<T>(pipeline: DirectionPipeline<T>, planned: readonly PlannedRule<T>[], mine: Int32Array, subject: number, x: Scratch, every: Bitset, query: PortQuery): Bitset {
  x.decided.fill(0);
  x.allowed.fill(0);
  let k = 0;
  for (let index = 0; index < pipeline.stages.length; index++) {
    const stage = pipeline.stages[index];
    if (stage.kind === 'classes') {
      applyClassStage(x, stage, subject, every, query);
      continue;
    }
    const first = k;
    while (k < mine.length && planned[mine[k]].stage === index) k++;
    let hasPass = false;
    for (let i = first; i < k; i++) if (planned[mine[i]].r.action === 'Pass') hasPass = true;
    const taken = hasPass ? x.taken : x.decided;
    if (hasPass) x.taken.set(x.decided);
    // once every pair is decided, neither the later rules nor the default change the row
    for (let i = first; i < k; i++) if (applyRule(x, planned[mine[i]], taken, hasPass, pipeline.direction, every)) return x.allowed;
  }
  for (let w = 0; w < every.length; w++) x.allowed[w] |= ~x.decided[w] & every[w];
  return x.allowed;
}

/**
 * One direction for every subject class: row s holds the classes of the other end that subject class s lets
 * through (for egress: destinations of source s; for ingress: sources of destination s). Subjects that the same
 * rules apply to share their row, computed once (unless a class stage answers per pair); every distinct row is
 * kept once.
 */
export function directionAllowed<T>(pipeline: DirectionPipeline<T>, size: number, portsOf: PortsOf<T>, query: PortQuery): DirectionRows {
  const planned: PlannedRule<T>[] = [];
  pipeline.stages.forEach((stage, index) => {
    if (stage.kind !== 'rules') return;
    for (const r of stage.rules) {
      const ports = portsOf(r);
      if (ports !== false) planned.push({ r, ports, stage: index });
    }
  });
  const { start, list } = rulesBySubject(planned, size, pipeline.direction);
  const perPair = pipeline.stages.some((st) => st.kind === 'classes');
  const every = fullBitset(size);
  const x: Scratch = { decided: emptyBitset(size), allowed: emptyBitset(size), taken: emptyBitset(size) };
  const rows = new RowStore(size);
  const rowOf = new Int32Array(size);
  const shared = new SharedLists(start, list);
  for (let s = 0; s < size; s++) {
    const known = perPair ? -1 : shared.find(s);
    if (known >= 0) {
      rowOf[s] = rowOf[known];
      continue;
    }
    rowOf[s] = rows.intern(subjectRow(pipeline, planned, list.subarray(start[s], start[s + 1]), s, x, every, query));
  }
  return { size, rowOf, rows };
}

/** Per source class, the distinct ingress rows that hold it (offsets into one flat list). */
function ingressRowsBySource(ingress: DirectionRows, size: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(size + 1);
  for (let r = 0; r < ingress.rows.size; r++) ingress.rows.forEachMember(r, (s) => { start[s + 1]++; });
  for (let s = 0; s < size; s++) start[s + 1] += start[s];
  const list = new Int32Array(start[size]);
  const fill = start.slice(0, size);
  for (let r = 0; r < ingress.rows.size; r++) ingress.rows.forEachMember(r, (s) => { list[fill[s]++] = r; });
  return { start, list };
}

/** Per distinct ingress row, the destination classes that have it. */
function destinationsByRow(ingress: DirectionRows, size: number): ClassSet[] {
  const lists: number[][] = Array.from({ length: ingress.rows.size }, () => []);
  for (let d = 0; d < size; d++) lists[ingress.rowOf[d]].push(d);
  return lists.map((l) => classSetOf(Int32Array.from(l), size));
}

/**
 * Row s: the destination classes source class s may reach (its egress allows and their ingress allows). The
 * ingress rows are turned around per distinct row (the destinations that have it), never bit by bit; a source
 * whose egress allows nothing has the empty row at once. Equal rows are kept once.
 */
export function pairsAllowed(egress: DirectionRows, ingress: DirectionRows, size: number): { readonly rowOf: Int32Array; readonly rows: RowStore } {
  const bySource = ingressRowsBySource(ingress, size);
  const destinations = destinationsByRow(ingress, size);
  const rows = new RowStore(size);
  const rowOf = new Int32Array(size);
  const scratch = emptyBitset(size);
  const empty = rows.intern(scratch);
  for (let s = 0; s < size; s++) {
    if (egress.rows.isEmpty(egress.rowOf[s])) {
      rowOf[s] = empty;
      continue;
    }
    scratch.fill(0);
    for (let k = bySource.start[s]; k < bySource.start[s + 1]; k++) {
      const to = destinations[bySource.list[k]];
      if (isClassIds(to)) for (const d of to.ids) scratch[d >>> 5] |= 1 << (d & 31);
      else for (let w = 0; w < scratch.length; w++) scratch[w] |= to[w];
    }
    egress.rows.andInto(scratch, egress.rowOf[s]);
    rowOf[s] = rows.intern(scratch);
  }
  return { rowOf, rows };
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
