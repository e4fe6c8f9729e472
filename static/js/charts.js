// Hand-drawn SVG charts: horizontal bars for ranked names, columns for
// ordered buckets. Each chart is a <figure> whose SVG has an accessible
// name listing its figures, and a <title> per bar for pointer users.
// Bars that carry a `filter` are buttons (click, Enter or Space) that
// filter the film table to what they count (filter.js).

import { h, number } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 360;

/** An SVG element: s('rect', {x: 1}, child, …). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function truncate(text, max) {
  const chars = [...String(text)];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : String(text);
}

function summary(title, items, format) {
  if (!items.length) return `${title}: no data yet`;
  return `${title}: ${items.map((i) => `${i.label} ${format(i.value)}`).join(', ')}`;
}

/**
 * A chart in a <figure>. `items` are {label, value, filter?}; `kind` is
 * 'bars' (ranked names) or 'columns' (ordered buckets). With `select`
 * ({onSelect(filter), isActive(filter)}), bars with a filter are buttons.
 */
export function chart({ id, title, note, items, kind = 'bars', format = number, empty = 'No data yet.', select = null }) {
  const caption = h('figcaption', { id: `${id}-caption` }, h('span', {}, title), note ? h('span', { class: 'muted' }, note) : null);
  const figure = h('figure', { class: 'chart card', id, dataset: { chart: id } }, caption);
  if (!items.length || items.every((i) => !i.value)) {
    figure.append(h('p', { class: 'chart-empty' }, empty));
    return figure;
  }
  const svg = kind === 'columns' ? columns(items, format) : bars(items, format);
  const interactive = select && items.some((i) => i.filter);
  // An img's children are hidden from assistive technology: a chart of buttons is a group.
  svg.setAttribute('role', interactive ? 'group' : 'img');
  svg.setAttribute('aria-label', summary(title, items, format));
  if (interactive) {
    [...svg.querySelectorAll(':scope > g')].forEach((group, index) => {
      const item = items[index];
      if (item.filter && item.value) pressable(group, `${title}: ${item.label}, ${format(item.value)}`, item.filter, select);
    });
    figure.classList.add('is-interactive');
  }
  figure.append(svg);
  return figure;
}

/**
 * Runs `draw`, which rebuilds what `container` holds, and gives the focus
 * back to the bar or country that had it: charts are drawn anew whenever
 * the statistics change, and someone moving through them by keyboard must
 * not be thrown out.
 */
export function keepFocus(container, draw) {
  const active = container.contains(document.activeElement) ? document.activeElement : null;
  const key = active?.dataset?.filter;
  const figure = active?.closest('figure')?.id;
  draw();
  if (!key || !figure) return;
  container.querySelector(`#${CSS.escape(figure)} [data-filter="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}

/**
 * Makes an SVG element a toggle button for `filter`: a click, Enter or
 * Space selects it (or clears it when it is the active one).
 */
export function pressable(el, label, filter, { onSelect, isActive }) {
  const active = Boolean(isActive?.(filter));
  el.setAttribute('role', 'button');
  el.setAttribute('tabindex', '0');
  el.setAttribute('aria-label', label);
  el.setAttribute('aria-pressed', String(active));
  if (active) el.dataset.active = '';
  el.dataset.filter = `${filter.kind}:${filter.value}`;
  const choose = () => onSelect(active ? null : filter);
  el.addEventListener('click', choose);
  el.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    choose();
  });
}

function bars(items, format) {
  const row = 26;
  const labelWidth = 132;
  const valueWidth = 40;
  const barMax = WIDTH - labelWidth - valueWidth;
  const max = Math.max(...items.map((i) => i.value), 1);
  const height = items.length * row;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, preserveAspectRatio: 'xMinYMin meet' });
  items.forEach((item, index) => {
    const y = index * row;
    const width = Math.max(2, (item.value / max) * barMax);
    svg.append(
      s('g', { class: 'row' },
        s('title', {}, `${item.label}: ${format(item.value)}`),
        s('text', { x: labelWidth - 8, y: y + row / 2 + 4, 'text-anchor': 'end' }, truncate(item.label, 20)),
        s('rect', { class: 'bar-track', x: labelWidth, y: y + 5, width: barMax, height: row - 10, rx: 4 }),
        s('rect', { class: 'bar', x: labelWidth, y: y + 5, width, height: row - 10, rx: 4 }),
        s('text', { class: 'value', x: labelWidth + barMax + 6, y: y + row / 2 + 4 }, format(item.value)),
      ),
    );
  });
  return svg;
}

function columns(items, format) {
  const height = 170;
  const top = 18;
  const bottom = 26;
  const plot = height - top - bottom;
  const slot = WIDTH / items.length;
  const barWidth = Math.max(3, Math.min(36, slot * 0.72));
  const max = Math.max(...items.map((i) => i.value), 1);
  const labelEvery = Math.ceil(items.length / 12);
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, preserveAspectRatio: 'xMinYMin meet' });
  svg.append(s('line', { class: 'baseline', x1: 0, x2: WIDTH, y1: top + plot + 0.5, y2: top + plot + 0.5 }));
  items.forEach((item, index) => {
    const barHeight = item.value ? Math.max(2, (item.value / max) * plot) : 0;
    const x = index * slot + (slot - barWidth) / 2;
    const cx = index * slot + slot / 2;
    const y = top + plot - barHeight;
    const group = s('g', { class: 'column' },
      s('title', {}, `${item.label}: ${format(item.value)}`),
      // The whole slot takes the pointer, so a short column is as easy to hit as a tall one.
      s('rect', { class: 'hit', x: index * slot, y: top, width: slot, height: plot + bottom }),
      s('rect', { class: 'bar', x, y, width: barWidth, height: barHeight, rx: 3 }),
    );
    if (item.value && items.length <= 14) {
      group.append(s('text', { class: 'value', x: cx, y: y - 5, 'text-anchor': 'middle' }, format(item.value)));
    }
    if (index % labelEvery === 0) {
      group.append(s('text', { class: 'axis', x: cx, y: height - 8, 'text-anchor': 'middle' }, item.short ?? item.label));
    }
    svg.append(group);
  });
  return svg;
}
