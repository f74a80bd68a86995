import { createHash } from 'node:crypto';

/** The longest object name np2dfw emits (a DNS-1123 subdomain may have 253; kept short for kubectl output). */
const MAX_NAME = 253;

/** Whether `name` is a DNS-1123 subdomain: what Kubernetes takes as a cluster-scoped object's name. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/**
 * A valid object name for an id: the id itself when it is a DNS-1123 subdomain; otherwise lower-cased, every other
 * character replaced by `-`, and an 8-hex-digit hash of the original id appended so that two ids never collide.
 */
export function kubeNameOf(id: string): string {
  if (isDns1123Subdomain(id)) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  let base = id.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/\.{2,}/g, '.').replace(/-*\.-*/g, '.');
  base = base.replace(/^[^a-z0-9]+/, '').slice(0, MAX_NAME - 9).replace(/[^a-z0-9]+$/, '');
  return base ? `${base}-${hash}` : `np2dfw-${hash}`;
}

/** Whether `value` is a valid label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

/**
 * A label value for any text: the text when valid; otherwise its valid characters cut to fit, with a hash suffix.
 * The full text goes in an annotation next to it.
 */
export function labelValueOf(text: string): string {
  if (isLabelValue(text)) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const base = text.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 54).replace(/[^A-Za-z0-9]+$/, '');
  return base ? `${base}-${hash}` : hash;
}
