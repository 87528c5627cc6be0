import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { sliceApiBody } from '../lib/answers/slice-answer';
import { volumeApiBody } from '../lib/answers/volume-answer';
import { readDicomHeader, type DicomImageHeader } from '../lib/formats/dicom-file';
import { readFramePixels } from '../lib/formats/dicom-pixels';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { decodeImage } from '../lib/formats/open-image';
import { openVolume } from '../lib/formats/open-volume';
import { allValues } from '../lib/volume/scalar-volume';
import { fixture } from '../testkit/client';
import { assertUploadError } from '../testkit/assert-upload-error';
import { eightBitSlice, ENCODERS, missingCodecTools, reencode, type EncoderName } from '../testkit/dicom-codecs';
import { bratsSeries } from '../testkit/dicom-fixtures';
import { enhancedFromVolume, hasPydicom, makeDicom } from '../testkit/dicom-synthetic';
import { endsWell } from '../testkit/fuzz';

// Compressed transfer syntaxes as dcmtk and GDCM write them, read back to the same stored voxels as the uncompressed
// series, and measured the same. A subset of the BRATS series (40 slices through the tumour) keeps this quick.

const skip = missingCodecTools();
if (skip && process.env.CI === 'true') throw new Error(`CI: ${skip}`);

const LOSSLESS = (Object.keys(ENCODERS) as EncoderName[]).filter((name) => !name.includes('lossy'));

let subset: Uint8Array[] | undefined;
const bratsSubset = async () => (subset ??= (await bratsSeries()).slice(50, 90));
const encoded = new Map<EncoderName, Uint8Array[]>();
const encodedBy = async (name: EncoderName) => encoded.get(name) ?? encoded.set(name, reencode(await bratsSubset(), name)).get(name)!;

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('the BRATS series re-encoded by dcmtk and GDCM in every lossless syntax reads to byte-equal stored voxels', { skip }, async () => {
  const plain = await (await openVolume(await bratsSubset(), 'The FLAIR volume')).read();
  for (const name of LOSSLESS) {
    const files = await encodedBy(name);
    assert.match(new TextDecoder().decode(files[0].subarray(0, 400)), new RegExp(ENCODERS[name].syntax.replace(/\./g, '\\.')), `${name}: the tool wrote its syntax`);
    const opened = await openVolume(files, 'The FLAIR volume');
    assert.deepEqual(opened.series, { seriesNumber: 301, modality: 'MR', slices: 40 }, name);
    assert.equal(opened.lossyCompression, false, name);
    const volume = await opened.read();
    assert.ok(bytesOf(volume.stored).equals(bytesOf(plain.stored)), `${name}: stored voxels differ`);
    assert.deepEqual([volume.dims, volume.affine, volume.spacingMm, volume.slope, volume.intercept], [plain.dims, plain.affine, plain.spacingMm, plain.slope, plain.intercept], name);
  }
});

test('the model measures the same tumour, with the same probability in every slice, in every lossless syntax', { skip }, async () => {
  const plain = await analyseVolume({ flair: await bratsSubset() });
  assert.ok(plain.tumourVolumeMl > 10, `${plain.tumourVolumeMl} mL`);
  for (const name of LOSSLESS) {
    const compressed = await analyseVolume({ flair: await encodedBy(name) });
    assert.ok(Math.abs(compressed.tumourVolumeMl - plain.tumourVolumeMl) < 0.001, `${name}: ${compressed.tumourVolumeMl} mL against ${plain.tumourVolumeMl} mL`);
    assert.deepEqual(compressed.slices.map((s) => s.probability), plain.slices.map((s) => s.probability), name);
  }
});

async function storedPixels(file: Uint8Array, label = 'File 1 of 1'): Promise<{ header: DicomImageHeader; pixels: Uint8Array | Int16Array | Uint16Array }> {
  const header = readDicomHeader(file, label);
  const pixels = header.datatype === 'int16' ? new Int16Array(header.rows * header.columns) : header.datatype === 'uint16' ? new Uint16Array(header.rows * header.columns) : new Uint8Array(header.rows * header.columns);
  await readFramePixels(header, pixels, label);
  return { header, pixels };
}

test('a JPEG 2000 lossy series is read, close to the original, and the volume answer says it is lossy', { skip }, async () => {
  const plain = await (await openVolume(await bratsSubset(), 'The FLAIR volume')).read();
  const lossy = reencode(await bratsSubset(), 'JPEG 2000 (lossy)');
  const opened = await openVolume(lossy, 'The FLAIR volume');
  assert.equal(opened.lossyCompression, true);
  const volume = await opened.read();
  let error = 0;
  for (let i = 0; i < volume.stored.length; i++) error += Math.abs(volume.stored[i] - plain.stored[i]);
  const meanError = error / volume.stored.length, range = 60000; // the stored values span about 60,000 (testkit/dicom-fixtures.ts)
  assert.ok(meanError > 0 && meanError < range * 0.002, `mean error ${meanError}`);
  assert.equal((await volumeApiBody(await analyseVolume({ flair: lossy }))).lossyCompression, true);
});

test('JPEG Baseline (8-bit) is read, close to the original, and marked lossy', { skip }, async () => {
  const { file, pixels } = await eightBitSlice();
  const [jpeg] = reencode([file], 'JPEG Baseline (lossy, 8-bit)');
  const decoded = await storedPixels(jpeg);
  assert.equal(decoded.header.lossyCompression, true);
  const meanError = Array.from(decoded.pixels).reduce((sum, v, p) => sum + Math.abs(v - pixels[p]), 0) / pixels.length;
  assert.ok(meanError > 0 && meanError < 3, `mean error ${meanError}`);
  const image = await decodeImage(jpeg, 'The FLAIR image');
  assert.equal(image.lossyCompression, true);
  assert.equal((await decodeImage(file, 'The FLAIR image')).lossyCompression, false);
  // and the answer says so
  const analysis = await analyseSlice({ flair: jpeg, reading: 'auto' });
  assert.equal((await sliceApiBody(analysis)).lossyCompression, true);
});

