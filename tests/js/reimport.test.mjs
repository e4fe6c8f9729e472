// What a re-import changed, as the page says it (static/js/reimport.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { diffSummary } from '../../static/js/reimport.js';

const ids = (n, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('the diff of a re-import', () => {
  test('counts each kind of film, in the order the page shows them', () => {
    const diff = { added: ids(3), changed: ids(1, 10), removed: ids(2, 20), unchanged: ids(80, 100) };
    assert.equal(diffSummary(diff), '3 added, 1 changed, 2 removed, 80 unchanged');
  });

  test('a kind with no film, or missing, counts zero', () => {
    assert.equal(diffSummary({ added: [], unchanged: [1, 2] }), '0 added, 0 changed, 0 removed, 2 unchanged');
    assert.equal(diffSummary(null), '0 added, 0 changed, 0 removed, 0 unchanged');
  });

  test('counts instead of lists are taken as they are', () => {
    assert.equal(diffSummary({ added: 4, changed: '2', removed: -1, unchanged: 7 }), '4 added, 2 changed, 0 removed, 7 unchanged');
  });
});
