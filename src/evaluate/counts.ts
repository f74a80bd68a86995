/** One formatter for every count: `toLocaleString` with options builds a new one on each call (about 10 µs). */
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count as people read it: thousands separated by commas (`11,138,058,369`), whatever the locale. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** `1 external address`, `2 external addresses`, `11,138,058,369 connections`: a count and its noun. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
