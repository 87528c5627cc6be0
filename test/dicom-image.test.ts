import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { sliceApiBody } from '../lib/answers/slice-answer';
import { UploadError } from '../lib/errors';
import { decodeImage } from '../lib/formats/open-image';
import { makeDicom, SYNTAX, type SyntheticDicom } from '../testkit/dicom-synthetic';

// The held-out test slice (tumour-flair.png) stored as a 16-bit DICOM image: value * 7 + 100, read back through the
// rescale (slope 0.5, intercept -3) with deliberately useless window tags.
async function slicePixels() {
  const { data, info } = await sharp(readFileSync(new URL('../e2e/fixtures/tumour-flair.png', import.meta.url))).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { grey: new Uint8Array(data), width: info.width, height: info.height };
}

async function dicomSlice(spec: Partial<SyntheticDicom> = {}, transform?: (grey: Uint8Array, width: number, height: number) => Uint8Array) {
  const { grey, width, height } = await slicePixels();
  const stored = transform ? transform(grey, width, height) : grey;
  return makeDicom({
    rows: height, columns: width, pixels: Array.from(stored, (v) => v * 7 + 100), slope: 0.5, intercept: -3, window: [1, 2],
    position: [-120, -130, 40], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.9, 0.8], ...spec,
  });
}

async function refused(work: () => Promise<unknown>, status: number, message: RegExp) {
  await assert.rejects(work, (error: unknown) => error instanceof UploadError && error.status === status && message.test(error.message));
}

test('a DICOM slice gives the same answer as the PNG it was made from, and its area in mm²', async () => {
  const png = await analyseSlice({ flair: readFileSync(new URL('../e2e/fixtures/tumour-flair.png', import.meta.url)), reading: 'auto' });
  const dicom = await analyseSlice({ flair: await dicomSlice(), reading: 'auto' });
  assert.equal(dicom.result.label, 'Tumor');
  assert.equal(png.result.label, 'Tumor');
  assert.deepEqual(dicom.pixelSpacingMm, [0.9, 0.8]);
  assert.ok(Math.abs(dicom.result.tumourAreaPx - png.result.tumourAreaPx) < 0.1 * png.result.tumourAreaPx, `${dicom.result.tumourAreaPx} px against ${png.result.tumourAreaPx}`);
  assert.ok(Math.abs(dicom.result.tumourAreaMm2! - dicom.result.tumourAreaPx * 0.72) < 1e-6);
  const body = await sliceApiBody(dicom);
  assert.equal(body.tumourAreaMm2, dicom.result.tumourAreaMm2);
  assert.deepEqual(body.image.pixelSpacingMm, [0.9, 0.8]);
  assert.equal(png.result.tumourAreaMm2, null);
  assert.equal((await sliceApiBody(png)).tumourAreaMm2, null);
});

test('a slice stored the other way round (rows and columns reversed) is turned back by its orientation', async () => {
  const upright = await decodeImage(await dicomSlice());
  const turned = await decodeImage(await dicomSlice({ orientation: [-1, 0, 0, 0, -1, 0] }, (grey) => grey.slice().reverse()));
  assert.equal(upright.format, 'dicom');
  assert.deepEqual(Array.from(turned.rgb), Array.from(upright.rgb));
});

test('sagittal slices, localisers, multi-frame files, syntaxes we cannot decode and broken codestreams are refused on the slice page', async () => {
  await refused(async () => decodeImage(await dicomSlice({ orientation: [0, 1, 0, 0, 0, -1] }), 'The FLAIR image'), 422, /is a sagittal slice/);
  await refused(async () => decodeImage(await dicomSlice({ imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' }), 'The FLAIR image'), 422, /localiser/);
  await refused(async () => decodeImage(await dicomSlice({ frames: 3 }), 'The FLAIR image'), 415, /multi-frame/);
  await refused(async () => decodeImage(await dicomSlice({ transferSyntax: '1.2.840.10008.1.2.4.51' }), 'The FLAIR image'), 415, /JPEG Extended \(lossy, 12-bit\)/);
  await refused(async () => decodeImage(await dicomSlice({ transferSyntax: SYNTAX.jpeg2000 }), 'The FLAIR image'), 400, /The FLAIR image \(JPEG 2000 \(lossless only\)\) is damaged/);
  await refused(async () => decodeImage(makeDicom({ rows: 8, columns: 8, pixels: [1] }), 'The FLAIR image'), 400, /too small/);
});
