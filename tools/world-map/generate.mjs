// Generates static/world.json: the dashboard's world map, as SVG path
// strings already projected (Equal Earth), keyed by ISO 3166-1 alpha-2 code,
// so the page draws it with no library and no build step. Run once, when the
// map should change; the output is committed.
//
//   cd tools/world-map && npm ci && npm run generate
//
// Source: Natural Earth 1:110m Admin 0 countries (public domain), through
// the world-atlas package (ISC). See README.md beside this file.

import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

import { geoEqualEarth, geoPath } from 'd3-geo';
import countries from 'i18n-iso-countries';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const OUT = new URL('../../static/world.json', import.meta.url);
const WIDTH = 960;
/** One decimal of a 960-wide map is far below a pixel on any screen it is shown on. */
const DIGITS = 1;

/**
 * Shapes Natural Earth gives no ISO numeric code: Kosovo has TMDB's (and
 * the EU's) user-assigned XK; the other two are drawn as land without data.
 */
const UNCODED = { Kosovo: 'XK' };

/**
 * Countries and territories too small for 1:110m that make films: drawn as
 * dots at [longitude, latitude] so a film from there still shows on the map.
 */
const DOTS = {
  HK: [114.17, 22.32],
  SG: [103.82, 1.35],
  MO: [113.54, 22.2],
  MT: [14.45, 35.9],
  MC: [7.42, 43.74],
  LI: [9.55, 47.16],
  AD: [1.52, 42.51],
  SM: [12.46, 43.94],
  VA: [12.45, 41.9],
  BH: [50.56, 26.07],
  MU: [57.55, -20.35],
  MV: [73.22, 3.2],
  BB: [-59.54, 13.19],
  AG: [-61.8, 17.06],
  LC: [-60.98, 13.91],
  GD: [-61.68, 12.12],
  KN: [-62.78, 17.34],
  DM: [-61.37, 15.41],
  VC: [-61.2, 13.25],
  TO: [-175.2, -21.18],
  WS: [-172.1, -13.76],
  SC: [55.45, -4.68],
  CV: [-23.6, 15.1],
  KM: [43.87, -11.87],
  ST: [6.61, 0.19],
  PS: [35.2, 31.95],
  GU: [144.79, 13.44],
  AW: [-69.97, 12.52],
  CW: [-68.93, 12.17],
  BM: [-64.75, 32.3],
};
const DOT_RADIUS = 3;

const topology = JSON.parse(await readFile(require.resolve('world-atlas/countries-110m.json'), 'utf8'));
const all = feature(topology, topology.objects.countries).features;
// Antarctica makes no films worth a sixth of the map's height.
const shown = all.filter((f) => f.properties.name !== 'Antarctica');

const projection = geoEqualEarth().fitWidth(WIDTH, { type: 'FeatureCollection', features: shown });
const path = geoPath(projection).digits(DIGITS);
const [[, top], [, bottom]] = path.bounds({ type: 'FeatureCollection', features: shown });
const height = Math.ceil(bottom - Math.min(0, top));

const byCode = {};
const other = [];
for (const f of shown) {
  const code = f.id === undefined ? UNCODED[f.properties.name] : countries.numericToAlpha2(f.id);
  const d = path(f);
  if (!d) continue;
  if (!code) {
    other.push(d);
    continue;
  }
  // Name from the ISO list, so the map and the charts (Intl.DisplayNames) agree on spelling.
  const name = countries.getName(code, 'en', { select: 'official' }) || f.properties.name;
  if (byCode[code]) byCode[code].d += d;
  else byCode[code] = { name, d };
}
for (const [code, lonLat] of Object.entries(DOTS)) {
  if (byCode[code]) continue;
  const [x, y] = projection(lonLat).map((v) => Number(v.toFixed(DIGITS)));
  const r = DOT_RADIUS;
  byCode[code] = {
    name: countries.getName(code, 'en', { select: 'official' }) || code,
    d: `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`,
    dot: true,
  };
}

const sorted = Object.fromEntries(Object.keys(byCode).sort().map((code) => [code, byCode[code]]));
const map = {
  source: 'Natural Earth 1:110m Admin 0 countries, version 4.1.0 (public domain, naturalearthdata.com), via the world-atlas npm package 2.0.2 (ISC licence, Michael Bostock)',
  generator: 'tools/world-map/generate.mjs (projection: Equal Earth, fitted to the width; Antarctica left out; small countries as dots)',
  width: WIDTH,
  height,
  countries: sorted,
  other,
};
const json = `${JSON.stringify(map)}\n`;
await writeFile(OUT, json);
console.log(`wrote ${OUT.pathname}: ${Object.keys(sorted).length} countries, ${other.length} other shapes, ${json.length} bytes, ${WIDTH}×${height}`);
