import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { UploadError } from '../lib/errors';
import { makeNifti } from '../testkit/nifti-synthetic';

// A small synthetic head: a disc of tissue in slices 1..4 of 6, a bright blob in it, 0 outside. Runs the real model.
function syntheticHead(dims = [64, 64, 6]) {
  const [nx, ny, nz] = dims;
  const values = new Float32Array(nx * ny * nz);
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot(i - nx / 2, j - ny / 2);
        if (r < nx * 0.4) values[i + j * nx + k * nx * ny] = 100 + ((i * 7 + j * 3) % 20) + (Math.hypot(i - nx * 0.4, j - ny * 0.45) < 8 ? 200 : 0);
      }
    }
  }
  return makeNifti({ dims, datatype: 'float32', values, pixdim: [2, 2, 5], gzip: true });
}

async function rejects(promise: Promise<unknown>, status: number, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => error instanceof UploadError && error.status === status && message.test(error.message));
}

test('a volume is analysed slice by slice: slices without head are skipped, the volume follows from the voxel size', async () => {
  const analysis = await analyseVolume({ flair: syntheticHead() }, { skipGuard: true });
  assert.deepEqual(analysis.geometry.dims, [64, 64, 6]);
  assert.equal(analysis.axes.normal, 2);
  assert.deepEqual(analysis.slices.map((s) => s.analysed), [false, true, true, true, true, false]);
  const volume = analysis.mask.toVolume();
  assert.equal(volume.length, 64 * 64 * 6);
  const maskVoxels = volume.reduce((a, b) => a + b, 0);
  assert.equal(maskVoxels, analysis.tumourVoxels);
  assert.equal(analysis.tumourVolumeMl, (maskVoxels * 2 * 2 * 5) / 1000);
  assert.equal(analysis.tumourSlices, analysis.slices.filter((s) => s.tumourAreaPx > 0).length);
  assert.equal(analysis.modalities, 'FLAIR');
  for (const slice of analysis.slices.filter((s) => s.analysed)) assert.ok(slice.probability >= 0 && slice.probability <= 1);
});

test('FLAIR with T1c on the same grid is read as two channels', async () => {
  const analysis = await analyseVolume({ flair: syntheticHead(), t1c: syntheticHead() }, { skipGuard: true });
  assert.equal(analysis.modalities, 'FLAIR + T1c');
});

test('T1c on another grid, a blank volume and a tiny slice are refused with a reason', async () => {
  await rejects(analyseVolume({ flair: syntheticHead(), t1c: syntheticHead([64, 64, 5]) }), 422, /T1c volume is 64×64×5 voxels but the FLAIR volume is 64×64×6/);
  const shifted = makeNifti({ dims: [64, 64, 6], pixdim: [2, 2, 5], sform: { code: 1, rows: [[2, 0, 0, 40], [0, 2, 0, 0], [0, 0, 5, 0]] } });
  await rejects(analyseVolume({ flair: syntheticHead(), t1c: shifted }), 422, /lies differently in space/);
  await rejects(analyseVolume({ flair: makeNifti({ dims: [64, 64, 4], values: new Float32Array(64 * 64 * 4) }) }), 422, /blank/);
  await rejects(analyseVolume({ flair: makeNifti({ dims: [16, 16, 40] }) }), 422, /too small to analyse/);
});
