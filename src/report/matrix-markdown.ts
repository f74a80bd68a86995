import { formatPort, type PortQuery } from '../evaluate/connection.ts';
import { groupCell } from './endpoint-groups.ts';
import { groupMatrices, type GroupedReachability } from './grouped-reachability.ts';
import { GRID_MAX_ENDPOINTS, GROUP_GRID_MAX, splitBySource } from './matrix-table.ts';
import { endpointAddress, type Reachability } from './port-matrix.ts';
import { countOf, formatCount } from '../evaluate/counts.ts';

/** Escapes what would break a Markdown table cell. */
function md(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * `np2dfw reach -o md`: per port a heading and a Markdown table, rows = sources, columns numbered as the rows
 * (`.` allowed, `X` denied); beyond GRID_MAX_ENDPOINTS endpoints, one row and column per namespace with
 * `.` all allowed, `X` all denied, `allowed/total` otherwise.
 */
export function formatMatrixMarkdown(r: Reachability, options: { gridMaxEndpoints?: number } = {}): string {
  const gridMax = options.gridMaxEndpoints ?? GRID_MAX_ENDPOINTS;
  if (r.endpoints.length > gridMax) return formatGroupedMarkdown(groupMatrices(r));
  const out: string[] = [];
  const n = r.endpoints.length;
  for (const { query, matrix } of r.ports) {
    out.push(...heading(query, matrix.count(), n));
    out.push(`| # | source | address | ${r.endpoints.map((_, j) => j + 1).join(' | ')} |`);
    out.push(`|---:|---|---|${r.endpoints.map(() => ':-:').join('|')}|`);
    r.endpoints.forEach((e, i) => {
      const cells = r.endpoints.map((_, j) => (matrix.get(i, j) ? '.' : 'X'));
      out.push(`| ${i + 1} | ${md(e.id)} | ${md(endpointAddress(e, r.podCounts?.[i]))} | ${cells.join(' | ')} |`);
    });
    out.push('', '`.` allowed, `X` denied.', '');
  }
  return out.join('\n');
}

function heading(query: PortQuery, allowed: number, n: number): string[] {
  return [`### ${formatPort(query)}`, '', `${formatCount(allowed)} of ${countOf(n * n, 'connection')} allowed (row = source, column = destination).`, ''];
}

/**
 * `np2dfw reach -o md` beyond GRID_MAX_ENDPOINTS endpoints: per port, one row and column per namespace; beyond
 * GROUP_GRID_MAX namespaces, one row per source namespace counting its destination namespaces.
 */
export function formatGroupedMarkdown(g: GroupedReachability): string {
  const out: string[] = [];
  const { groups } = g;
  for (const { query, counts } of g.ports) {
    out.push(...heading(query, counts.total, g.endpoints.length));
    if (groups.length > GROUP_GRID_MAX) {
      out.push('| # | source namespace | all allowed to | all denied to | partly allowed to |', '|---:|---|---:|---:|---|');
      splitBySource(groups, counts).forEach(({ all, none, partly }, a) => {
        const shown = partly.slice(0, 5).map((p) => `${md(p.name)} ${p.allowed}/${p.total}`).join(', ') + (partly.length > 5 ? `, ... (${partly.length - 5} more)` : '');
        out.push(`| ${a + 1} | ${md(groups[a].name)} (${groups[a].size}) | ${all} | ${none} | ${partly.length ? shown : '-'} |`);
      });
      out.push('', 'Counts of destination namespaces; endpoint counts in brackets.', '');
      continue;
    }
    out.push(`| # | source namespace | ${groups.map((_, j) => j + 1).join(' | ')} |`);
    out.push(`|---:|---|${groups.map(() => ':-:').join('|')}|`);
    groups.forEach((src, a) => {
      const cells = groups.map((dst, b) => groupCell(counts.allowed(a, b), src.size * dst.size));
      out.push(`| ${a + 1} | ${md(src.name)} (${src.size}) | ${cells.join(' | ')} |`);
    });
    out.push('', '`.` all allowed, `X` all denied, `allowed/total` otherwise; endpoint counts in brackets.', '');
  }
  return out.join('\n');
}
