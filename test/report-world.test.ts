import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridToWorld, pixelToVoxel, pixelToWorld, voxelReachMm, voxelToWorld } from '../lib/report/world';
import { chooseSliceAxes } from '../lib/volume/axes';
import { sliceGrid, writeSlice } from '../lib/volume/slices';

const affine = (columns: number[][], offset = [0, 0, 0]) => [0, 1, 2].map((r) => [columns[0][r], columns[1][r], columns[2][r], offset[r]]).concat([[0, 0, 0, 1]]);

const grids = {
  'RAS identity (both in-plane axes flipped)': affine([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [-10, -20, -30]),
  'LPS like BRATS (no flips)': affine([[-1, 0, 0], [0, -1, 0], [0, 0, 1]], [0, 239, 0]),
  'coronal, anisotropic (cut along j)': affine([[-0.9, 0, 0], [0, 0, 0.9], [0, 3, 0]], [5, -7, 11]),
  'sagittal (cut along i)': affine([[0, 0, -1], [0, 1.2, 0], [2, 0, 0]]),
};
const dims: [number, number, number] = [5, 6, 7];

for (const [name, matrix] of Object.entries(grids)) {
  test(`pixel -> voxel agrees with writeSlice, and the linear map with the affine: ${name}`, () => {
    const grid = sliceGrid(dims, [1, 1, 1], chooseSliceAxes(matrix));
    const toWorld = gridToWorld(grid, matrix);
    for (const [x, y, slice] of [[0, 0, 0], [grid.width - 1, 0, 1], [1, grid.height - 1, grid.count - 1], [2, 3, 2]]) {
      const volume = new Uint8Array(dims[0] * dims[1] * dims[2]);
      const pixels = new Uint8Array(grid.width * grid.height);
      pixels[y * grid.width + x] = 1;
      writeSlice(volume, grid, slice, pixels);
      const index = volume.indexOf(1);
      const written = [index % dims[0], Math.floor(index / dims[0]) % dims[1], Math.floor(index / (dims[0] * dims[1]))];
      const voxel = pixelToVoxel(grid, x, y, slice);
      assert.deepEqual(voxel, written);
      const world = pixelToWorld(toWorld, x, y, slice);
      voxelToWorld(matrix, voxel).forEach((value, axis) => assert.ok(Math.abs(value - world[axis]) < 1e-9, `${value} vs ${world[axis]}`));
    }
  });
}

test('an axial slice is shown radiologically: a column further right in the image is further to the patient\'s left (-x), a lower row further back', () => {
  for (const matrix of Object.values(grids)) {
    const toWorld = gridToWorld(sliceGrid(dims, [1, 1, 1], chooseSliceAxes(matrix)), matrix);
    assert.ok(toWorld.perColumn[0] < 0);
    assert.ok(toWorld.perRow[1] < 0);
  }
});

test('a voxel reaches its spacing along each patient axis of an axis-aligned grid', () => {
  const matrix = grids['coronal, anisotropic (cut along j)'];
  const toWorld = gridToWorld(sliceGrid(dims, [0.9, 0.9, 3], chooseSliceAxes(matrix)), matrix);
  voxelReachMm(toWorld).forEach((reach, axis) => assert.ok(Math.abs(reach - [0.9, 3, 0.9][axis]) < 1e-9));
});
