// `np2dfw diff` output: table (text), json, csv, md.
import type { ConnectionDiff, DiffGroup, SideVerdict } from './connection-diff.ts';
import { countOf } from '../../evaluate/counts.ts';
import { csvField } from '../../report/matrix-csv.ts';
import { formatPortRanges } from '../../report/port-ranges.ts';

function verdict(v: SideVerdict): string {
  return v.allowed ? 'allowed' : 'DENIED';
}

function headline(d: ConnectionDiff): string {
  if (d.changed === 0) {
    const fams = d.families.length ? d.families.map((f) => `IPv${f}`).join(' and ') : 'no address family (no live pod)';
    return `no connection changes: ${d.after} allows exactly what ${d.before} allows (${fams}, every port of TCP, UDP and SCTP)`;
  }
  const count = (allowedBefore: boolean) => d.groups.filter((g) => g.before.allowed === allowedBefore).reduce((n, g) => n + g.connections.length, 0);
  const lost = count(true);
  const gained = count(false);
  const parts = [
    ...(lost ? [`${countOf(lost, 'connection')} allowed by ${d.before} ${lost === 1 ? 'is' : 'are'} denied by ${d.after}`] : []),
    ...(gained ? [`${countOf(gained, 'connection')} denied by ${d.before} ${gained === 1 ? 'is' : 'are'} allowed by ${d.after}`] : []),
  ];
  return `${countOf(d.changed, 'connection')} ${d.changed === 1 ? 'changes' : 'change'}: ${parts.join(', ')}`;
}

/** The diff as text: a headline, then each group with the rule on each side and its connections. */
export function formatDiffTable(d: ConnectionDiff): string {
  const lines = [headline(d)];
  const width = Math.max(d.before.length, d.after.length) + 1;
  for (const g of d.groups) {
    lines.push('', `${verdict(g.before)} -> ${verdict(g.after)} (${countOf(g.connections.length, 'connection')})`);
    lines.push(`  ${`${d.before}:`.padEnd(width)} ${verdict(g.before)}, ${g.before.by}`);
    lines.push(`  ${`${d.after}:`.padEnd(width)} ${verdict(g.after)}, ${g.after.by}`);
    for (const c of g.connections) lines.push(`    ${c.src} => ${c.dst} : ${formatPortRanges(c.ports)}`);
  }
  return lines.join('\n') + '\n';
}

function groupJson(g: DiffGroup): Record<string, unknown> {
  return {
    before: { allowed: g.before.allowed, decidedBy: g.before.by },
    after: { allowed: g.after.allowed, decidedBy: g.after.by },
    connections: g.connections.map((c) => ({
      source: c.src,
      destination: c.dst,
      ports: formatPortRanges(c.ports),
      portRanges: c.ports.map((p) => ({ protocol: p.protocol, first: p.first, last: p.last })),
    })),
  };
}

/** The diff as JSON: `{before, after, changed, groups: [{before, after, connections}], onlyBefore, onlyAfter}`. */
export function formatDiffJson(d: ConnectionDiff): string {
  return JSON.stringify({
    before: d.before,
    after: d.after,
    changed: d.changed,
    groups: d.groups.map(groupJson),
    onlyBefore: d.onlyBefore,
    onlyAfter: d.onlyAfter,
  }, null, 2) + '\n';
}

/** The diff as CSV: one line per changed connection, with each side's verdict and reason. */
export function formatDiffCsv(d: ConnectionDiff): string {
  const out = ['source,destination,ports,before,before_decided_by,after,after_decided_by'];
  for (const g of d.groups) {
    for (const c of g.connections) {
      out.push([c.src, c.dst, formatPortRanges(c.ports), g.before.allowed ? 'allowed' : 'denied', g.before.by, g.after.allowed ? 'allowed' : 'denied', g.after.by].map(csvField).join(','));
    }
  }
  return out.join('\n') + '\n';
}

/** The diff as Markdown: the headline, then one table of every changed connection. */
export function formatDiffMarkdown(d: ConnectionDiff): string {
  const cell = (t: string) => t.replaceAll('|', '\\|');
  const out = [headline(d), ''];
  if (d.changed === 0) return out.join('\n');
  out.push(`| source | destination | ports | ${cell(d.before)} | decided by | ${cell(d.after)} | decided by |`, '|---|---|---|---|---|---|---|');
  for (const g of d.groups) {
    for (const c of g.connections) {
      out.push(`| ${cell(c.src)} | ${cell(c.dst)} | ${cell(formatPortRanges(c.ports))} | ${verdict(g.before)} | ${cell(g.before.by)} | ${verdict(g.after)} | ${cell(g.after.by)} |`);
    }
  }
  return out.join('\n') + '\n';
}
