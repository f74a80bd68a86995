// The one registry of targets: `--target` (convert, verify, diff --to-target) and `--via` (reach, explain) name
// these, and `--against` reads the existing configurations of those that have a reader.
import { ANTREA_TARGET, NSX_ANTREA_TARGET } from './antrea.ts';
import { CONTRAIL_TARGET } from './contrail.ts';
import { IPTABLES_TARGET, NFTABLES_TARGET } from './dataplane.ts';
import { NSX_TARGET } from './nsx.ts';
import type { Emitter, ExistingBuilder, Target } from './target.ts';

/** Every target, by name. Each target's module defines its entry; a new target adds one line here. */
export const TARGETS: ReadonlyMap<string, Target> = new Map<string, Target>([
  ['nsx', NSX_TARGET],
  ['antrea', ANTREA_TARGET],
  ['nsx-antrea', NSX_ANTREA_TARGET],
  ['contrail', CONTRAIL_TARGET],
  ['iptables', IPTABLES_TARGET],
  ['nftables', NFTABLES_TARGET],
]);

function having<T>(pick: (t: Target) => T | undefined): ReadonlyMap<string, T> {
  const out = new Map<string, T>();
  for (const [name, target] of TARGETS) {
    const v = pick(target);
    if (v !== undefined) out.set(name, v);
  }
  return out;
}

/** The targets `np2dfw convert --target` prints, with their `-o` formats. */
export const EMITTERS: ReadonlyMap<string, Emitter> = having((t) => t.emitter);

/** The targets whose existing configuration `--against` reads. */
export const EXISTING_TARGETS: ReadonlyMap<string, ExistingBuilder> = having((t) => t.existing);
