import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { decodeImage } from '../lib/formats/open-image';
import { openVolume } from '../lib/formats/open-volume';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { assertUploadError } from '../testkit/assert-upload-error';
import { fixture } from '../testkit/client';
import { enhancedFromVolume, hasPydicom, type EnhancedDicom } from '../testkit/dicom-synthetic';

// Enhanced MR Image Storage (a whole series in one file, frames placed by functional groups), written by pydicom from the
// BRATS FLAIR fixture, tilted 15° with a slope per frame and frames shuffled, against the classic series of the same stored
// values: the same voxels, affine and tumour volume; and dcm2niix reads the file to the same affine.

const skip = hasPydicom() ? false : 'needs python3 with pydicom and numpy (scripts/make-enhanced-dicom.py)';
if (skip && process.env.CI === 'true') throw new Error(`CI: ${skip}`);

let made: EnhancedDicom | undefined;
async function enhanced(): Promise<EnhancedDicom> {
  if (made) return made;
  const volume = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  made = enhancedFromVolume({ dims: volume.dims, affine: volume.affine, values: allValues(volume) }, { rotate: 15, slopePerFrame: true, shuffle: true, classic: true });
  return made;
}

const close = (a: number[][], b: number[][], tolerance: number) => a.flat().every((v, i) => Math.abs(v - b.flat()[i]) <= tolerance);

test('an Enhanced MR file reads as the classic series of the same data: stored voxels, rescale per plane, affine', { skip }, async () => {
  const { bytes, classic, affine } = await enhanced();
  const fromFile = await openVolume([bytes], 'The FLAIR volume');
  const fromSeries = await openVolume(classic, 'The FLAIR volume');
  assert.deepEqual(fromFile.dims, [240, 240, 155]);
  assert.deepEqual(fromFile.series, { seriesNumber: 301, modality: 'MR', slices: 155 });
  assert.deepEqual(fromFile.series, fromSeries.series);
  const [a, b] = [await fromFile.read(), await fromSeries.read()];
  assert.equal(a.affineSource, 'dicom');
  assert.deepEqual(a.affine, b.affine);
  assert.ok(close(a.affine, affine, 1e-3), `${JSON.stringify(a.affine)} against ${JSON.stringify(affine)}`);
  assert.deepEqual(a.spacingMm, b.spacingMm);
  assert.equal(a.datatype, 'int16');
  assert.ok(Buffer.from(a.stored.buffer, a.stored.byteOffset, a.stored.byteLength).equals(Buffer.from(b.stored.buffer, b.stored.byteOffset, b.stored.byteLength)), 'stored voxels differ');
  assert.ok(a.planeScaling, 'a slope per frame is kept per plane');
  assert.deepEqual(Array.from(a.planeScaling!.slopes), Array.from(b.planeScaling!.slopes));
  assert.deepEqual(Array.from(a.planeScaling!.intercepts), Array.from(b.planeScaling!.intercepts));
});

test('the model measures the same tumour in the Enhanced MR file as in the classic series', { skip }, async () => {
  const { bytes, classic } = await enhanced();
  const fromFile = await analyseVolume({ flair: [bytes] });
  const fromSeries = await analyseVolume({ flair: classic });
  assert.ok(fromFile.tumourVolumeMl > 50, `${fromFile.tumourVolumeMl} mL`);
  assert.ok(Math.abs(fromFile.tumourVolumeMl - fromSeries.tumourVolumeMl) < 0.001, `${fromFile.tumourVolumeMl} mL against ${fromSeries.tumourVolumeMl} mL`);
});

const dcm2niix = spawnSync('dcm2niix', ['-v'], { stdio: 'ignore' }).error ? 'needs dcm2niix (apt-get install dcm2niix)' : false;
if (dcm2niix && process.env.CI === 'true') throw new Error(`CI: ${dcm2niix}`);

test('dcm2niix reads the Enhanced MR file to the same affine (1e-3 mm)', { skip: skip || dcm2niix }, async () => {
  const { file, bytes } = await enhanced();
  const folder = path.dirname(file);
  const run = spawnSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'converted', '-o', folder, file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const nii = readdirSync(folder).find((name) => name.startsWith('converted') && name.endsWith('.nii'));
  assert.ok(nii, run.stdout);
  const theirs = await readNiftiVolume(readFileSync(path.join(folder, nii)));
  const ours = await (await openVolume([bytes], 'The FLAIR volume')).read();
  assert.deepEqual(theirs.dims, ours.dims);
  // dcm2niix stores the rows the other way up: its j runs backwards, so its origin is our last row
  const flipped = ours.affine.map((row, r) => (r === 3 ? row : [row[0], -row[1], row[2], row[3] + row[1] * (ours.dims[1] - 1)]));
  assert.ok(close(theirs.affine, flipped, 1e-3), `dcm2niix ${JSON.stringify(theirs.affine)} against ours, rows turned, ${JSON.stringify(flipped)}`);
});

test('on the slice page a multi-frame Enhanced MR file points to the volume page', { skip }, async () => {
  const { bytes } = await enhanced();
  await assertUploadError(() => decodeImage(bytes, 'The FLAIR image'), 422, /The FLAIR image has 155 frames: a whole series in one file; send it on the volume page/);
});
