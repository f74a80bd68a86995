import type { BitMatrix } from '../evaluate/bit-matrix.ts';
import { formatPort, type PortQuery } from '../evaluate/connection.ts';
import { groupCell, type EndpointGroup } from './endpoint-groups.ts';
import type { GroupCounts } from './group-counts.ts';
import { groupMatrices, type GroupedReachability } from './grouped-reachability.ts';
import { endpointAddress, type Reachability } from './port-matrix.ts';
import { countOf, formatCount } from '../evaluate/counts.ts';

/** Up to this many endpoints the table is a pod-by-pod grid; beyond, it groups by namespace. */
export const GRID_MAX_ENDPOINTS = 60;
/** Up to this many namespaces the grouped table is a grid; beyond, one line per source namespace. */
export const GROUP_GRID_MAX = 40;

/** How the table is laid out; the defaults suit a terminal. */
export interface TableOptions {
  /** Largest endpoint count drawn pod by pod (default GRID_MAX_ENDPOINTS). */
  readonly gridMaxEndpoints?: number;
  /** Largest namespace count drawn as a namespace grid (default GROUP_GRID_MAX). */
  readonly groupGridMax?: number;
}

/**
 * `np2dfw reach -o table`: per port, a source-by-destination grid (`.` allowed, `X` denied). Rows are numbered and
 * name the endpoint; column N is row N's endpoint, numbered vertically on top, in blocks of five so a column can
 * be counted at a glance (50 pods fit in 60 characters). Larger clusters are summarised per namespace pair.
 */
export function formatMatrixTable(r: Reachability, options: TableOptions = {}): string {
  const gridMax = options.gridMaxEndpoints ?? GRID_MAX_ENDPOINTS;
  if (r.endpoints.length > gridMax) return formatGroupedTable(groupMatrices(r), options);
  const sections: string[] = [];
  if (r.endpoints.length === 0) return NO_ENDPOINTS;
  for (const pm of r.ports) sections.push(podGrid(r, pm.matrix, head(pm.query, pm.matrix.count(), r.endpoints.length)));
  return sections.join('\n');
}

/** The table of a cluster too large for a pod-by-pod grid: per port, the counts per namespace pair. */
export function formatGroupedTable(g: GroupedReachability, options: TableOptions = {}): string {
  if (g.endpoints.length === 0) return NO_ENDPOINTS;
  const gridMax = options.groupGridMax ?? GROUP_GRID_MAX;
  return g.ports.map(({ query, counts }) => {
    const title = head(query, counts.total, g.endpoints.length);
    return g.groups.length <= gridMax ? namespaceGrid(g.groups, counts, title) : namespaceLines(g.groups, counts, title);
  }).join('\n');
}

const NO_ENDPOINTS = 'no endpoints: no live pod (or --external address) of this address family\n';

function head(query: PortQuery, allowed: number, n: number): string {
  return `${formatPort(query)}: ${formatCount(allowed)} of ${countOf(n * n, 'connection')} allowed`;
}

/** Column cells in blocks of five: `.XX.X X..` */
function blocks(cells: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < cells.length; i += 5) out.push(cells.slice(i, i + 5).join(''));
  return out.join(' ');
}

function podGrid(r: Reachability, m: BitMatrix, head: string): string {
  const n = r.endpoints.length;
  const numWidth = String(n).length;
  const idWidth = Math.max(...r.endpoints.map((e) => e.id.length));
  const addrWidth = Math.max(...r.endpoints.map((e, i) => endpointAddress(e, r.podCounts?.[i]).length));
  const labels = r.endpoints.map(
    (e, i) => `${String(i + 1).padStart(numWidth + 1)}  ${e.id.padEnd(idWidth)}  ${endpointAddress(e, r.podCounts?.[i]).padEnd(addrWidth)}  `,
  );
  const indent = ' '.repeat(labels[0].length);
  const lines = [`${head} (row = source, column = destination; . allowed, X denied)`, ''];
  // Vertical column numbers: one header line per digit, most significant first, blank where the digit is a leading 0.
  for (let d = numWidth - 1; d >= 0; d--) {
    const digits: string[] = [];
    for (let c = 1; c <= n; c++) {
      const s = String(c);
      const k = s.length - 1 - d;
      digits.push(k >= 0 ? s[k] : ' ');
    }
    lines.push((indent + blocks(digits)).trimEnd());
  }
  for (let i = 0; i < n; i++) {
    const cells: string[] = [];
    for (let j = 0; j < n; j++) cells.push(m.get(i, j) ? '.' : 'X');
    lines.push(labels[i] + blocks(cells));
  }
  return lines.join('\n') + '\n';
}

