import type { Emitter } from '../emitter.ts';
import type { AntreaRealization } from './realize-targets.ts';
import { realizeAntreaDirect, realizeNsxAntrea } from './realize-targets.ts';
import { antreaObjectsToJson, antreaObjectsToYaml } from './serialize.ts';

function emitterOf(realize: (cluster: Parameters<Emitter['emit']>[0], options: Parameters<Emitter['emit']>[1]) => AntreaRealization): Emitter {
  return {
    formats: ['yaml', 'json'],
    emit(cluster, options) {
      const r = realize(cluster, options);
      const text = options.format === 'json' ? antreaObjectsToJson(r.objects) : antreaObjectsToYaml(r.objects);
      return { text, refusals: r.refusals };
    },
  };
}

/** `np2dfw convert --target antrea`: ClusterNetworkPolicies straight from the NetworkPolicies (`-o yaml|json`). */
export const ANTREA_EMITTER: Emitter = emitterOf(realizeAntreaDirect);

/** `np2dfw convert --target nsx-antrea`: what the NSX adapter creates in the cluster for the NSX conversion. */
export const NSX_ANTREA_EMITTER: Emitter = emitterOf(realizeNsxAntrea);
