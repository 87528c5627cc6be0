import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isVolumeRefusedError, judgeVolume, type VolumeGuardReport } from '../lib/analysis/volume-guard';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { chooseSliceAxes } from '../lib/volume/axes';
import { findIntensityWindow } from '../lib/volume/intensity';
import type { ScalarVolume, StoredVoxels, VoxelType } from '../lib/volume/scalar-volume';
import { sliceGrid } from '../lib/volume/slices';

// The volume guard on what a person might send instead of a FLAIR volume, and on a real one. Runs the real guard model.

const root = path.resolve(import.meta.dirname, '..');
const fixture = async (name: string) => readNiftiVolume(new Uint8Array(readFileSync(path.join(root, 'e2e/fixtures', name))));

function judge(volume: ScalarVolume, options: { force?: boolean; skipGuard?: boolean } = {}) {
  return (async () => {
    const grid = sliceGrid(volume.dims, volume.spacingMm, chooseSliceAxes(volume.affine));
    return judgeVolume(volume, grid, await findIntensityWindow(volume), options);
  })();
}

/** The report a refusal carries, after checking that it is the volume guard's 422 with a message that matches. */
async function refusal(promise: Promise<unknown>, message: RegExp): Promise<VolumeGuardReport> {
  let report: VolumeGuardReport | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isVolumeRefusedError(error), String(error));
    assert.equal(error.status, 422);
    assert.match(error.message, message);
    report = error.guard;
    return true;
  });
  return report!;
}

const DATATYPES: Record<VoxelType, new (n: number) => StoredVoxels> = { uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };

/** A 1 mm axial grid (i to the patient's left, j to the back, k up) filled voxel by voxel. */
function volumeOf(dims: [number, number, number], datatype: VoxelType, value: (i: number, j: number, k: number) => number, scaling = { slope: 1, intercept: 0 }): ScalarVolume {
  const stored = new DATATYPES[datatype](dims[0] * dims[1] * dims[2]);
  for (let k = 0, v = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, v++) stored[v] = value(i, j, k);
  const affine = [[-1, 0, 0, dims[0] / 2], [0, -1, 0, dims[1] / 2], [0, 0, 1, 0], [0, 0, 0, 1]];
  return { dims, spacingMm: [1, 1, 1], affine, affineSource: 'sform', datatype, stored, ...scaling };
}

/** Inside an ellipsoid head of half-axes 70, 85 and 60 voxels in a 160 x 192 x 128 grid. */
const inHead = (i: number, j: number, k: number, shrink = 1) => ((i - 80) / (70 * shrink)) ** 2 + ((j - 96) / (85 * shrink)) ** 2 + ((k - 64) / (60 * shrink)) ** 2 <= 1;
const DIMS: [number, number, number] = [160, 192, 128];

test('a real axial FLAIR volume (BRATS pat0001) is answered without a warning, judged on at least 9 slices', async () => {
  const report = await judge(await fixture('brats-pat0001-flair.nii.gz'));
  assert.equal(report.verdict, 'axial-flair', report.reason);
  assert.equal(report.warning, null);
  assert.ok(report.slicesJudged.length >= 9, `${report.slicesJudged.length} slices judged`);
  assert.equal(report.skipped, false);
});

test('a label map is refused by name, and cannot be overruled', async () => {
  const report = await refusal(judge(await fixture('brats-pat0001-labels.nii.gz'), { force: true }), /label map.*whole numbers 0, 1, 2, 3, 4/);
  assert.equal(report.refusedAs, 'label-map');
  assert.equal(report.overrulable, false);
});

test('a brain mask is refused as a mask, whatever the slope and intercept make of its stored values', async () => {
  const mask = volumeOf(DIMS, 'int16', (i, j, k) => (inHead(i, j, k, 0.8) ? 2 : 0), { slope: 0.5, intercept: 0 }); // stored 0/2, values 0/1
  const report = await refusal(judge(mask), /a mask, not a scan: its voxels hold only the values 0 and 1/);
  assert.equal(report.refusedAs, 'mask');
  // the same stored values with a slope that leaves them fractional are no mask: they go on to the slice guard
  const halves = volumeOf(DIMS, 'int16', (i, j, k) => (inHead(i, j, k, 0.8) ? 1 : 0), { slope: 0.5, intercept: 0 });
  const judged = await judge(halves).catch((error: unknown) => (isVolumeRefusedError(error) ? error.guard : Promise.reject(error)));
  assert.equal(judged.refusedAs, null);
  assert.ok(judged.slicesJudged.length > 0);
});

test('a CT-like volume (air at -1000 HU around the head, bone, brain) is refused as CT', async () => {
  // stored as unsigned values with DICOM's usual intercept of -1024
  const ct = volumeOf(DIMS, 'uint16', (i, j, k) => 1024 + (inHead(i, j, k, 0.92) ? 30 + ((i * 7 + j * 13 + k * 3) % 20) : inHead(i, j, k) ? 1200 : -1000), { slope: 1, intercept: -1024 });
  const report = await refusal(judge(ct, { force: true }), /looks like a CT scan: \d+% of its voxels are below -500/);
  assert.equal(report.refusedAs, 'ct');
});

test('an MRI stored as z-scores times 1,000 (its background far below -500) is not taken for a CT', async () => {
  const flair = await fixture('brats-pat0001-flair.nii.gz');
  const values = flair.stored as Float32Array;
  const scaled: ScalarVolume = { ...flair, datatype: 'int16', stored: Int16Array.from(values, (v) => Math.round(v * 1000)) };
  const report = await judge(scaled);
  assert.equal(report.verdict, 'axial-flair', report.reason);
});

test('a blank volume is refused: no head', async () => {
  const report = await refusal(judge(volumeOf([64, 64, 32], 'float32', () => 0)), /blank: one value everywhere/);
  assert.equal(report.refusedAs, 'no-head');
});

test('noise is not an MRI: refused with the reasons, and analysed with a warning when forced', async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const noise = volumeOf(DIMS, 'float32', () => random() * 1000);
  const report = await refusal(judge(noise), /does not look like a brain MRI volume: .*analysed anyway/);
  assert.equal(report.verdict, 'not-mri');
  assert.equal(report.overrulable, true);
  const forced = await judge(noise, { force: true });
  assert.equal(forced.forced, true);
  assert.match(forced.warning ?? '', /You chose to analyse a volume/);
});

test('the app\'s own synthetic volumes bypass the guard through a direct argument that no request can set', async () => {
  const madeUp = volumeOf([64, 64, 6], 'uint8', (i, j, k) => (k > 0 && k < 5 && Math.hypot(i - 32, j - 32) < 26 ? 100 + ((i * 7 + j * 3) % 20) : 0));
  const report = await judge(madeUp, { skipGuard: true });
  assert.equal(report.skipped, true);
  assert.equal(report.warning, null);
  // nothing a request reaches names the option: the forms, the API routes, the validation and the answers
  const requestSide = ['app', 'lib/http', 'lib/validation', 'lib/answers'].flatMap((folder) =>
    readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).filter((file) => /\.tsx?$/.test(file)).map((file) => path.join(folder, file)));
  assert.ok(requestSide.length > 10);
  for (const file of requestSide) assert.doesNotMatch(readFileSync(path.join(root, file), 'utf8'), /skipGuard/, file);
});
