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

test('skipping pixels whose four taps are all below the threshold changes no pixel', () => {
  // the plain bilinear rule, pixel by pixel, against the one that skips
  const bilinear = (map: Float32Array, box: ReturnType<typeof letterbox>, width: number, height: number, threshold: number) =>
    Uint8Array.from({ length: width * height }, (_, p) => {
      const [x, y] = [p % width, Math.floor(p / width)];
      const fx = Math.min(Math.max((x + 0.5) * (box.width / width) - 0.5, 0), box.width - 1);
      const fy = Math.min(Math.max((y + 0.5) * (box.height / height) - 0.5, 0), box.height - 1);
      const [x0, y0] = [Math.floor(fx), Math.floor(fy)], [x1, y1] = [Math.min(x0 + 1, box.width - 1), Math.min(y0 + 1, box.height - 1)];
      const at = (xx: number, yy: number) => map[(yy + box.top) * box.size + box.left + xx];
      const top = at(x0, y0) * (1 - (fx - x0)) + at(x1, y0) * (fx - x0), bottom = at(x0, y1) * (1 - (fx - x0)) + at(x1, y1) * (fx - x0);
      return top * (1 - (fy - y0)) + bottom * (fy - y0) >= threshold ? 1 : 0;
    });
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const [width, height] of [[512, 512], [240, 240], [300, 170]]) {
    const box = letterbox(width, height, 256);
    // blobs near the threshold, values exactly at it, and a far-below background
    const map = Float32Array.from({ length: 256 * 256 }, () => (random() < 0.1 ? 0.45 + random() * 0.1 : random() < 0.01 ? 0.5 : random() * 0.2));
    for (const threshold of [0.5, 0.48, 0.9]) assert.deepEqual(maskOnSlice(map, box, width, height, threshold), bilinear(map, box, width, height, threshold));
  }
});
