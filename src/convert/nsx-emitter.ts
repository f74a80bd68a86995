import { stringify } from 'yaml';
import type { Cluster } from '../k8s/cluster.ts';
import type { Emitted, Emitter } from '../realize/emitter.ts';
import type { TargetOptions } from '../evaluate/target.ts';
import { convertCluster, convertOptionsFor } from './convert-cluster.ts';
import { hierarchicalBody } from './nsx-api-body.ts';
import { formatRuleTables } from './nsx-rule-table.ts';

/**
 * `np2dfw convert --target nsx`: `-o table` (seed 000's rule tables), `-o json` (the body of
 * `PATCH /policy/api/v1/infra`), `-o yaml` (the same body as YAML). Always the `nsx` profile: no np2dfw
 * extension ever reaches NSX.
 */
export const NSX_EMITTER: Emitter = {
  formats: ['table', 'json', 'yaml'],
  emit(cluster: Cluster, options: TargetOptions & { readonly format: string }): Emitted {
    const result = convertCluster(cluster, convertOptionsFor(options, 'nsx'));
    const body = hierarchicalBody(result.config);
    const text = options.format === 'json' ? `${JSON.stringify(body, null, 2)}\n`
      : options.format === 'yaml' ? stringify(body)
      : formatRuleTables(result.config);
    return { text, refusals: result.refusals };
  },
};
