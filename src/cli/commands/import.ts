import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { repeatable } from '../input-options.ts';
import { addClientOptions, clientFromOptions, type ClientOptions } from '../../client/client-options.ts';
import { NsxApiError, type ImportResult } from '../../client/nsx-client.ts';

/** Formats rows as a plain-text table with a header. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** The import result as a table: one row per failed policy, a summary line, and np2dfw's verification if present. */
export function formatImportResult(r: ImportResult, onError: string): string {
  let out = r.dry_run
    ? `dry run: would import ${r.success_count} of ${r.request_count} NetworkPolicies (on_error=${onError}); nothing was written\n`
    : `imported ${r.success_count} of ${r.request_count} NetworkPolicies (on_error=${onError})\n`;
  if (r.dry_run && r.preview) out += `would write ${r.preview.groups.length} groups and ${r.preview.security_policies.length} security policies (-o json lists them)\n`;
  const rows: string[][] = [];
  for (const e of r.errors) for (const x of e.errors) rows.push([e.network_policy_id ?? '-', x.error_code, x.error_message]);
  for (const e of r.errors_general) for (const x of e.errors) rows.push(['(general)', x.error_code, x.error_message]);
  if (rows.length) out += '\n' + table(['NETWORK POLICY ID', 'ERROR CODE', 'MESSAGE'], rows);
  const v = r.verification as { cluster: string; equivalent: boolean; differences?: number; summary?: string; error?: string;
    counterexamples?: { source: string; destination: string; protocol: string; port: number; kubernetes: string; kubernetes_decided_by: string; dfw: string; dfw_decided_by: string }[] }[] | undefined;
  if (Array.isArray(v) && v.length) {
    out += '\n' + table(['CLUSTER', 'VERIFICATION', 'DETAILS'], v.map((c) => [c.cluster,
      c.error ? 'FAILED' : c.equivalent ? 'equivalent' : `DIFFERENT (${c.differences ?? '?'} connections)`, c.error ?? c.summary ?? '']));
    const rows = v.flatMap((c) => (c.counterexamples ?? []).slice(0, 10).map((x) => [c.cluster, x.source, x.destination, `${x.port}/${x.protocol}`,
      `${x.kubernetes} (${x.kubernetes_decided_by})`, `${x.dfw} (${x.dfw_decided_by})`]));
    if (rows.length) out += '\n' + table(['CLUSTER', 'SOURCE', 'DESTINATION', 'PORT', 'KUBERNETES', 'NOW'], rows);
  }
  return out;
}

/** `np2dfw import`: NSX's import API from the command line. */
export function registerImport(program: Command): void {
  addClientOptions(program
    .command('import')
    .description('import Kubernetes NetworkPolicies into the DFW through NSX\'s import API (NSX Manager or np2dfw serve)')
    .option('--ids <uid...>', 'NetworkPolicy uids (metadata.uid); repeatable', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('--id <uid>', 'one more uid (repeatable)', repeatable)
    .option('--on-error <mode>', 'abort (nothing is imported when one policy fails) or continue', 'abort')
    .option('--sequence-upper <n>', 'sequence number of the first allow policy (with --sequence-lower)')
    .option('--sequence-lower <n>', 'sequence number of the first drop policy, greater than --sequence-upper')
    .option('--dry-run', 'np2dfw serve only: show the answer, the objects and the verification, and write nothing')
    .option('--require-equivalent', 'np2dfw serve only: write nothing unless every affected cluster verifies equivalent')
    .option('-o, --output <format>', 'table or json', 'table'))
    .action(async (opts: ClientOptions & { ids?: string[]; id?: string[]; onError: string; sequenceUpper?: string; sequenceLower?: string; output: string;
      dryRun?: boolean; requireEquivalent?: boolean }) => {
      const ids = [...(opts.ids ?? []), ...(opts.id ?? [])].flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) throw usageError('no policies: give --ids UID...');
      const onError = opts.onError.toUpperCase();
      if (onError !== 'ABORT' && onError !== 'CONTINUE') throw usageError(`--on-error ${opts.onError}: use abort or continue`);
      if ((opts.sequenceUpper === undefined) !== (opts.sequenceLower === undefined)) throw usageError('--sequence-upper and --sequence-lower go together');
      let sequence: { upper: number; lower: number } | undefined;
      if (opts.sequenceUpper !== undefined && opts.sequenceLower !== undefined) {
        const upper = Number(opts.sequenceUpper);
        const lower = Number(opts.sequenceLower);
        if (!Number.isInteger(upper) || !Number.isInteger(lower) || upper < 0 || lower < 0) throw usageError('sequence numbers are non-negative integers');
        if (lower <= upper) throw usageError('--sequence-lower must be greater than --sequence-upper');
        sequence = { upper, lower };
      }
      if (opts.output !== 'table' && opts.output !== 'json') throw usageError(`-o ${opts.output}: use table or json`);
      let client;
      try {
        client = clientFromOptions(opts);
      } catch (e) {
        throw usageError((e as Error).message);
      }
      let result: ImportResult;
      try {
        result = await client.importNetworkPolicies(ids, onError, sequence, { dryRun: opts.dryRun, requireEquivalent: opts.requireEquivalent });
      } catch (e) {
        if (e instanceof NsxApiError) throw new CliError(e.message, e.status === 400 ? EXIT.INVALID_INPUT : EXIT.FAILURE);
        throw new CliError((e as Error).message, EXIT.FAILURE);
      }
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatImportResult(result, onError));
      if (result.success_count < result.request_count) process.exitCode = EXIT.REFUSED;
    });
}
