import assert from 'node:assert/strict';
import { test } from 'node:test';
import { letterbox } from '../lib/imaging/letterbox';
import { maskOnSlice, planeToBox } from '../lib/volume/resample';

test('a 240x240 slice fills the 256 square; a flat plane stays flat', () => {
  const box = letterbox(240, 240, 256);
  const out = planeToBox(240, 240, box)(new Uint8Array(240 * 240).fill(100), new Uint8Array(256 * 256));
  assert.ok(out.every((v) => v === 100));
});

test('a slice of anisotropic voxels keeps its shape in millimetres, with black around it', () => {
  // 200 columns of 1.2 mm and 240 rows of 0.5 mm: 240 mm x 120 mm
  const box = letterbox(200 * 1.2, 240 * 0.5, 256);
  assert.deepEqual([box.width, box.height, box.top], [256, 128, 64]);
  const out = planeToBox(200, 240, box)(new Uint8Array(200 * 240).fill(80), new Uint8Array(256 * 256));
  assert.equal(out[0], 0);
  assert.equal(out[(box.top + 10) * 256 + 100], 80);
  assert.equal(out[(box.top + box.height) * 256 + 100], 0);
});

test('shrinking averages instead of skipping pixels', () => {
  // a fine checkerboard shrunk by 4 becomes grey, not stripes
  const plane = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (((i % 1024) + Math.floor(i / 1024)) % 2 ? 200 : 0));
  const box = letterbox(1024, 1024, 256);
  const out = planeToBox(1024, 1024, box)(plane, new Uint8Array(256 * 256));
  assert.ok(out.every((v) => Math.abs(v - 100) <= 2), `range ${Math.min(...out)}..${Math.max(...out)}`);
});

test('the model map comes back onto the slice grid: a square in the box is a square on the slice', () => {
  const box = letterbox(240, 240, 256);
  const map = new Float32Array(256 * 256);
  for (let y = 64; y < 128; y++) for (let x = 64; x < 128; x++) map[y * 256 + x] = 0.9;
  const mask = maskOnSlice(map, box, 240, 240, 0.5);
  const on = mask.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(on - 60 * 60) < 200, `${on} pixels`);
  assert.equal(mask[80 * 240 + 80], 1);
  assert.equal(mask[10 * 240 + 10], 0);
});
