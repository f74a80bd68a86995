// A table over a server-paged list of any length: only the rows in view (plus a margin) are in the DOM, pages
// are fetched as they scroll into view, and the whole table is usable with the keyboard (arrows, Page Up/Down,
// Home/End, Enter). Screen readers get the real row count and each row's index (aria-rowcount/aria-rowindex).
import { h, announce } from './dom.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 8;

/**
 * @param {object} o
 * @param {string} o.label what the table lists (its accessible name)
 * @param {{ title: string, width?: string, render: (row: any) => unknown }[]} o.columns
 * @param {(offset: number, limit: number) => Promise<{ results: any[], result_count: number }>} o.fetchPage
 * @param {(row: any, index: number) => void} [o.onActivate] Enter or click on a row
 * @param {number} [o.pageSize]
 * @param {number} [o.height] pixels
 */
export function virtualTable(o) {
  const pageSize = o.pageSize ?? 100;
  const pages = new Map();
  const loading = new Map();
  let total = -1;
  let active = 0;
  let generation = 0;

  const caption = h('caption', { class: 'visually-hidden' }, o.label);
  const headRow = h('tr', { 'aria-rowindex': 1 }, o.columns.map((c) => h('th', { scope: 'col', style: c.width ? `width:${c.width}` : undefined }, c.title)));
  const tbody = h('tbody');
  const table = h('table', { class: 'vt', 'aria-rowcount': 1 }, caption, h('thead', {}, headRow), tbody);
  const count = h('p', { class: 'vt-count', 'aria-live': 'polite' }, 'Loading…');
  const scroller = h('div', { class: 'vt-scroll', style: `height:${o.height ?? 520}px`, tabindex: 0, role: 'region', 'aria-label': `${o.label}: use the arrow keys to move, Enter to open` }, table);
  const element = h('div', { class: 'vt-wrap' }, count, scroller);

  function rowAt(i) {
    const page = pages.get(Math.floor(i / pageSize));
    return page ? page[i % pageSize] : undefined;
  }

  async function ensure(first, last) {
    const gen = generation;
    for (let p = Math.floor(first / pageSize); p <= Math.floor(Math.max(first, last) / pageSize); p++) {
      if (pages.has(p) || loading.has(p) || (total >= 0 && p * pageSize >= total)) continue;
      const promise = o.fetchPage(p * pageSize, pageSize).then((r) => {
        if (gen !== generation) return;
        pages.set(p, r.results);
        const before = total;
        total = r.result_count;
        if (before !== total) {
          table.setAttribute('aria-rowcount', String(total + 1));
          count.textContent = `${total.toLocaleString()} ${total === 1 ? 'row' : 'rows'}`;
        }
        render();
      }, (e) => {
        if (gen !== generation) return;
        count.textContent = `⚠ ${e.message}`;
        count.setAttribute('role', 'alert');
      }).finally(() => loading.delete(p));
      loading.set(p, promise);
    }
  }

  let focusAfterRender = false;
  let marked = false;
  function render() {
    const height = scroller.clientHeight || (o.height ?? 520);
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = total < 0 ? first + visible : Math.min(total, first + visible);
    void ensure(first, Math.max(first, last - 1));
    const rows = [];
    if (first > 0) rows.push(h('tr', { 'aria-hidden': 'true', class: 'vt-spacer' }, h('td', { colspan: o.columns.length, style: `height:${first * ROW_HEIGHT}px` })));
    for (let i = first; i < last; i++) {
      const row = rowAt(i);
      const tr = h('tr', {
        class: `vt-row${i === active ? ' active' : ''}`, 'aria-rowindex': i + 2, tabindex: i === active ? 0 : -1, 'data-index': i,
        'aria-selected': i === active ? 'true' : 'false',
      }, row === undefined
        ? h('td', { colspan: o.columns.length, class: 'muted' }, 'Loading…')
        : o.columns.map((c) => h('td', {}, c.render(row))));
      rows.push(tr);
    }
    const after = total < 0 ? 0 : total - last;
    if (after > 0) rows.push(h('tr', { 'aria-hidden': 'true', class: 'vt-spacer' }, h('td', { colspan: o.columns.length, style: `height:${after * ROW_HEIGHT}px` })));
    tbody.replaceChildren(...rows);
    if (!marked && rows.some((r) => r.classList.contains('vt-row') && rowAt(Number(r.getAttribute('data-index'))) !== undefined)) {
      // a standard User Timing mark: when the first real rows are in the table (the console benchmark reads it)
      marked = true;
      performance.mark(`np2dfw:rows:${o.label}`);
    }
    if (total === 0) tbody.replaceChildren(h('tr', {}, h('td', { colspan: o.columns.length, class: 'muted' }, 'Nothing matches.')));
    if (focusAfterRender) {
      const tr = tbody.querySelector(`tr[data-index="${active}"]`);
      if (tr) {
        tr.focus({ preventScroll: true });
        focusAfterRender = false;
      }
    }
  }

  function moveTo(i) {
    if (total <= 0) return;
    active = Math.max(0, Math.min(total - 1, i));
    const top = active * ROW_HEIGHT;
    const view = scroller.clientHeight - ROW_HEIGHT * 1.5;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top > scroller.scrollTop + view) scroller.scrollTop = top - view;
    focusAfterRender = true;
    render();
  }

  function activate(i) {
    const row = rowAt(i);
    if (row !== undefined && o.onActivate) {
      active = i;
      render();
      o.onActivate(row, i);
    }
  }

  let scheduled = false;
  scroller.addEventListener('scroll', () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  });
  scroller.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor(scroller.clientHeight / ROW_HEIGHT) - 1);
    const keys = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: total - 1 };
    if (e.key in keys) {
      e.preventDefault();
      moveTo(keys[e.key]);
      const row = rowAt(active);
      if (row === undefined) announce(`row ${active + 1} of ${total}, loading`);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(active);
    }
  });
  tbody.addEventListener('click', (e) => {
    const tr = /** @type {HTMLElement} */ (e.target).closest('tr[data-index]');
    if (tr) activate(Number(tr.getAttribute('data-index')));
  });

  /** Starts again from the first row (after the filters changed). */
  function reload() {
    generation++;
    pages.clear();
    loading.clear();
    total = -1;
    active = 0;
    scroller.scrollTop = 0;
    count.textContent = 'Loading…';
    count.removeAttribute('role');
    render();
  }

  reload();
  return { element, reload, rowAt, get total() { return total; } };
}
