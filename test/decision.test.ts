import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tumourDrawing } from '../lib/analysis/decision';
import { removeSmallComponents } from '../lib/imaging/components';
import { readManifest, type ModelManifest } from '../lib/model/manifest';

test('components touching only at a corner are one (8-connected); smaller ones are cleared', () => {
  const map = Uint8Array.from([
    1, 0, 0, 0, 1,
    0, 1, 0, 0, 0,
    0, 0, 1, 0, 0,
    0, 0, 0, 0, 1,
    0, 0, 0, 1, 1,
  ]);
  assert.equal(removeSmallComponents(map, 5, 5, 3), 6); // the diagonal (3) and the corner L (3) stay; the lone pixel goes
  assert.deepEqual(Array.from(map), [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1]);
  assert.equal(removeSmallComponents(map, 5, 5, 4), 0);
});

const manifest = (minComponentPx: number): ModelManifest => {
  const real = readManifest();
  return { ...real, normalisation: { ...real.normalisation, resize: { ...real.normalisation.resize, size: 4 } }, thresholds: { slice: 0.5, mask: 0.5 }, decision: { minComponentPx } };
};

test('No Tumor never draws; Tumor always draws, from its most confident region when nothing clears the threshold', () => {
  const maskProbability = new Float32Array(16).fill(0.05);
  maskProbability[5] = 0.3;
  maskProbability[6] = 0.2;
  assert.equal(tumourDrawing({ sliceProbability: 0.49, maskProbability }, manifest(0)), null);
  const fallback = tumourDrawing({ sliceProbability: 0.9, maskProbability }, manifest(0))!;
  assert.equal(fallback.threshold, 0.5); // half the peak, on a map scaled to its peak
  assert.deepEqual([...fallback.map].map((p, i) => (p >= fallback.threshold ? i : -1)).filter((i) => i >= 0), [5, 6]);
  assert.equal(fallback.peakIndex, 5);
  maskProbability[0] = 0.9; // one pixel above the threshold: kept without a component filter, dropped with one
  assert.equal(tumourDrawing({ sliceProbability: 0.9, maskProbability }, manifest(0))!.threshold, 0.5);
  assert.equal(tumourDrawing({ sliceProbability: 0.9, maskProbability }, manifest(2))!.peakIndex, 0); // the fallback
});
