import type { Emitter } from '../emitter.ts';
import { realizeContrail } from './realize-contrail.ts';
import { contrailConfigToJson, contrailConfigToTable } from './serialize.ts';

/** `np2dfw convert --target contrail`: Contrail config API objects (`-o json`) or seed 002's rule tables (`-o table`). */
export const CONTRAIL_EMITTER: Emitter = {
  formats: ['json', 'table'],
  emit(cluster, options) {
    const r = realizeContrail(cluster, options);
    return { text: options.format === 'table' ? contrailConfigToTable(r.config) : contrailConfigToJson(r.config), refusals: r.refusals };
  },
};
