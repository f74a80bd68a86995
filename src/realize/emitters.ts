import { ANTREA_EMITTER, NSX_ANTREA_EMITTER } from './antrea/antrea-emitters.ts';
import { CONTRAIL_EMITTER } from './contrail/contrail-emitter.ts';
import { NSX_EMITTER } from '../convert/nsx-emitter.ts';
import type { Emitter } from './emitter.ts';

/** Every target `np2dfw convert --target` knows. Each target's module adds its entry here. */
export const EMITTERS: ReadonlyMap<string, Emitter> = new Map<string, Emitter>([
  ['nsx', NSX_EMITTER],
  ['antrea', ANTREA_EMITTER],
  ['nsx-antrea', NSX_ANTREA_EMITTER],
  ['contrail', CONTRAIL_EMITTER],
]);
