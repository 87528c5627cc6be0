import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SliceAxes } from '../lib/volume/axes';
import { findIntensityWindow, sliceReader, toEightBit as windowToEightBit } from '../lib/volume/intensity';
import type { ScalarVolume } from '../lib/volume/scalar-volume';
import { sliceGrid } from '../lib/volume/slices';

const asVolume = (voxels: Float32Array): ScalarVolume => ({
  dims: [voxels.length, 1, 1], spacingMm: [1, 1, 1], affine: [], affineSource: 'pixdim', datatype: 'float32', stored: voxels, slope: 1, intercept: 0,
});

async function toEightBit(voxels: Float32Array) {
  const window = await findIntensityWindow(asVolume(voxels));
  const pixels = new Uint8Array(voxels.length), head = new Uint8Array(voxels.length);
  windowToEightBit(voxels, window, pixels, head);
  return { pixels, head, window };
}

test('a z-scored, skull-stripped volume: its constant minimum is the background, the head is windowed to 0..255', async () => {
  const voxels = new Float32Array(10_000).fill(-3.6);
  for (let i = 0; i < 4000; i++) voxels[i] = -2 + (i / 4000) * 6; // head: -2 .. 4
  const { pixels, head, window } = await toEightBit(voxels);
  assert.ok(Math.abs(window.background! - -3.6) < 1e-6);
  assert.ok(window.low > -2 && window.low < -1.9, `low ${window.low}`);
  assert.ok(window.high > 3.9 && window.high <= 4.01, `high ${window.high}`);
  assert.equal(head.reduce((a, b) => a + b, 0), 4000);
  assert.equal(pixels[9999], 0);
  assert.equal(pixels[3999], 255);
  assert.ok(Math.abs(pixels[2000] - 128) <= 2, `middle ${pixels[2000]}`);
});

test('zero background in an unsigned scan, with NaN voxels left out of the head', async () => {
  const voxels = new Float32Array(1000);
  for (let i = 0; i < 500; i++) voxels[i] = 100 + i;
  voxels[600] = NaN;
  const { head } = await toEightBit(voxels);
  assert.equal((await findIntensityWindow(asVolume(voxels))).background, 0);
  assert.equal(head[600], 0);
  assert.equal(head.reduce((a, b) => a + b, 0), 500);
});

test('no dominant value: every finite voxel is head', async () => {
  const voxels = Float32Array.from({ length: 1000 }, (_, i) => i * 0.37);
  assert.equal((await findIntensityWindow(asVolume(voxels))).background, null);
  assert.equal((await toEightBit(voxels)).head.reduce((a, b) => a + b, 0), 1000);
});

test('a background a few rounding steps apart (int16 with a slope per slice, or its float32 copy) is still background', async () => {
  const voxels = new Float32Array(10_000);
  // three slices' worth of background, each rescaled with its own slope: 0 lands up to half a step away
  for (let i = 4000; i < 10_000; i++) voxels[i] = [0, 3.1e-5, -2.7e-5][i % 3];
  for (let i = 0; i < 4000; i++) voxels[i] = 0.5 + (i / 4000) * 3.5; // head: 0.5 .. 4
  const { head, window } = await toEightBit(voxels);
  assert.ok(Math.abs(window.background!) < 1e-4, `background ${window.background}`);
  assert.equal(head.reduce((a, b) => a + b, 0), 4000);
  assert.ok(window.low > 0.5 && window.low < 0.6, `low ${window.low}`);
});

test('integer voxels read through lookup tables give the same window and slices as the same values stored as float32', async () => {
  const dims: [number, number, number] = [23, 17, 5];
  const stored = Int16Array.from({ length: 23 * 17 * 5 }, (_, i) => (i % 4 === 0 ? -7 : ((i * 7919) % 4001) - 900));
  const slope = 0.37, intercept = -12.5;
  const asInteger: ScalarVolume = { dims, spacingMm: [1, 1, 1], affine: [], affineSource: 'pixdim', datatype: 'int16', stored, slope, intercept };
  const asFloat: ScalarVolume = { ...asInteger, datatype: 'float32', stored: Float32Array.from(stored, (s) => s * slope + intercept), slope: 1, intercept: 0 };
  const [integerWindow, floatWindow] = [await findIntensityWindow(asInteger), await findIntensityWindow(asFloat)];
  assert.deepEqual(integerWindow, floatWindow);
  for (const axes of [{ column: 0, row: 1, normal: 2, flipColumn: true, flipRow: true }, { column: 2, row: 0, normal: 1, flipColumn: false, flipRow: true }] as const) {
    const grid = sliceGrid(dims, [1, 1, 1], { ...axes, superiorIncreases: true, alignment: 1 } as SliceAxes);
    const [readInteger, readFloat] = [sliceReader(asInteger, integerWindow, grid), sliceReader(asFloat, floatWindow, grid)];
    for (let index = 0; index < grid.count; index++) {
      const area = grid.width * grid.height;
      const [a, aHead, b, bHead] = [new Uint8Array(area), new Uint8Array(area), new Uint8Array(area), new Uint8Array(area)];
      readInteger(index, a, aHead);
      readFloat(index, b, bHead);
      assert.deepEqual([a, aHead], [b, bHead], `slice ${index}`);
    }
  }
});
