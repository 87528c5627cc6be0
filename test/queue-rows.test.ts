import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CSV_COLUMNS, type CohortRow } from '../lib/cohort/analyse-scan';
import { openResults } from '../lib/cohort/results-csv';

// A queue delivers a scan at least once: the results file keys a row by file and content hash, across runs too.

const row = (file: string, sha256: string, label = 'Tumor') => ({ ...Object.fromEntries(CSV_COLUMNS.map((column) => [column, ''])), file, sha256, label }) as CohortRow;

test('a scan delivered twice is written once; the same bytes at another path, or new bytes at the same path, are rows of their own', () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'queue-rows-')), 'results.csv');
  const results = openResults(file);
  const name = 'patient, "a"/scan\nwith a newline.png';
  assert.equal(results.append(row(name, 'aa')), true);
  assert.equal(results.append(row(name, 'aa', 'No Tumor')), false);
  assert.equal(results.append(row('copy.png', 'aa')), true);
  assert.equal(results.append(row(name, 'bb')), true);
  assert.deepEqual([...results.done].sort(), ['copy.png', name].sort());

  const reopened = openResults(file);
  assert.deepEqual([...reopened.done].sort(), ['copy.png', name].sort());
  assert.equal(reopened.append(row(name, 'aa')), false);
  assert.equal(reopened.append(row('copy.png', 'aa')), false);
  assert.equal(reopened.append(row('copy.png', 'cc')), true);
  assert.equal(readFileSync(file, 'utf8').split(',Tumor,').length - 1, 4, 'four rows, none twice');
});
