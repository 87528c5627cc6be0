import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findScans } from '../lib/cohort/find-scans';
import { readDicomHeader } from '../lib/formats/dicom-file';
import { decodeImage } from '../lib/formats/open-image';
import { openVolume } from '../lib/formats/open-volume';
import { assertUploadError } from '../testkit/assert-upload-error';
import { makeDicom, makeEnhancedDicom, seriesFromVolume, type SyntheticFrame } from '../testkit/dicom-synthetic';

// Enhanced MR files written element by element (testkit/dicom-synthetic.ts): a small tilted head whose frames come in
// reverse order, each with its own rescale, reads as its classic series; what is not one stack is refused by name.

const [nx, ny, nz] = [40, 36, 6];
const affine = [[-0.9, 0.2, 0, 60], [-0.2, -0.9, 0.5, 80], [0, 0.1, 3, -20], [0, 0, 0, 1]];
const values = Array.from({ length: nx * ny * nz }, (_, i) => ((i * 37) % 500) - 50);
const classic = seriesFromVolume({ dims: [nx, ny, nz], affine, values }, { seriesUid: '2.25.70', slope: 1 }, (k, spec) => ({ ...spec, slope: 1 + k / 4, intercept: k - 2 }));
const header = (k: number) => readDicomHeader(classic[k], 'slice');
const plane = nx * ny;

/** The classic series' slices as frames, last slice first, each with its geometry and rescale. */
function frames(change: (frame: SyntheticFrame, f: number) => SyntheticFrame = (frame) => frame): SyntheticFrame[] {
  return Array.from({ length: nz }, (_, f) => {
    const k = nz - 1 - f;
    const { position, slope, intercept } = header(k);
    return change({ position: position!, slope, intercept }, f);
  });
}

function enhancedFile(frameList = frames(), extra: { organisations?: number } = {}): Uint8Array {
  const { orientation, pixelSpacingMm } = header(0);
  const pixels = frameList.flatMap((_, f) => values.slice((nz - 1 - f) * plane, (nz - f) * plane));
  return makeEnhancedDicom(frameList, { rows: ny, columns: nx, pixels, seriesUid: '2.25.70', orientation: orientation!, pixelSpacing: pixelSpacingMm!, ...extra });
}

test('an Enhanced MR file gives the volume of its classic series: frames sorted by position, rescale per plane, affine', async () => {
  const fromFile = await openVolume([enhancedFile()], 'The FLAIR volume');
  const fromSeries = await openVolume(classic, 'The FLAIR volume');
  assert.deepEqual(fromFile.dims, [nx, ny, nz]);
  assert.deepEqual(fromFile.series, fromSeries.series);
  const [a, b] = [await fromFile.read(), await fromSeries.read()];
  assert.deepEqual(a.affine, b.affine);
  assert.deepEqual(a.spacingMm, b.spacingMm);
  assert.deepEqual(Array.from(a.stored), Array.from(b.stored));
  assert.deepEqual(Array.from(a.planeScaling!.slopes), Array.from(b.planeScaling!.slopes));
  assert.deepEqual(Array.from(a.planeScaling!.intercepts), Array.from(b.planeScaling!.intercepts));
});

test('what is not one stack is refused with the reason', async () => {
  await assertUploadError(() => openVolume([enhancedFile(frames((frame, f) => ({ ...frame, stackId: f < 3 ? '1' : '2' })))], 'The FLAIR volume'), 422, /holds 2 stacks \(StackID\)/);
  await assertUploadError(() => openVolume([enhancedFile(frames(), { organisations: 2 })], 'The FLAIR volume'), 422, /2 dimension organisations: it holds more than one stack/);
  await assertUploadError(
    () => openVolume([enhancedFile(frames((frame, f) => (f === 2 ? { ...frame, orientation: [0, 1, 0, 0, 0, -1] } : frame)))], 'The FLAIR volume'),
    422, /mixes slice orientations \(frame 3 of 6 is turned differently from frame 1\)/,
  );
  await assertUploadError(() => openVolume([enhancedFile(frames((frame, f) => (f === 4 ? { ...frame, position: frames()[1].position } : frame)))], 'The FLAIR volume'), 422, /two images at the same position/);
  await assertUploadError(() => openVolume([enhancedFile(frames((frame, f) => (f === 1 ? { ...frame, position: undefined } : frame)))], 'The FLAIR volume'), 422, /frame 2 of 6 has no position/);
  await assertUploadError(() => openVolume([enhancedFile(), ...classic], 'The FLAIR volume'), 422, /file 1 of 7 is an Enhanced MR file of 6 frames, a whole series in one file, sent with other files/);
  const cut = enhancedFile();
  await assertUploadError(() => openVolume([cut.subarray(0, cut.length - 100)], 'The FLAIR volume'), 400, /cut off: 6 frames of 40×36 needs/);
});

test('a classic multi-frame file is still refused: its frames have no position each', async () => {
  await assertUploadError(() => openVolume([makeDicom({ rows: 40, columns: 36, pixels: [1], frames: 4 })], 'The FLAIR volume'), 415, /multi-frame DICOM file with 4 frames but not an Enhanced MR image/);
});

test('an Enhanced MR file may be larger than one classic file, up to the volume upload limit', async () => {
  const big = { rows: 512, columns: 512, pixels: [1, 2, 3] };
  const bigFrames = Array.from({ length: 40 }, (_, k) => ({ position: [0, 0, k] }));
  const header = readDicomHeader(makeEnhancedDicom(bigFrames, big), 'The file');
  assert.equal(header.frames, 40);
  await assertUploadError(() => readDicomHeader(makeDicom({ ...big, frames: 40 }), 'The file'), 413, /one DICOM file may be at most 16 MB/);
});

test('on the slice page a one-frame Enhanced MR file reads as its image; a multi-frame one points to the volume page', async () => {
  const one = [frames()[nz - 1]]; // slice 0
  const { orientation, pixelSpacingMm } = header(0);
  const alone = makeEnhancedDicom(one, { rows: ny, columns: nx, pixels: values.slice(0, plane), orientation: orientation!, pixelSpacing: pixelSpacingMm! });
  const [fromEnhanced, fromClassic] = [await decodeImage(alone), await decodeImage(classic[0])];
  assert.deepEqual(Array.from(fromEnhanced.rgb), Array.from(fromClassic.rgb));
  assert.deepEqual(fromEnhanced.pixelSpacingMm, fromClassic.pixelSpacingMm);
  await assertUploadError(() => decodeImage(enhancedFile(), 'The FLAIR image'), 422, /has 6 frames: a whole series in one file; send it on the volume page \(\/volume\)/);
});

test('the cohort command takes a multi-frame Enhanced MR file as one volume scan', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'enhanced-cohort-'));
  writeFileSync(path.join(folder, 'flair-enhanced.dcm'), enhancedFile());
  const found = findScans(folder, (file) => new Uint8Array(readFileSync(file)));
  assert.deepEqual(found.scans.map((scan) => [scan.name, scan.kind, scan.files.length]), [['flair-enhanced.dcm', 'dicom-series', 1]]);
});
