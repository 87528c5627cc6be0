import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOn, overlayRgba, thresholdMask } from '../lib/imaging/overlay';

test('the mask is the probability map at the threshold', () => {
  const mask = thresholdMask(new Uint8Array([0, 127, 128, 255]), 0.5);
  assert.deepEqual(Array.from(mask), [0, 0, 255, 255]);
  assert.equal(countOn(mask), 2);
});

test('the overlay fills the inside, outlines the edge and leaves the rest transparent', () => {
  const width = 5, height = 5;
  const mask = new Uint8Array(25);
  for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) mask[y * width + x] = 255;
  const rgba = overlayRgba(mask, width, height);
  const alpha = (x: number, y: number) => rgba[(y * width + x) * 4 + 3];
  assert.equal(alpha(0, 0), 0); // outside
  assert.equal(alpha(1, 1), 255); // edge: opaque outline
  assert.ok(alpha(2, 2) > 0 && alpha(2, 2) < 255); // inside: translucent fill
});
