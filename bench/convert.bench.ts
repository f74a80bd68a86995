// The NSX conversion of one import request's worth of policies (the import API takes at most 5000 uids).
import { convertCluster } from '../src/convert/convert-cluster.ts';
import { hierarchicalBody } from '../src/convert/nsx-api-body.ts';
import { formatRuleTables } from '../src/convert/nsx-rule-table.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';
import { measure } from './measure.ts';

const LIMIT = 5000;

process.stdout.write('| step | wall time | memory |\n| --- | --- | --- |\n');
for (const [shape, scale] of [['large-namespaces', 0.5], ['one-namespace', 0.5]] as const) {
  const { result: cluster } = measure(`${shape}: generate`, () => generateCluster(shape, { seed: 1, scale, egress: 'mirror' }));
  const only = cluster.policies.slice(0, LIMIT).map((p) => p.uid);
  const profile = 'nsx';
  const { result } = measure(`${shape}: convert ${only.length} policies (${cluster.pods.length} pods in the cluster, profile ${profile})`, () => convertCluster(cluster, { only, profile, onError: 'continue' }));
  if (result.refusals.length) throw new Error(`unexpected refusals: ${result.refusals[0].code}`);
  const { result: json } = measure(`${shape}: PATCH body as JSON (${result.config.groups.length} groups, ${result.config.policies.length} policies)`, () => JSON.stringify(hierarchicalBody(result.config)));
  measure(`${shape}: rule tables`, () => formatRuleTables(result.config).length);
  process.stdout.write(`|   JSON body: ${(json.length / 1024 / 1024).toFixed(1)} MiB | | |\n`);
}
