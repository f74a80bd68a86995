/**
 * Label and field selectors in the API server's query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, comma-separated (all must hold). A malformed selector is refused as the API server refuses it (400).
 */

type Requirement =
  | { readonly op: 'eq' | 'ne'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'absent'; readonly key: string };

export type Selector = readonly Requirement[];

export class SelectorError extends Error {}

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)$/;

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

export function parseSelector(text: string | null | undefined): Selector {
  if (!text) return [];
  return splitTerms(text).map((term): Requirement => {
    let m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { op: m[2] as 'in' | 'notin', key: checkKey(m[1], term), values };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) return { op: m[2] === '!=' ? 'ne' : 'eq', key: checkKey(m[1], term), value: m[3] };
    m = /^!\s*(\S+)$/.exec(term);
    if (m) return { op: 'absent', key: checkKey(m[1], term) };
    if (/^\S+$/.test(term)) return { op: 'exists', key: checkKey(term, term) };
    throw new SelectorError(`unable to parse requirement: "${term}"`);
  });
}

/** Whether a map of labels (or of field values) satisfies every requirement. */
export function matches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return selector.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq': return has && v === r.value;
      case 'ne': return !has || v !== r.value;
      case 'in': return has && r.values.includes(v);
      case 'notin': return !has || !r.values.includes(v);
      case 'exists': return has;
      case 'absent': return !has;
    }
  });
}

/** Field selectors: only `metadata.name` and `metadata.namespace` (with = and !=), as for most resources. */
export function parseFieldSelector(text: string | null | undefined): Selector {
  const sel = parseSelector(text);
  for (const r of sel) {
    if (r.key !== 'metadata.name' && r.key !== 'metadata.namespace') throw new SelectorError(`field label not supported: ${r.key}`);
    if (r.op !== 'eq' && r.op !== 'ne') throw new SelectorError(`invalid selector: '${text}'; can't understand '${r.key}'`);
  }
  return sel;
}