test('an Enhanced MR file compressed frame by frame reads to the voxels of the uncompressed file; a broken frame is named', { skip: skip || (hasPydicom() ? false : 'needs python3 with pydicom and numpy') }, async () => {
  const volume = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  const [nx, ny] = volume.dims;
  // 20 slices through the tumour, frames shuffled, as pydicom writes it (scripts/make-enhanced-dicom.py)
  const { bytes } = enhancedFromVolume({ dims: [nx, ny, 20], affine: volume.affine, values: allValues(volume).subarray(50 * nx * ny, 70 * nx * ny) }, { shuffle: true });
  const plain = await (await openVolume([bytes], 'The FLAIR volume')).read();
  for (const name of ['JPEG-LS Lossless', 'RLE Lossless', 'JPEG 2000 (lossless only)', 'JPEG Lossless (process 14, first-order prediction)'] as const) {
    const [compressed] = reencode([bytes], name);
    const read = await (await openVolume([compressed], 'The FLAIR volume')).read();
    assert.ok(bytesOf(read.stored).equals(bytesOf(plain.stored)), `${name}: stored voxels differ`);
    assert.deepEqual(read.affine, plain.affine, name);
  }
  const [jpegLs] = reencode([bytes], 'JPEG-LS Lossless');
  const [start] = readDicomHeader(jpegLs, 'File 1 of 1').frameRanges![6][0];
  jpegLs[start + 1] = 0; // frame 7's SOI, broken
  await assert.rejects(async () => (await openVolume([jpegLs], 'The FLAIR volume')).read(), /File 1 of 1, frame 7 of 20 \(JPEG-LS Lossless\) is damaged: its frame does not start with a JPEG-LS frame header/);
});

test('a Deflated file that inflates past the file limit is refused at the limit (a deflate bomb)', { skip }, async () => {
  // 3000×3000 int16 zeros: 18 MB that dcmconv deflates to a few kB
  const [bomb] = reencode([makeDicom({ rows: 3000, columns: 3000, pixels: [0] })], 'Deflated Explicit VR Little Endian');
  assert.ok(bomb.length < 200_000, `${bomb.length} bytes`);
  await assertUploadError(() => readDicomHeader(bomb, 'File 2 of 3'), 413, /^File 2 of 3 \(Deflated Explicit VR Little Endian\) inflates to more than 16 MB, the limit for one file/);
});

const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const noCorpus = existsSync(CORPUS) ? false : 'pydicom\'s test files are not installed (apt-get install python3-pydicom)';

test('pydicom\'s MR_small in its 8 encodings gives one probability (forced past the guard: it is 64×64)', { skip: noCorpus }, async () => {
  const encodings = ['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_padded.dcm', 'MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm'];
  const probabilities = new Set<number>();
  for (const name of encodings) {
    const analysis = await analyseSlice({ flair: new Uint8Array(readFileSync(`${CORPUS}/${name}`)), reading: 'auto', force: true });
    probabilities.add(analysis.result.probability);
  }
  assert.equal(probabilities.size, 1, JSON.stringify([...probabilities]));
});

test('mutated codestream bytes end in a 4xx naming the file and syntax, and the next valid file of that syntax still decodes', { skip }, async () => {
  const slice = (await bratsSubset())[20];
  const sources: Array<[string, Uint8Array]> = LOSSLESS.filter((name) => !name.startsWith('Deflated')).map((name) => [name, reencode([slice], name)[0]]);
  const eight = (await eightBitSlice()).file;
  for (const name of ['JPEG Baseline (lossy, 8-bit)', 'JPEG-LS Near-Lossless (lossy, 8-bit)'] as const) sources.push([name, reencode([eight], name)[0]]);
  sources.push(['JPEG 2000 (lossy)', reencode([slice], 'JPEG 2000 (lossy)')[0]]);
  for (const [name, valid] of sources) {
    const expected = bytesOf((await storedPixels(valid)).pixels);
    const [start, end] = readDicomHeader(valid, 'File 1 of 1').frameRanges![0][0];
    // anywhere in the codestream, its entropy-coded body included, and more often in its first bytes (markers, sizes, tables)
    const at = fc.oneof(fc.integer({ min: start, max: end - 1 }), fc.integer({ min: start, max: Math.min(end - 1, start + 64) }));
    const mutation = fc.array(fc.record({ at, value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 12 });
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (changes) => {
        const mutated = valid.slice();
        for (const { at, value } of changes) mutated[at] = value;
        let refused: unknown;
        await endsWell(async () => {
          try {
            await storedPixels(mutated, 'File 3 of 9');
          } catch (error) {
            refused = error;
            throw error;
          }
        }, name);
        if (refused) {
          refusals += 1;
          assert.match((refused as Error).message, /^File 3 of 9/, name);
          const again = await storedPixels(valid);
          assert.ok(bytesOf(again.pixels).equals(expected), `${name}: the next valid file decodes to its pixels`);
        }
      }),
      { numRuns: 24, seed: 27 },
    );
    assert.ok(refusals > 0, `${name}: no mutation was refused, so recovery was never tried`);
  }
});
