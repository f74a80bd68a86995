/** A count as people read it: thousands separated by commas (`11,138,058,369`), whatever the locale. */
export function formatCount(n: number): string {
  // Whole numbers by hand: the first toLocaleString of a process loads its locale data (about 30 ms).
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** `1 external address`, `2 external addresses`, `11,138,058,369 connections`: a count and its noun. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
