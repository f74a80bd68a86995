/** The formatter for counts that are not whole safe numbers, made on first use (making one loads locale data, about 30 ms). */
let countFormat: Intl.NumberFormat | undefined;

/** A count as people read it: thousands separated by commas (`11,138,058,369`), whatever the locale. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return (countFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(n);
  // Whole numbers grouped by hand: the same text, without locale data.
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** `1 external address`, `2 external addresses`, `11,138,058,369 connections`: a count and its noun. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
