// A small, fast YAML writer for the plain JSON-like objects np2dfw emits (objects, arrays, strings, numbers,
// booleans): block style, two-space indent, strings quoted (as JSON, which YAML reads) whenever a plain scalar could
// be read as anything else. The `yaml` package does the same for arbitrary values, about 20 times slower.

/** YAML 1.1 and 1.2 words that a plain scalar would turn into booleans or null. */
const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;
/** Plain scalars np2dfw leaves unquoted: names, labels, CIDRs, paths; never a number-like or reserved word. */
const PLAIN = /^[A-Za-z_/][-A-Za-z0-9_./]*$/;

function scalar(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  throw new Error(`cannot write a ${typeof v} as YAML`);
}

function isEmptyCollection(v: unknown): string | undefined {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => (v as Record<string, unknown>)[k] === undefined)) return '{}';
  return undefined;
}

function write(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const empty = isEmptyCollection(item);
      if (empty !== undefined || item === null || typeof item !== 'object') {
        out.push(`${indent}- ${empty ?? scalar(item)}\n`);
        continue;
      }
      // The first line of a nested block goes after the dash.
      const inner: string[] = [];
      write(item, `${indent}  `, inner);
      out.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
    }
    return;
  }
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    if (child === undefined) continue;
    const key = scalar(k);
    const empty = isEmptyCollection(child);
    if (empty !== undefined || child === null || typeof child !== 'object') {
      out.push(`${indent}${key}: ${empty ?? scalar(child)}\n`);
    } else {
      out.push(`${indent}${key}:\n`);
      write(child, Array.isArray(child) ? `${indent}  ` : `${indent}  `, out);
    }
  }
}

/** One document's YAML text (no `---`), for an object of plain values. */
export function yamlDocument(value: object): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}
