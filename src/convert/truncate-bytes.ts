/**
 * The longest prefix of `text` that fits in `maxBytes` bytes of UTF-8, never cutting a character in two
 * (a code point that would not fit whole is left out, as are the code points after it).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + len > maxBytes) break;
    bytes += len;
    end += ch.length;
  }
  return text.slice(0, end);
}
