/**
 * A cheap guard against input nested deeper than any Kubernetes object is (`[[[[...` a hundred thousand times):
 * the YAML parser would spend seconds failing on it. Counts flow brackets outside quoted strings and comments,
 * and block sequence entries opened on one line (`- - - - x`). It does not parse: a bracket inside a block scalar
 * counts too, which only matters past `limit` unbalanced brackets.
 */
export function nestingDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let prev = 10; // as if after a newline
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      // Leading `- ` entries of a line: each opens a sequence nested in the previous one.
      let j = i;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      let dashes = 0;
      while (j + 1 < text.length && text.charCodeAt(j) === 45 && text.charCodeAt(j + 1) === 32) {
        dashes++;
        j += 2;
        while (j < text.length && text.charCodeAt(j) === 32) j++;
      }
      if (dashes > limit) return true;
      lineStart = false;
    }
    switch (c) {
      case 10:
        lineStart = true;
        break;
      case 91: // [
      case 123: // {
        if (++depth > limit) return true;
        break;
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        break;
      case 34: // "
      case 39: // '
        if (opensQuote(prev)) {
          for (i++; i < text.length; i++) {
            const d = text.charCodeAt(i);
            if (c === 34 && d === 92) i++;
            else if (d === c) break;
          }
        }
        break;
      case 35: // #
        if (prev === 32 || prev === 9 || prev === 10) {
          while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
        }
        break;
    }
    prev = c;
  }
  return false;
}

/** A quote opens a quoted scalar only where a scalar may start, not inside a plain word like `don't`. */
function opensQuote(prev: number): boolean {
  return prev === 32 || prev === 9 || prev === 10 || prev === 13 || prev === 91 || prev === 123 || prev === 44 || prev === 58 || prev === 45 || prev === 63;
}
