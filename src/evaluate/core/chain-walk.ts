// Netfilter-style chain programs walked over sets of pairs of endpoint classes at once (the Linux rulesets'
// form on the core). A chain is an ordered rule list; a rule matches a pair of classes by the source's classes,
// the destination's classes, where its services match for the query (the destination's classes, for sets of
// address and port) and the packet mark; it accepts, drops, rejects, returns, sets the mark, jumps or goes to
// another chain, dispatches to a chain per address (nft's verdict maps), or lets the pair go on (a rule without
// verdict). Every pair takes exactly the path its opening packet would take: pairs are split by mark, a jump
// walks the sub-chain with the pairs that matched and takes back those it returns, a goto hands them to the
// caller's caller. Nothing is approximated, so no construct needs a per-connection fallback.
import { countBits, type Bitset } from '../bit-matrix.ts';
import type { PortMatch } from './stage-pipeline.ts';

/** What a chain rule does with the pairs it matches. */
export type ChainAction =
  | { readonly kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { readonly kind: 'mark'; readonly value: number; readonly mask: number }
  | { readonly kind: 'jump' | 'goto'; readonly chain: number }
  | { readonly kind: 'dispatch'; readonly entries: readonly DispatchEntry[] };

/** One target of a dispatch: the pairs whose source (or destination) is in `classes` jump to `chain`. */
export interface DispatchEntry {
  readonly dir: 'src' | 'dst';
  readonly classes: Bitset;
  readonly chain: number;
}

/** A rule of a chain over one partition's classes. */
export interface ChainRule<R> {
  /** The form's own rule (for explanations and port matching). */
  readonly rule: R;
  /** Source classes it matches; undefined: every one. */
  readonly src?: Bitset;
  /** Destination classes it matches; undefined: every one. */
  readonly dst?: Bitset;
  /** The packet marks it matches, each (mark & mask) === value. */
  readonly marks?: readonly { readonly value: number; readonly mask: number }[];
  readonly action: ChainAction;
}

/** A chain program: its chains by index, with their names (for errors). */
export interface ChainProgram<R> {
  readonly names: readonly string[];
  readonly chains: readonly (readonly ChainRule<R>[])[];
  /** How deep jumps may nest before the walk is refused (the error `tooDeep` makes). */
  readonly maxDepth: number;
  tooDeep(chain: string, depth: number): Error;
}

/** A set of pairs: per source class (row), the destination classes (only rows with some bit). */
export type PairSet = Map<number, Bitset>;

/** The pairs with one packet mark. */
type Marked = Map<number, PairSet>;

/** How one walk of a chain ended for its pairs: verdicts, and the pairs that came back (returned or fell off). */
export interface WalkResult {
  readonly accepted: PairSet;
  /** Dropped or rejected pairs. */
  readonly denied: PairSet;
  /** The pairs that left the chain without a verdict, by mark. */
  readonly back: Marked;
}

/** Everything the walk needs besides the pairs: the query's port matches, and an optional trail of matched rules. */
export interface WalkContext<R> {
  readonly program: ChainProgram<R>;
  /** Where a rule's services match for the query being evaluated. */
  portsOf(rule: ChainRule<R>): PortMatch;
  /** When given, every rule that matched some pair, in order (meant for a single pair: explanations). */
  readonly trail?: ChainRule<R>[];
  /** The width of a row, in words. */
  readonly words: number;
}

/** Ors `from` into `into` (rows are taken over, not copied, when `into` has none). */
export function mergePairs(into: PairSet, from: PairSet): void {
  for (const [s, bits] of from) {
    const have = into.get(s);
    if (!have) into.set(s, bits);
    else for (let w = 0; w < bits.length; w++) have[w] |= bits[w];
  }
}

function mergeMarked(into: Marked, from: Marked): void {
  for (const [mark, pairs] of from) {
    const have = into.get(mark);
    if (!have) into.set(mark, pairs);
    else mergePairs(have, pairs);
  }
}

/** The first and one past the last word with a bit, for masks that cut most of a row. */
function span(mask: Bitset | undefined, words: number): [number, number] {
  if (!mask) return [0, words];
  let lo = 0;
  while (lo < words && mask[lo] === 0) lo++;
  let hi = words;
  while (hi > lo && mask[hi - 1] === 0) hi--;
  return [lo, hi];
}

/** Both masks in one (undefined: no cut). */
function bothMasks(a: Bitset | undefined, b: Bitset | undefined): Bitset | undefined {
  if (!a || !b) return a ?? b;
  const out = a.slice();
  for (let w = 0; w < out.length; w++) out[w] &= b[w];
  return out;
}

/** Takes out of `pairs` those with a source in `src` and a destination in `dst`, and returns them. */
export function takePairs(pairs: PairSet, src: Bitset | undefined, dst: Bitset | undefined, words: number): PairSet {
  const hit: PairSet = new Map();
  const [lo, hi] = span(dst, words);
  if (lo >= hi) return hit;
  const take = (s: number, bits: Bitset) => {
    let out: Bitset | undefined;
    let left = 0;
    for (let w = lo; w < hi; w++) {
      const b = dst ? bits[w] & dst[w] : bits[w];
      if (b === 0) continue;
      out ??= new Uint32Array(words);
      out[w] = b;
      bits[w] &= ~b;
    }
    if (!out) return;
    hit.set(s, out);
    for (let w = 0; w < words && left === 0; w++) left = bits[w];
    if (left === 0) pairs.delete(s);
  };
  if (src && countBits(src) < pairs.size) {
    for (let w = 0; w < src.length; w++) {
      for (let word = src[w]; word !== 0; word &= word - 1) {
        const s = (w << 5) + (31 - Math.clz32(word & -word));
        const bits = pairs.get(s);
        if (bits) take(s, bits);
      }
    }
  } else {
    for (const [s, bits] of pairs) if (!src || (src[s >>> 5] & (1 << (s & 31))) !== 0) take(s, bits);
  }
  return hit;
}

function isEmpty(m: Marked): boolean {
  for (const p of m.values()) if (p.size > 0) return false;
  return true;
}

/** Walks one chain with the pairs given (by mark); `depth` counts the jumps that led here. */
export function walkChain<R>(ctx: WalkContext<R>, chain: number, input: Marked, depth: number): WalkResult {
  const { program } = ctx;
  if (depth > program.maxDepth) throw program.tooDeep(program.names[chain], program.maxDepth);
  const result: WalkResult = { accepted: new Map(), denied: new Map(), back: new Map() };
  let active: Marked = input;
  for (const r of program.chains[chain]) {
    if (isEmpty(active)) break;
    const ports = ctx.portsOf(r);
    if (ports === false) continue;
    const dst = bothMasks(r.dst, ports === true ? undefined : ports);
    const later: Marked = new Map();
    for (const [mark, pairs] of active) {
      if (r.marks && !r.marks.every((m) => ((mark & m.mask) >>> 0) === m.value)) continue;
      if (!ctx.trail && leavesAlone(r.action, mark)) continue;
      const hit = takePairs(pairs, r.src, dst, ctx.words);
      if (hit.size > 0) applyAction(ctx, r, mark, hit, depth, result, later);
    }
    mergeMarked(active, later);
  }
  mergeMarked(result.back, active);
  return result;
}

/** Whether a rule changes nothing for the pairs it matches (a mark they already carry, no verdict): only a trail sees it. */
function leavesAlone(a: ChainAction, mark: number): boolean {
  return a.kind === 'continue' || (a.kind === 'mark' && ((mark & ~a.mask) ^ a.value) >>> 0 === mark);
}

/** Gives the pairs a rule matched their fate (and puts the rule on the trail unless a dispatch misses). */
function applyAction<R>(ctx: WalkContext<R>, r: ChainRule<R>, mark: number, hit: PairSet, depth: number, result: WalkResult, later: Marked): void {
  const a = r.action;
  const sub = (chain: number, pairs: PairSet, goto: boolean) => {
    const w = walkChain(ctx, chain, new Map([[mark, pairs]]), depth + 1);
    mergePairs(result.accepted, w.accepted);
    mergePairs(result.denied, w.denied);
    mergeMarked(goto ? result.back : later, w.back);
  };
  if (a.kind === 'dispatch') {
    dispatch(ctx, r, a.entries, hit, mark, later, sub);
    return;
  }
  ctx.trail?.push(r);
  switch (a.kind) {
    case 'accept': mergePairs(result.accepted, hit); break;
    case 'drop': case 'reject': mergePairs(result.denied, hit); break;
    case 'return': mergeMarked(result.back, new Map([[mark, hit]])); break;
    case 'continue': mergeMarked(later, new Map([[mark, hit]])); break;
    case 'mark': mergeMarked(later, new Map([[((mark & ~a.mask) ^ a.value) >>> 0, hit]])); break;
    case 'jump': case 'goto': sub(a.chain, hit, a.kind === 'goto'); break;
  }
}

/** A verdict map: each entry's pairs jump to its chain; the pairs no entry holds go on as if the rule missed. */
function dispatch<R>(ctx: WalkContext<R>, r: ChainRule<R>, entries: readonly DispatchEntry[], hit: PairSet, mark: number, later: Marked, sub: (chain: number, pairs: PairSet, goto: boolean) => void): void {
  let first = true;
  for (const e of entries) {
    if (hit.size === 0) break;
    const taken = e.dir === 'src' ? takePairs(hit, e.classes, undefined, ctx.words) : takePairs(hit, undefined, e.classes, ctx.words);
    if (taken.size === 0) continue;
    if (first) ctx.trail?.push(r);
    first = false;
    sub(e.chain, taken, false);
  }
  if (hit.size > 0) mergeMarked(later, new Map([[mark, hit]]));
}
