// A verification report as text: "equivalent" with what was checked, or a table of counterexamples.
import { formatPort } from '../connection.ts';
import type { ConnectionDecision } from '../decision.ts';
import type { VerifyReport } from './verify-engines.ts';
import { countOf, formatCount } from '../counts.ts';

/** What decided a connection: the direction that denied it, or both directions' reasons when allowed. */
export function decidedBy(d: ConnectionDecision): string {
  if (!d.allowed) return !d.egress.allowed ? `egress ${d.egress.by}` : `ingress ${d.ingress.by}`;
  return `egress ${d.egress.by}; ingress ${d.ingress.by}`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** One paragraph of what was checked. */
export function formatCounts(r: VerifyReport): string {
  const c = r.counts;
  const fam = c.families.length ? c.families.map((f) => `IPv${f}`).join(' and ') : 'no address family (no live pod)';
  return `checked ${fam}: ${countOf(c.podEndpoints, 'pod endpoint')} and ${countOf(c.externalEndpoints, 'external address', 'external addresses')} (one per address atom), `
    + `port classes TCP ${formatCount(c.portClasses.TCP)}, UDP ${formatCount(c.portClasses.UDP)}, SCTP ${formatCount(c.portClasses.SCTP)}, other IP protocols ${formatCount(c.portClasses.OTHER)}; `
    + `${countOf(c.matrices, 'matrix', 'matrices')}, ${countOf(c.connections, 'connection')}`;
}

/** The report as text. */
export function formatVerifyReport(r: VerifyReport): string {
  if (r.equivalent) return `equivalent: ${r.other} allows exactly what ${r.reference} allows\n${formatCounts(r)}\n`;
  const lines = [
    `different: ${countOf(r.differences, 'connection')} ${r.differences === 1 ? 'differs' : 'differ'} between ${r.reference} and ${r.other}${r.counterexamples.length < r.differences ? ` (the first ${r.counterexamples.length} below)` : ''}`,
    formatCounts(r),
    '',
    `| Source | Destination | Port | ${r.reference} | ${r.reference}: decided by | ${r.other} | ${r.other}: decided by |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const x of r.counterexamples) {
    const port = x.portClass.first === x.portClass.last ? formatPort(x) : `${formatPort(x)} (${x.portClass.first}-${x.portClass.last})`;
    lines.push(`| ${x.src} | ${x.dst} | ${port} | ${x.reference.allowed ? 'allowed' : 'denied'} | ${cell(decidedBy(x.reference))} | ${x.other.allowed ? 'allowed' : 'denied'} | ${cell(decidedBy(x.other))} |`);
  }
  return `${lines.join('\n')}\n`;
}
