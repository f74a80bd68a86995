import { buildAntreaTarget, buildNsxAntreaTarget } from './antrea/antrea-targets.ts';
import { buildContrailTarget } from './contrail/contrail-target.ts';
import { buildIptablesTarget, buildNftablesTarget } from './dataplane/dataplane-engine.ts';
import { buildNsxTarget } from './dfw/nsx-target.ts';
import type { TargetBuilder } from './target.ts';

/**
 * Every target `--target` (convert, verify) and `--via` (reach, explain) can name, with its builder.
 * Each target's module adds its entry here.
 */
export const TARGETS: ReadonlyMap<string, TargetBuilder> = new Map<string, TargetBuilder>([
  ['nsx', buildNsxTarget],
  ['antrea', buildAntreaTarget],
  ['nsx-antrea', buildNsxAntreaTarget],
  ['contrail', buildContrailTarget],
  ['iptables', buildIptablesTarget],
  ['nftables', buildNftablesTarget],
]);
