// What the session view's head says about the upload: the file's format,
// its encoding when it was not UTF-8, and the warnings of the import (rows
// or files skipped or dropped while reading it).

import { h, number } from './format.js';

const $ = (id) => document.getElementById(id);

const FORMAT_NAMES = {
  letterboxd_zip: 'Letterboxd export',
  letterboxd_watched: 'Letterboxd watched films',
  letterboxd_ratings: 'Letterboxd ratings',
  letterboxd_diary: 'Letterboxd diary',
  letterboxd_watchlist: 'Letterboxd watchlist',
  letterboxd_reviews: 'Letterboxd reviews',
  letterboxd_likes: 'Letterboxd liked films',
  letterboxd_list: 'Letterboxd list',
  imdb: 'IMDb export',
  generic: 'CSV',
};

/** Shows a session's format, encoding and warnings. */
export function renderSessionInfo(session) {
  $('session-format').textContent = FORMAT_NAMES[session.source_format] || session.source_format;
  // Only an encoding other than UTF-8 is news to the person who uploaded.
  const encoding = session.encoding;
  $('session-encoding').textContent = encoding && encoding !== 'utf-8' ? ` (read as ${encoding})` : '';
  renderWarnings(session);
}

/** What the import skipped or dropped: the first warnings, and how many more. */
function renderWarnings(session) {
  const warnings = session.warnings || [];
  const total = session.warnings_total ?? warnings.length;
  const box = $('session-warnings');
  box.hidden = total === 0;
  if (!total) return;
  $('warnings-summary').textContent =
    `${number(total)} warning${total === 1 ? '' : 's'}: rows or files skipped or dropped while reading the upload`;
  const where = (w) =>
    [w.file, w.row != null ? `line ${w.row}` : null, w.column ? `column ${w.column}` : null]
      .filter(Boolean)
      .join(', ');
  $('warnings-list').replaceChildren(
    ...warnings.map((w) => h('li', {}, where(w) ? h('span', { class: 'warnings-where' }, `${where(w)}: `) : null, w.message)),
  );
  const more = total - warnings.length;
  $('warnings-more').hidden = more <= 0;
  $('warnings-more').textContent = more > 0 ? `… and ${number(more)} more` : '';
}
