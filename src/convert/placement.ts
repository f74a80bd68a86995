import type { SecurityPolicy } from '../model/security-policy.ts';
import { ConversionError } from './conversion-error.ts';

/**
 * How new policies get their sequence numbers (category Application):
 * - `nsx`: as the import API does it. With `sequenceUpper`/`sequenceLower` (both or neither, lower greater than
 *   upper): allow policies from upper, drop policies from lower. Without them: after every existing policy, the
 *   allow policies first, the drop policies at the last allow's number + 2. Every allow policy of a batch precedes
 *   every drop policy of the batch; an allow policy of a later batch comes after the drops of earlier ones.
 * - `banded` (np2dfw): allow policies go after the existing non-drop policies but ahead of every drop policy
 *   imported earlier, drop policies after everything, from DROP_BAND_START on; so importing namespace by
 *   namespace in separate batches keeps every allow ahead of every drop.
 */
export type Placement = 'banded' | 'nsx';

/** Where the banded placement starts drop policies when no drop policy exists yet. */
export const DROP_BAND_START = 1_000_000;

/** Sequence numbers for a batch's allow and drop policies, in batch order. */
export interface PlacedNumbers {
  readonly allow: readonly number[];
  readonly drop: readonly number[];
}

/** A policy np2dfw (or NSX's import) made as a default drop: every rule DROP from ANY to ANY. */
export function isDropPolicy(p: SecurityPolicy): boolean {
  return p.rules.length > 0 && p.rules.every((r) => (r.action === 'DROP' || r.action === 'REJECT')
    && r.source_groups.length === 1 && r.source_groups[0] === 'ANY'
    && r.destination_groups.length === 1 && r.destination_groups[0] === 'ANY');
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** Checks `sequence_number_upper` / `sequence_number_lower` as the import API does. */
export function checkSequenceNumbers(upper: number | undefined, lower: number | undefined): void {
  if ((upper === undefined) !== (lower === undefined)) {
    throw new ConversionError('INVALID_SEQUENCE_NUMBERS', 'sequence_number_upper and sequence_number_lower must be given together');
  }
  if (upper !== undefined && lower !== undefined) {
    if (!Number.isInteger(upper) || !Number.isInteger(lower) || upper < 0 || lower < 0) {
      throw new ConversionError('INVALID_SEQUENCE_NUMBERS', 'sequence numbers must be non-negative integers');
    }
    if (lower <= upper) throw new ConversionError('INVALID_SEQUENCE_NUMBERS', `sequence_number_lower (${lower}) must be greater than sequence_number_upper (${upper})`);
  }
}

/** The sequence numbers of a batch of `allowCount` allow and `dropCount` drop policies. */
export function placeBatch(
  allowCount: number,
  dropCount: number,
  existing: readonly SecurityPolicy[],
  options: { placement: Placement; sequenceUpper?: number; sequenceLower?: number },
): PlacedNumbers {
  checkSequenceNumbers(options.sequenceUpper, options.sequenceLower);
  if (options.sequenceUpper !== undefined && options.sequenceLower !== undefined) {
    if (options.sequenceUpper + allowCount > options.sequenceLower) {
      throw new ConversionError('NO_ROOM_FOR_ALLOW_POLICIES', `${allowCount} allow policies from sequence_number_upper ${options.sequenceUpper} would reach sequence_number_lower ${options.sequenceLower}`);
    }
    return { allow: range(options.sequenceUpper, allowCount), drop: range(options.sequenceLower, dropCount) };
  }
  const app = existing.filter((p) => p.category === 'Application');
  const last = app.reduce((m, p) => Math.max(m, p.sequence_number), 0);
  if (options.placement === 'nsx') {
    return { allow: range(last + 1, allowCount), drop: range(last + allowCount + 2, dropCount) };
  }
  const drops = app.filter(isDropPolicy);
  const firstDrop = drops.reduce((m, p) => Math.min(m, p.sequence_number), Infinity);
  const lastAllow = app.filter((p) => !isDropPolicy(p) && p.sequence_number < firstDrop).reduce((m, p) => Math.max(m, p.sequence_number), 0);
  if (lastAllow + allowCount >= firstDrop) {
    throw new ConversionError('NO_ROOM_FOR_ALLOW_POLICIES', `no room for ${allowCount} allow policies between sequence numbers ${lastAllow} and the first drop policy at ${firstDrop}`);
  }
  const dropStart = Math.max(DROP_BAND_START, last + 1, lastAllow + allowCount + 2);
  return { allow: range(lastAllow + 1, allowCount), drop: range(dropStart, dropCount) };
}
