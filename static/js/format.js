// Small helpers shared by the dashboard's views: formatting, building elements
// (`h`) and putting them in order without disturbing the focus (`reconcile`).

const locale = document.documentElement.lang || 'en';
const numberFormat = new Intl.NumberFormat(locale);
const regions = safeDisplayNames('region');
const languages = safeDisplayNames('language');

function safeDisplayNames(type) {
  try {
    return new Intl.DisplayNames([locale], { type });
  } catch {
    return null;
  }
}

/** 1234 → "1,234". */
export const number = (n) => numberFormat.format(n ?? 0);

/** 112 → "1 h 52"; 45 → "45 min". */
export function runtime(minutes) {
  if (!minutes && minutes !== 0) return '';
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

/** A long span of minutes: "3 d 4 h", "7 h 12 min". */
export function longDuration(minutes) {
  if (!minutes) return '0 h';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** Seconds to "12 s", "3 min 05 s", "1 h 02 min". */
export function eta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Countries TMDB still names that no longer exist: Intl maps some of these
 * codes to a successor (SU to Russia, YU to Serbia), which a film of 1966
 * was not made in.
 */
const FORMER_COUNTRIES = {
  SU: 'Soviet Union',
  YU: 'Yugoslavia',
  XC: 'Czechoslovakia',
  CS: 'Serbia and Montenegro',
  DD: 'East Germany',
  XG: 'East Germany',
  AN: 'Netherlands Antilles',
  ZR: 'Zaire',
  BU: 'Burma',
  TP: 'East Timor',
};

/** "US" → "United States" (falls back to the code). */
export function country(code) {
  if (FORMER_COUNTRIES[code]) return FORMER_COUNTRIES[code];
  try {
    return (code && regions?.of(code.toUpperCase())) || code;
  } catch {
    return code;
  }
}

/** TMDB's own language codes that are not ISO 639-1. */
const TMDB_LANGUAGES = { cn: 'Cantonese', xx: 'No language' };

/** "fr" → "French" (falls back to the code). */
export function language(code) {
  if (TMDB_LANGUAGES[code]) return TMDB_LANGUAGES[code];
  try {
    return (code && languages?.of(code)) || code;
  } catch {
    return code;
  }
}

/** Up to two initials of a title, for poster placeholders. */
export function initials(title) {
  const words = String(title || '?')
    .replace(/^(the|a|an|la|le|les|el|il|der|die|das)\s+/i, '')
    .split(/[\s:–-]+/)
    .filter((w) => /\p{L}|\p{N}/u.test(w));
  return words.slice(0, 2).map((w) => [...w][0].toUpperCase()).join('') || '?';
}

/** Creates an element: h('td', {class: 'x'}, child, 'text', …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    // Styles through the CSSOM, which the content security policy allows
    // (a style attribute it would refuse).
    else if (key === 'style') el.style.cssText = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * Puts `children` into `parent` in order, moving only what is out of place.
 * What leaves goes first, so a card that merely follows a replaced one stays
 * put; moving a node blurs it, and someone may be typing in it. Focus that a
 * move still takes is given back.
 */
export function reconcile(parent, children) {
  const focused = parent.contains(document.activeElement) ? document.activeElement : null;
  const keep = new Set(children);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  children.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] || null);
  });
  if (focused?.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}
