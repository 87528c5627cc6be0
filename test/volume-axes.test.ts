import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSliceAxes, describeSliceAxis } from '../lib/volume/axes';
import { readSlice, sliceGrid, writeSlice } from '../lib/volume/slices';

const affine = (columns: number[][], offset = [0, 0, 0]) => [0, 1, 2].map((r) => [columns[0][r], columns[1][r], columns[2][r], offset[r]]).concat([[0, 0, 0, 1]]);

test('BRATS (LPS: i to the left, j to the back, k up): slices along k, no flips', () => {
  const axes = chooseSliceAxes(affine([[-1, 0, 0], [0, -1, 0], [0, 0, 1]], [0, 239, 0]));
  assert.deepEqual(axes, { normal: 2, column: 0, row: 1, flipColumn: false, flipRow: false, superiorIncreases: true, alignment: 1 });
  assert.equal(describeSliceAxis(axes), 'k (axial; slice 0 is the lowest)');
});

test('RAS identity: slices along k, both in-plane axes flipped to show anterior at the top and the right on the left', () => {
  const axes = chooseSliceAxes(affine([[1, 0, 0], [0, 1, 0], [0, 0, 1]]));
  assert.equal(axes.normal, 2);
  assert.equal(axes.flipColumn, true);
  assert.equal(axes.flipRow, true);
});

test('a coronal grid (j up) is cut along j; a sagittal grid (i up) along i', () => {
  const coronal = chooseSliceAxes(affine([[-0.9, 0, 0], [0, 0, 0.9], [0, 3, 0]]));
  assert.equal(coronal.normal, 1);
  assert.deepEqual([coronal.column, coronal.row], [0, 2]);
  assert.equal(coronal.flipRow, true); // k runs to the front
  const sagittal = chooseSliceAxes(affine([[0, 0, -1], [0, 1, 0], [1, 0, 0]]));
  assert.equal(sagittal.normal, 0);
  assert.equal(sagittal.superiorIncreases, false);
  assert.deepEqual([sagittal.column, sagittal.row], [2, 1]);
});

test('a tilted grid still picks the nearest axis and says how far it is tilted', () => {
  const angle = (20 * Math.PI) / 180;
  const axes = chooseSliceAxes(affine([[1, 0, 0], [0, Math.cos(angle), Math.sin(angle)], [0, -Math.sin(angle), Math.cos(angle)]]));
  assert.equal(axes.normal, 2);
  assert.ok(Math.abs(axes.alignment - Math.cos(angle)) < 1e-9);
  assert.match(describeSliceAxis(axes), /tilted 20° from true axial/);
});

test('reading a slice and writing it back are inverses, with the flips where they belong', () => {
  const dims: [number, number, number] = [3, 4, 2];
  const volume = Uint8Array.from({ length: 24 }, (_, i) => i);
  const grid = sliceGrid(dims, [1, 1, 2], chooseSliceAxes(affine([[1, 0, 0], [0, 1, 0], [0, 0, 2]])));
  assert.deepEqual([grid.width, grid.height, grid.count, grid.sliceSpacingMm], [3, 4, 2, 2]);
  const slice = readSlice(volume, grid, 1, new Uint8Array(12));
  // pixel (0, 0) is the most right (i = 2) and most anterior (j = 3) voxel of slice k = 1
  assert.equal(slice[0], 2 + 3 * 3 + 1 * 12);
  assert.equal(slice[11], 0 + 0 * 3 + 1 * 12);
  const copy = new Uint8Array(24);
  writeSlice(copy, grid, 1, slice);
  assert.deepEqual(copy.subarray(12), volume.subarray(12));
  assert.ok(copy.subarray(0, 12).every((v) => v === 0));
});

test('a coronal grid gives axial slices built from its j planes', () => {
  const dims: [number, number, number] = [2, 3, 4];
  const volume = Uint8Array.from({ length: 24 }, (_, i) => i);
  const grid = sliceGrid(dims, [1, 1, 1], chooseSliceAxes(affine([[-1, 0, 0], [0, 0, 1], [0, -1, 0]])));
  assert.deepEqual([grid.width, grid.height, grid.count], [2, 4, 3]);
  const slice = readSlice(volume, grid, 2, new Uint8Array(8));
  // columns along i (to the left: no flip), rows along k (to the back: no flip), j = 2
  assert.deepEqual(Array.from(slice), [0, 1, 6, 7, 12, 13, 18, 19].map((v) => v + 2 * 2));
});
