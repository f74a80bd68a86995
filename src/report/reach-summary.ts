// `np2dfw reach --summary`: one line per namespace pair, counts first, over every port shown.
import { formatPort, type PortQuery } from '../evaluate/connection.ts';
import { countOf, formatCount } from '../evaluate/counts.ts';
import { csvField } from './matrix-csv.ts';
import type { GroupedReachability } from './grouped-reachability.ts';

/** One port of a namespace pair. */
export interface SummaryPort {
  readonly query: PortQuery;
  readonly allowed: number;
  readonly total: number;
}

/** One namespace pair (externals are the group `(external)`). */
export interface SummaryRow {
  readonly src: string;
  readonly dst: string;
  /** Connections allowed, over every port shown (a connection = source endpoint, destination endpoint, port). */
  readonly allowed: number;
  readonly denied: number;
  readonly ports: readonly SummaryPort[];
}

/** Which rows to show: every pair, the pairs with an allowed connection, or those with a denied one. */
export type SummaryFilter = 'all' | 'allowed' | 'denied';

/**
 * The namespace pairs in group order (namespaces by name, externals last), from the counts per group pair. With
 * `allowed`, only the pairs some port allows are visited (never every pair of a large cluster).
 */
export function reachSummary(r: GroupedReachability, filter: SummaryFilter = 'all'): SummaryRow[] {
  const { groups } = r;
  const rows: SummaryRow[] = [];
  const everyDst = groups.map((_, b) => b);
  const allAllowed = everyDst.filter((b) => r.ports.some((p) => p.counts.allAllowed(b)));
  for (const [a, src] of groups.entries()) {
    const dsts = filter === 'allowed' ? allowedCandidates(r, a, allAllowed) : everyDst;
    for (const b of dsts) {
      const dst = groups[b];
      const total = src.size * dst.size;
      const ports = r.ports.map(({ query, counts }) => ({ query, allowed: counts.allowed(a, b), total }));
      const allowed = ports.reduce((n, p) => n + p.allowed, 0);
      const denied = total * ports.length - allowed;
      if (filter === 'allowed' && allowed === 0) continue;
      if (filter === 'denied' && denied === 0) continue;
      rows.push({ src: src.name, dst: dst.name, allowed, denied, ports });
    }
  }
  return rows;
}

/** The destination groups that some port may allow from `src`, ascending. */
function allowedCandidates(r: GroupedReachability, src: number, allAllowed: readonly number[]): number[] {
  const set = new Set(allAllowed);
  for (const p of r.ports) for (const b of p.counts.candidates(src)) set.add(b);
  return [...set].sort((x, y) => x - y);
}

/**
 * The ports where some connection is allowed (or denied): `every port`, `every port (2 of 4 each)`, or
 * `8080/TCP, 9090/TCP (1 of 4)` with partial ones counted; `-` when none.
 */
function portList(ports: readonly SummaryPort[], what: 'allowed' | 'denied'): string {
  const counted = ports.map((p) => ({ p, n: what === 'allowed' ? p.allowed : p.total - p.allowed }));
  const shown = counted.filter((x) => x.n > 0);
  if (shown.length === 0) return '-';
  if (ports.length > 1 && shown.length === ports.length && shown.every((x) => x.n === shown[0].n)) {
    const { n, p } = shown[0];
    return n === p.total ? 'every port' : `every port (${formatCount(n)} of ${formatCount(p.total)} each)`;
  }
  return shown.map(({ p, n }) => (n === p.total ? formatPort(p.query) : `${formatPort(p.query)} (${formatCount(n)} of ${formatCount(p.total)})`)).join(', ');
}

/** The summary as text: a header line, then `ALLOWED DENIED SOURCE => DESTINATION ALLOWED ON` columns. */
export function formatSummaryTable(r: GroupedReachability, rows: readonly SummaryRow[], filter: SummaryFilter = 'all'): string {
  const pods = r.endpoints.filter((e) => e.kind === 'pod');
  const namespaces = new Set(pods.map((e) => (e.kind === 'pod' ? e.pod.namespace : ''))).size;
  const externals = r.endpoints.length - pods.length;
  const lines = [
    `${countOf(r.endpoints.length, 'endpoint')} (${countOf(pods.length, 'pod')} in ${countOf(namespaces, 'namespace')}, ${countOf(externals, 'external address', 'external addresses')}), `
      + `${countOf(r.ports.length, 'port')}: ${r.ports.map((p) => formatPort(p.query)).join(', ')}`,
    `connections per namespace pair over those ports (source endpoint, destination endpoint, port)${filter === 'all' ? '' : `; only pairs with ${filter === 'allowed' ? 'an allowed' : 'a denied'} connection`}`,
    '',
  ];
  if (rows.length === 0) return `${lines.join('\n')}no namespace pair has ${filter === 'allowed' ? 'an allowed' : 'a denied'} connection\n`;
  const what = filter === 'denied' ? 'denied' : 'allowed';
  const a = rows.map((x) => formatCount(x.allowed));
  const d = rows.map((x) => formatCount(x.denied));
  const pair = rows.map((x) => `${x.src} => ${x.dst}`);
  const wa = Math.max('ALLOWED'.length, ...a.map((s) => s.length));
  const wd = Math.max('DENIED'.length, ...d.map((s) => s.length));
  const wp = Math.max('SOURCE => DESTINATION'.length, ...pair.map((s) => s.length));
  lines.push(`${'ALLOWED'.padStart(wa)}  ${'DENIED'.padStart(wd)}  ${'SOURCE => DESTINATION'.padEnd(wp)}  ${what.toUpperCase()} ON`);
  rows.forEach((x, i) => lines.push(`${a[i].padStart(wa)}  ${d[i].padStart(wd)}  ${pair[i].padEnd(wp)}  ${portList(x.ports, what)}`));
  return lines.join('\n') + '\n';
}

/** The summary as JSON: `{pairs: [{source, destination, allowed, denied, ports: [{protocol, port, allowed, total}]}]}`. */
export function formatSummaryJson(rows: readonly SummaryRow[]): string {
  return JSON.stringify({
    pairs: rows.map((x) => ({
      source: x.src,
      destination: x.dst,
      allowed: x.allowed,
      denied: x.denied,
      ports: x.ports.map((p) => ({ protocol: p.query.protocol, port: p.query.port, allowed: p.allowed, total: p.total })),
    })),
  }, null, 2) + '\n';
}

/** The summary as CSV: `source,destination,protocol,port,allowed,denied`, one line per pair and port. */
export function formatSummaryCsv(rows: readonly SummaryRow[]): string {
  const out = ['source,destination,protocol,port,allowed,denied'];
  for (const x of rows) for (const p of x.ports) out.push(`${csvField(x.src)},${csvField(x.dst)},${p.query.protocol},${p.query.port},${p.allowed},${p.total - p.allowed}`);
  return out.join('\n') + '\n';
}

/** The summary as a Markdown table. */
export function formatSummaryMarkdown(rows: readonly SummaryRow[]): string {
  const cell = (t: string) => t.replaceAll('|', '\\|');
  const out = ['| allowed | denied | source | destination | allowed on |', '|---:|---:|---|---|---|'];
  for (const x of rows) out.push(`| ${formatCount(x.allowed)} | ${formatCount(x.denied)} | ${cell(x.src)} | ${cell(x.dst)} | ${cell(portList(x.ports, 'allowed'))} |`);
  return out.join('\n') + '\n';
}
