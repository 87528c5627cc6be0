import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findIntensityWindow, toEightBit } from '../lib/volume/intensity';

test('a z-scored, skull-stripped volume: its constant minimum is the background, the head is windowed to 0..255', () => {
  const voxels = new Float32Array(10_000).fill(-3.6);
  for (let i = 0; i < 4000; i++) voxels[i] = -2 + (i / 4000) * 6; // head: -2 .. 4
  const { pixels, head, window } = toEightBit(voxels);
  assert.ok(Math.abs(window.background! - -3.6) < 1e-6);
  assert.ok(window.low > -2 && window.low < -1.9, `low ${window.low}`);
  assert.ok(window.high > 3.9 && window.high <= 4.01, `high ${window.high}`);
  assert.equal(head.reduce((a, b) => a + b, 0), 4000);
  assert.equal(pixels[9999], 0);
  assert.equal(pixels[3999], 255);
  assert.ok(Math.abs(pixels[2000] - 128) <= 2, `middle ${pixels[2000]}`);
});

test('zero background in an unsigned scan, with NaN voxels left out of the head', () => {
  const voxels = new Float32Array(1000);
  for (let i = 0; i < 500; i++) voxels[i] = 100 + i;
  voxels[600] = NaN;
  const { head } = toEightBit(voxels);
  assert.equal(findIntensityWindow(voxels).background, 0);
  assert.equal(head[600], 0);
  assert.equal(head.reduce((a, b) => a + b, 0), 500);
});

test('no dominant value: every finite voxel is head', () => {
  const voxels = Float32Array.from({ length: 1000 }, (_, i) => i * 0.37);
  assert.equal(findIntensityWindow(voxels).background, null);
  assert.equal(toEightBit(voxels).head.reduce((a, b) => a + b, 0), 1000);
});
