// The world map of production countries: each country shaded by its number
// of films, with a <title>; a country with films is a button that filters
// the table to them. The shapes are static/world.json, projected SVG paths
// made once by tools/world-map/generate.mjs (Natural Earth, public domain).

import { keepFocus, pressable, s } from './charts.js';
import { country, h, number } from './format.js';
import { LEVELS, logLevelOf } from './heatmap-layout.js';

let shapes = null;

/** The map's shapes, read once per page. */
function loadShapes() {
  shapes ??= fetch('/world.json').then((response) => {
    if (!response.ok) throw new Error(`world.json: HTTP ${response.status}`);
    return response.json();
  });
  // A failed read may be retried by the next drawing.
  shapes.catch(() => {
    shapes = null;
  });
  return shapes;
}

const filmsText = (n) => `${number(n)} film${n === 1 ? '' : 's'}`;

/** Empties and hides the map (another session opens); a drawing still waiting for the shapes is dropped. */
export function clearWorldMap(container) {
  container.token = null;
  container.hidden = true;
  container.replaceChildren();
}

/** Draws the map of `countries` ([{name: ISO code, count}]) into `container`; `select` as charts.js takes it. */
export async function renderWorldMap(container, countries, select) {
  const token = {};
  container.token = token;
  let world;
  try {
    world = await loadShapes();
  } catch (err) {
    console.warn('reelstream: world map unavailable', err);
    container.hidden = true;
    return;
  }
  // Newer statistics came while the shapes loaded: theirs is the map to draw.
  if (container.token !== token) return;
  container.hidden = false;

  const counts = new Map(countries.map((c) => [c.name, c.count]));
  const max = Math.max(0, ...counts.values());
  const svg = s('svg', {
    viewBox: `0 0 ${world.width} ${world.height}`,
    role: 'group',
    'aria-label': countries.length
      ? `Films by country of production: ${countries.map((c) => `${country(c.name)} ${number(c.count)}`).join(', ')}`
      : 'Films by country of production: none yet',
  });
  for (const d of world.other) svg.append(s('path', { class: 'land', d }));
  for (const [code, shape] of Object.entries(world.countries)) {
    const count = counts.get(code) ?? 0;
    const name = country(code) || shape.name;
    const level = logLevelOf(count, max);
    const path = s('path', { class: `land level-${level}${shape.dot ? ' dot' : ''}`, d: shape.d, 'data-code': code, 'data-count': count },
      s('title', {}, `${name}: ${count ? filmsText(count) : 'no film'}`));
    if (count) pressable(path, `${name}: ${filmsText(count)}`, { kind: 'country', value: code }, select);
    svg.append(path);
  }
  // Films of countries that no longer exist (SU, YU, XC…) or too small to draw: named below the map.
  const missing = countries.filter((c) => !world.countries[c.name]);
  const legend = h('p', { class: 'map-legend muted', 'aria-hidden': 'true' }, 'Fewer',
    ...Array.from({ length: LEVELS }, (_, i) => h('span', { class: `swatch level-${i + 1}` })), 'More films');
  keepFocus(container, () => container.replaceChildren(...[
    h('figcaption', {}, h('span', {}, 'Countries of production'), h('span', { class: 'muted' }, `${number(counts.size)} countr${counts.size === 1 ? 'y' : 'ies'}`)),
    svg,
    legend,
    missing.length
      ? h('p', { class: 'muted map-missing' }, 'Not on the map: ', missing.map((c) => `${country(c.name)} (${number(c.count)})`).join(', '))
      : null,
  ].filter(Boolean)));
}
