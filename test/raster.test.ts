import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeGrey } from '../lib/imaging/raster';

test('a one-channel map stays one channel when resized (a mask of the upload’s size)', async () => {
  const map = new Uint8Array(256 * 256).fill(255);
  const resized = await resizeGrey(map, 256, 256, 300, 300);
  assert.equal(resized.length, 300 * 300);
  assert.equal(resized[150 * 300 + 150], 255);
});
