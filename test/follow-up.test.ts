import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareScans } from '../lib/report/follow-up';

// RANO 2.0's thresholds, on the edges of each category.

const scan = (tumourVolumeMl: number, sumOfProductsMm2: number) => ({ tumourVolumeMl, sumOfProductsMm2 });

test('by volume: +40% is progression, -65% partial response, under 0.1 mL complete response, else stable', () => {
  assert.equal(compareScans(scan(10, 0), scan(14, 0)).volumetricCategory, 'progression');
  assert.equal(compareScans(scan(10, 0), scan(13.9, 0)).volumetricCategory, 'stable');
  assert.equal(compareScans(scan(10, 0), scan(3.5, 0)).volumetricCategory, 'partial response');
  assert.equal(compareScans(scan(10, 0), scan(3.6, 0)).volumetricCategory, 'stable');
  assert.equal(compareScans(scan(10, 0), scan(0.05, 0)).volumetricCategory, 'complete response');
});

test('by the sum of products: +25% progression, -50% partial response', () => {
  assert.equal(compareScans(scan(10, 400), scan(10, 500)).bidimensionalCategory, 'progression');
  assert.equal(compareScans(scan(10, 400), scan(10, 499)).bidimensionalCategory, 'stable');
  assert.equal(compareScans(scan(10, 400), scan(10, 200)).bidimensionalCategory, 'partial response');
  assert.equal(compareScans(scan(10, 400), scan(0.05, 0)).bidimensionalCategory, 'complete response');
});

test('a tumour where the earlier scan had none is new: progression; none in either is stable', () => {
  const fresh = compareScans(scan(0.05, 0), scan(2, 150));
  assert.deepEqual([fresh.volumetricCategory, fresh.bidimensionalCategory, fresh.changePercent], ['progression', 'progression', null]);
  const none = compareScans(scan(0, 0), scan(0.02, 0));
  assert.deepEqual([none.volumetricCategory, none.bidimensionalCategory], ['stable', 'stable']);
});

test('the change is reported in mL and %', () => {
  const change = compareScans(scan(20, 400), scan(25, 300));
  assert.equal(change.changeMl, 5);
  assert.equal(change.changePercent, 25);
  assert.equal(change.productChangePercent, -25);
  assert.equal(change.baselineSumOfProductsMm2, 400);
});
