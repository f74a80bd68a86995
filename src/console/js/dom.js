// Building DOM nodes without HTML strings: data from the API is always set as text, never parsed as markup.

/**
 * Creates an element. `attrs`: attributes (true = present, false/null/undefined = absent), `class`, and `on<event>`
 * listeners. Children: nodes, strings, numbers, arrays of them; null, undefined and false are skipped.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className = String(v);
    // through the CSSOM: the page's Content-Security-Policy refuses style attributes in markup
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children (see h). */
export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Says something to screen readers (the page's live region). */
export function announce(text) {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

/** A labelled form field: a <label> holding its text and the control. */
export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

/** An error box (role=alert) with the API's message. */
export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, '⚠ ', e instanceof Error ? e.message : String(e));
}

/** Epoch milliseconds as a local date and time, or a dash. */
export function when(ms) {
  return typeof ms === 'number' ? new Date(ms).toLocaleString() : '—';
}