function groupLabel(g: EndpointGroup): string {
  return `${g.name} (${g.size})`;
}

function namespaceGrid(groups: readonly EndpointGroup[], counts: GroupCounts, head: string): string {
  const k = groups.length;
  const numWidth = String(k).length;
  const labelWidth = Math.max(...groups.map((g) => groupLabel(g).length));
  const cells = groups.map((src, a) => groups.map((dst, b) => groupCell(counts.allowed(a, b), src.size * dst.size)));
  const cellWidth = Math.max(numWidth, ...cells.flat().map((c) => c.length));
  const label = (text: string, i: number) => `${String(i).padStart(numWidth + 1)}  ${text.padEnd(labelWidth)}  `;
  const lines = [
    `${head}, by namespace (row = source namespace, column = destination namespace, endpoint counts in brackets;`,
    `  . all allowed, X all denied, allowed/total otherwise)`,
    '',
    (' '.repeat(numWidth + 3 + labelWidth + 2) + groups.map((_, j) => String(j + 1).padEnd(cellWidth)).join(' ')).trimEnd(),
  ];
  groups.forEach((g, i) => lines.push((label(groupLabel(g), i + 1) + cells[i].map((c) => c.padEnd(cellWidth)).join(' ')).trimEnd()));
  return lines.join('\n') + '\n';
}

/** How one source group's destinations split: all allowed, all denied, and the partly allowed ones in order. */
export interface SourceSplit {
  readonly all: number;
  readonly none: number;
  readonly partly: readonly { readonly name: string; readonly allowed: number; readonly total: number }[];
}

/** The split of every source group, visiting only the destinations that may be partly allowed. */
export function splitBySource(groups: readonly EndpointGroup[], counts: GroupCounts): SourceSplit[] {
  let allAllowed = 0;
  for (let b = 0; b < groups.length; b++) if (counts.allAllowed(b)) allAllowed++;
  return groups.map((src, a) => {
    // Destinations not among the candidates are all allowed or all denied, as the column says.
    let all = allAllowed;
    let none = groups.length - allAllowed;
    const partly: { name: string; allowed: number; total: number }[] = [];
    for (const b of counts.candidates(a)) {
      const dst = groups[b];
      const total = src.size * dst.size;
      const n = counts.allowed(a, b);
      if (counts.allAllowed(b)) all--;
      else none--;
      if (n === total) all++;
      else if (n === 0) none++;
      else partly.push({ name: dst.name, allowed: n, total });
    }
    return { all, none, partly };
  });
}

/** For very many namespaces: one line per source namespace, naming the partly allowed pairs (at most five). */
function namespaceLines(groups: readonly EndpointGroup[], counts: GroupCounts, head: string): string {
  const lines = [`${head}, by source namespace (counts of destination namespaces)`, ''];
  splitBySource(groups, counts).forEach(({ all, none, partly: split }, a) => {
    const partly = split.map((p) => `${p.name} ${p.allowed}/${p.total}`);
    const shown = partly.slice(0, 5).join(', ') + (partly.length > 5 ? `, ... (${partly.length - 5} more)` : '');
    lines.push(`  ${groupLabel(groups[a])}: all allowed to ${all}, all denied to ${none}, partly to ${partly.length}${partly.length ? `: ${shown}` : ''}`);
  });
  return lines.join('\n') + '\n';
}
