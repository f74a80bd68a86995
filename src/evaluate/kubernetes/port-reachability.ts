// Reachability between endpoint classes for one protocol and port. For a destination class c:
//   ingress side I(c) = every class when c is not isolated for ingress, else the union of the peer sets of the
//                       ingress rules (of the policies selecting c) whose ports match at c;
//   egress side  E(c) = the classes not isolated for egress, plus the sources of every egress rule whose peer
//                       set holds c and whose ports match at c;
// and the sources allowed to reach c are I(c) ∩ E(c).
import type { PortQuery } from '../connection.ts';
import type { StageVerdict } from '../decision.ts';
import { hasClass, type ClassSet } from './class-set.ts';
import { SELECTABLE_POD, type CompiledPolicies } from './compiled-policies.ts';

/** One side (ingress or egress) of a destination class: every class, or the union of some sets. */
export interface Side {
  /** Every class. */
  readonly all: boolean;
  /** Otherwise the union of these sets. */
  readonly sets: readonly ClassSet[];
}

const ALL_SIDE: Side = Object.freeze({ all: true, sets: Object.freeze([]) as readonly ClassSet[] });

/** A side being gathered (its sets filled in place). */
interface SideBuffer extends Side {
  readonly all: false;
  readonly sets: ClassSet[];
}

function sideBuffer(): SideBuffer {
  return { all: false, sets: [] };
}

/** Class-level reachability for one query over compiled policies. */
export class PortReachability {
  /** The compiled policies the answers are computed over. */
  readonly compiled: CompiledPolicies;
  /** The protocol and destination port. */
  readonly query: PortQuery;
  private readonly portCache: Int8Array;
  private readonly stamp: Int32Array;
  private epoch = 0;
  private readonly setStamp: Int32Array;
  private setEpoch = 0;
  // Sides reused from one call to the next (no garbage per class): those forEachAllowedSource works on (nothing
  // it calls back asks for another of them), and those of the verdicts (which call nothing back).
  readonly #visitIn = sideBuffer();
  readonly #visitOut = sideBuffer();
  readonly #testIn = sideBuffer();
  readonly #testOut = sideBuffer();

  constructor(compiled: CompiledPolicies, query: PortQuery) {
    this.compiled = compiled;
    this.query = query;
    this.portCache = new Int8Array(compiled.portLists.length * compiled.signatures.length).fill(-1);
    this.stamp = new Int32Array(compiled.classCount);
    this.setStamp = new Int32Array(compiled.sets.length + compiled.egressGroups.length);
  }

  /** Whether a port list matches the query at a destination with this port signature. */
  portsMatch(list: number, signature: number): boolean {
    if (list === 0) return true;
    const key = list * this.compiled.signatures.length + signature;
    const cached = this.portCache[key];
    if (cached >= 0) return cached === 1;
    const q = this.query;
    let ok = false;
    for (const port of this.compiled.portLists[list]!) {
      if (port.protocol !== q.protocol) continue;
      if (port.port === undefined) ok = true;
      else if (typeof port.port === 'number') ok = q.port >= port.port && q.port <= (port.endPort ?? port.port);
      else {
        const idx = this.compiled.namedPortIndex.get(`${port.port}/${port.protocol}`)!;
        ok = this.compiled.signatures[signature][idx] === q.port;
      }
      if (ok) break;
    }
    this.portCache[key] = ok ? 1 : 0;
    return ok;
  }

  /** The classes whose traffic the destination class's ingress admits. */
  ingressSide(c: number): Side {
    return this.#ingressInto(c, sideBuffer());
  }

