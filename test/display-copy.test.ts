import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { displayCopyBytes, displayNifti, lesionCentreMm, MAX_DISPLAY_SIDE, MAX_DISPLAY_SLICES } from '../lib/answers/display-copy';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { gridToWorld, pixelToWorld } from '../lib/report/world';
import { chooseSliceAxes } from '../lib/volume/axes';
import { allValues, type Affine } from '../lib/volume/scalar-volume';
import { sliceGrid } from '../lib/volume/slices';

// A scan stored coronally (j runs feet to head, k to the back) with i running to the patient's right: slices go along j,
// and columns are flipped to put the right on the left.
const affine: Affine = [[0.5, 0, 0, -100], [0, 0, -0.6, 80], [0, 0.7, 0, -60], [0, 0, 0, 1]];
const dims: [number, number, number] = [513, 481, 260];
const grid = sliceGrid(dims, [0.5, 0.7, 0.6], chooseSliceAxes(affine));
const flairValue = (x: number, y: number, s: number) => (x * 3 + y * 5 + s * 7) % 256;
const source = {
  grid, geometry: { affine },
  flairSlice: (s: number) => Uint8Array.from({ length: grid.width * grid.height }, (_, p) => flairValue(p % grid.width, Math.floor(p / grid.width), s)),
};

test('a large scan is averaged down to at most 256×256 in-plane and 240 slices, in the same place in the patient', async () => {
  assert.deepEqual([grid.width, grid.height, grid.count], [513, 260, 481]);
  const copy = await readNiftiVolume(await displayNifti(source));
  assert.equal(copy.datatype, 'uint8');
  assert.equal(copy.affineSource, 'sform');
  // 3×3 pixels and 3 slices a voxel
  assert.deepEqual(copy.dims, [171, 87, 161]);
  assert.ok(copy.dims[0] <= MAX_DISPLAY_SIDE && copy.dims[1] <= MAX_DISPLAY_SIDE && copy.dims[2] <= MAX_DISPLAY_SLICES);
  assert.deepEqual(copy.spacingMm.map((s) => Number(s.toFixed(4))), [1.5, 1.8, 2.1]);

  // voxel (10, 20, 30) averages slice-grid pixels x 30..32, y 60..62 of slices 90..92, and lies at their centre
  const toWorld = gridToWorld(grid, affine);
  const expected = pixelToWorld(toWorld, 31, 61, 91);
  const voxel = [10, 20, 30];
  const world = [0, 1, 2].map((r) => copy.affine[r][0] * voxel[0] + copy.affine[r][1] * voxel[1] + copy.affine[r][2] * voxel[2] + copy.affine[r][3]);
  world.forEach((mm, a) => assert.ok(Math.abs(mm - expected[a]) < 1e-3, `axis ${a}: ${mm} against ${expected[a]}`));
  let sum = 0;
  for (let s = 90; s < 93; s++) for (let y = 60; y < 63; y++) for (let x = 30; x < 33; x++) sum += flairValue(x, y, s);
  const values = allValues(copy);
  assert.equal(values[10 + 20 * 171 + 30 * 171 * 87], Math.round(sum / 27));
});

test('the crosshair starts at the largest lesion\'s centre in patient mm, or nowhere without a lesion', () => {
  const report = (largestLesionCentre: { sliceIndex: number; x: number; y: number } | null) => ({ report: { largestLesionCentre } }) as never;
  const centre = lesionCentreMm({ grid, geometry: { affine }, ...(report({ sliceIndex: 100, x: 12, y: 40 }) as object) } as never);
  // pixel (12, 40) of slice 100: i flipped (the right on the left), k as stored (the front at the top), j is the slice
  const i = 513 - 1 - 12, j = 100, k = 40;
  assert.deepEqual(centre?.map((v) => Number(v.toFixed(4))), [0.5 * i - 100, -0.6 * k + 80, 0.7 * j - 60].map((v) => Number(v.toFixed(4))));
  assert.equal(lesionCentreMm({ grid, geometry: { affine }, ...(report(null) as object) } as never), null);
});

test('noise that gzip cannot shrink, at the largest display size, still gives a copy under 16 MB, within the memory it reserves', async () => {
  const identity: Affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const largest = sliceGrid([MAX_DISPLAY_SIDE, MAX_DISPLAY_SIDE, MAX_DISPLAY_SLICES], [1, 1, 1], chooseSliceAxes(identity));
  const noise = { grid: largest, geometry: { affine: identity }, flairSlice: () => new Uint8Array(randomBytes(MAX_DISPLAY_SIDE * MAX_DISPLAY_SIDE)) };
  const written = await displayNifti(noise);
  const voxels = MAX_DISPLAY_SIDE * MAX_DISPLAY_SIDE * MAX_DISPLAY_SLICES;
  assert.ok(written.length > voxels, `${written.length} bytes: the noise was not incompressible`);
  assert.ok(written.length <= 16 * 1024 * 1024, `${written.length} bytes`);
  assert.ok(displayCopyBytes(noise) >= 4 * written.length * 0.99);
});