  /** The ingress side: ALL_SIDE, or `side` with its sets gathered (emptied first). */
  #ingressInto(c: number, side: SideBuffer): Side {
    const k = this.compiled;
    if (k.kind[c] !== SELECTABLE_POD || !k.ingressIsolated[c]) return ALL_SIDE;
    const sets = side.sets;
    sets.length = 0;
    const sig = k.signature[c];
    const epoch = ++this.setEpoch;
    const { offsets, items } = k.ingressRules;
    for (let i = offsets[c]; i < offsets[c + 1]; i++) {
      const rule = k.rules[items[i]];
      if (!this.portsMatch(rule.ports, sig)) continue;
      if (rule.peers === 0) return ALL_SIDE;
      if (this.setStamp[rule.peers] === epoch) continue;
      this.setStamp[rule.peers] = epoch;
      sets.push(k.sets[rule.peers]);
    }
    return side;
  }

  /** The classes whose egress admits traffic to the destination class. */
  egressSide(c: number): Side {
    return this.#egressInto(c, sideBuffer());
  }

  /** The egress side: ALL_SIDE, or `side` with its sets gathered (emptied first). */
  #egressInto(c: number, side: SideBuffer): Side {
    const k = this.compiled;
    if (!k.anyEgressIsolation) return ALL_SIDE;
    const sets = side.sets;
    sets.length = 0;
    if (k.notEgressIsolated.ids.length) sets.push(k.notEgressIsolated);
    const sig = k.signature[c];
    for (const g of k.universalEgressGroups) {
      const group = k.egressGroups[g];
      if (this.portsMatch(k.rules[group.rule].ports, sig)) sets.push(group.sources);
    }
    const at = k.egressGroupsAt;
    for (let i = at.offsets[c]; i < at.offsets[c + 1]; i++) {
      const group = k.egressGroups[at.items[i]];
      if (this.portsMatch(k.rules[group.rule].ports, sig)) sets.push(group.sources);
    }
    return side;
  }

  /** The destination's ingress as a stage: Next when not isolated, else Accept or Deny for this source. */
  ingressVerdict(src: number, dst: number): StageVerdict {
    const k = this.compiled;
    if (k.kind[dst] !== SELECTABLE_POD || !k.ingressIsolated[dst]) return 'Next';
    return sideHas(this.#ingressInto(dst, this.#testIn), src) ? 'Accept' : 'Deny';
  }

  /** The source's egress as a stage: Next when not isolated, else Accept or Deny for this destination. */
  egressVerdict(src: number, dst: number): StageVerdict {
    const k = this.compiled;
    if (k.kind[src] !== SELECTABLE_POD || !k.egressIsolated[src]) return 'Next';
    return sideHas(this.#egressInto(dst, this.#testOut), src) ? 'Accept' : 'Deny';
  }

  /** Whether the source class may reach the destination class (a pod's traffic to itself aside). */
  allows(src: number, dst: number): boolean {
    return sideHas(this.#ingressInto(dst, this.#testIn), src) && sideHas(this.#egressInto(dst, this.#testOut), src);
  }

  /**
   * Visits every allowed source class of a destination class once, or returns true without visiting when every
   * class is allowed. Only classes with `weight[s] > 0` are visited when `weight` is given.
   */
  forEachAllowedSource(dst: number, visit: (src: number) => void, weight?: ArrayLike<number>): boolean {
    const I = this.#ingressInto(dst, this.#visitIn);
    const E = this.#egressInto(dst, this.#visitOut);
    if (I.all && E.all) return true;
    let enumerate: Side;
    let test: Side;
    if (E.all) [enumerate, test] = [I, E];
    else if (I.all) [enumerate, test] = [E, I];
    else [enumerate, test] = sizeOf(I) <= sizeOf(E) ? [I, E] : [E, I];
    const epoch = ++this.epoch;
    const stamp = this.stamp;
    for (const s of enumerate.sets) {
      const ids = s.ids;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (stamp[id] === epoch) continue;
        stamp[id] = epoch;
        if (weight && weight[id] === 0) continue;
        if (test.all || sideHas(test, id)) visit(id);
      }
    }
    return false;
  }

  /**
   * The sum of `weight` over the allowed source classes of a destination class (`total` is the sum over all
   * classes). Counts the classes not isolated for egress without enumerating them when the ingress side is open.
   */
  allowedWeight(dst: number, weight: ArrayLike<number>, total: number, notEgressIsolatedWeight: number): number {
    const I = this.ingressSide(dst);
    if (I.all) {
      const E = this.egressSide(dst);
      if (E.all) return total;
      const ne = this.compiled.notEgressIsolated;
      let sum = E.sets[0] === ne ? notEgressIsolatedWeight : 0;
      const epoch = ++this.epoch;
      const stamp = this.stamp;
      for (const s of E.sets) {
        if (s === ne) continue;
        for (let i = 0; i < s.ids.length; i++) {
          const id = s.ids[i];
          if (stamp[id] === epoch || hasClass(ne, id)) continue;
          stamp[id] = epoch;
          sum += weight[id];
        }
      }
      return sum;
    }
    let sum = 0;
    if (this.forEachAllowedSource(dst, (s) => { sum += weight[s]; }, weight)) return total;
    return sum;
  }
}

function sideHas(side: Side, id: number): boolean {
  if (side.all) return true;
  for (const s of side.sets) if (hasClass(s, id)) return true;
  return false;
}

function sizeOf(side: Side): number {
  let n = 0;
  for (const s of side.sets) n += s.ids.length;
  return n;
}
