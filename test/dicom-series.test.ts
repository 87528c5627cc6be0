import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { UploadError } from '../lib/errors';
import { openDicomSeries } from '../lib/formats/dicom-series';
import { unzipFiles } from '../lib/formats/dicom-zip';
import { openVolume } from '../lib/formats/open-volume';
import { allValues, readValues } from '../lib/volume/scalar-volume';
import { ENHANCED_MR_IMAGE_STORAGE, makeDicom, seriesFromVolume, SYNTAX, type SyntheticDicom } from '../testkit/dicom-synthetic';
import { makeZip } from '../testkit/zip-synthetic';
import { assertUploadError } from '../testkit/assert-upload-error';

const dims: [number, number, number] = [6, 5, 4];
// oblique (turned 5° about z, then 3° about x), anisotropic, and with an origin: every entry of the affine matters
function obliqueAffine(spacing: number[], origin: number[]) {
  const [a, b] = [(5 * Math.PI) / 180, (3 * Math.PI) / 180];
  const z = [[Math.cos(a), -Math.sin(a), 0], [Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
  const x = [[1, 0, 0], [0, Math.cos(b), -Math.sin(b)], [0, Math.sin(b), Math.cos(b)]];
  const flips = [-1, -1, 1]; // a radiological grid: i towards the patient's left, j towards the back
  const rotation = x.map((row) => [0, 1, 2].map((c) => row.reduce((sum, v, m) => sum + v * z[m][c], 0)));
  return [...rotation.map((row, r) => [...row.map((v, c) => v * spacing[c] * flips[c]), origin[r]]), [0, 0, 0, 1]];
}
const affine = obliqueAffine([0.9, 0.8, 3], [10, 20, -5]);
const values = Array.from({ length: 120 }, (_, i) => i * 3 - 20);
const series = (base: Partial<SyntheticDicom> = {}, perSlice?: Parameters<typeof seriesFromVolume>[2]) => seriesFromVolume({ dims, affine, values }, { seriesUid: '2.25.2', ...base }, perSlice);

function near(actual: number[][], expected: number[][], tolerance: number) {
  actual.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - expected[r][c]) <= tolerance, `affine[${r}][${c}] = ${v}, expected ${expected[r][c]}`)));
}

test('a series in any order, in each uncompressed transfer syntax, stacks into the volume it was written from', async () => {
  for (const syntax of [SYNTAX.explicitLittle, SYNTAX.implicitLittle, SYNTAX.explicitBig]) {
    const files = series({ transferSyntax: syntax, slope: 0.5, intercept: 7 });
    const shuffled = [files[2], files[0], files[3], files[1]];
    const opened = openDicomSeries(shuffled);
    assert.deepEqual(opened.dims, dims);
    assert.deepEqual(opened.series, { seriesNumber: 3, modality: 'MR', slices: 4 });
    assert.equal(opened.readBytes, 120 * 2);
    const volume = await opened.read();
    assert.equal(volume.affineSource, 'dicom');
    assert.equal(volume.datatype, 'int16');
    near(volume.affine, affine, 1e-6);
    const lengths = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]));
    volume.spacingMm.slice(0, 2).forEach((s, d) => assert.ok(Math.abs(s - lengths[d]) < 1e-6, `${syntax}: spacing ${d}`));
    assert.deepEqual(Array.from(allValues(volume)), values.map((v) => v * 0.5 + 7), syntax);
  }
});

test('a slope and intercept for each slice are kept per plane, not as a float copy', async () => {
  const files = series({}, (k, spec) => ({ ...spec, slope: k + 1, intercept: -k }));
  const volume = await openDicomSeries(files).read();
  assert.ok(volume.stored instanceof Int16Array);
  assert.ok(volume.planeScaling);
  const expected = values.map((v, i) => v * (Math.floor(i / 30) + 1) - Math.floor(i / 30));
  assert.deepEqual(Array.from(allValues(volume)), expected);
  // a chunk that straddles planes
  assert.deepEqual(Array.from(readValues(volume, 25, new Float32Array(10))), expected.slice(25, 35));
});

test('files handed over in one buffer are stacked inside it: the same volume as a copy, one slice of scratch', async () => {
  for (const syntax of [SYNTAX.explicitLittle, SYNTAX.explicitBig]) {
    const files = seriesFromVolume({ dims: [6, 5, 7], affine, values: Array.from({ length: 210 }, (_, i) => ((i * 13) % 4096) - 100) }, { transferSyntax: syntax, seriesUid: '2.25.2', bitsStored: 14 });
    const shuffled = [files[4], files[0], files[6], files[2], files[5], files[1], files[3]];
    const copied = await openDicomSeries(shuffled).read();
    const joined = new Uint8Array(shuffled.reduce((n, f) => n + f.length, 0));
    const views = shuffled.map((file, i, all) => {
      const at = all.slice(0, i).reduce((n, f) => n + f.length, 0);
      joined.set(file, at);
      return joined.subarray(at, at + file.length);
    });
    const opened = openDicomSeries(views, 'The series', undefined, true);
    assert.equal(opened.readBytes, 6 * 5 * 2);
    const stacked = await opened.read();
    assert.equal(stacked.stored.buffer, joined.buffer, 'stacked in the files\' own buffer');
    assert.deepEqual(Array.from(allValues(stacked)), Array.from(allValues(copied)), syntax);
    assert.deepEqual(stacked.affine, copied.affine);
  }
});

test('unused high bits are cleared (unsigned) or carry the sign (signed), as the standard asks', async () => {
  const noisy = values.map((v) => (v & 0x0fff) | 0xf000); // 12 bits stored, garbage above
  const unsigned = await openDicomSeries(seriesFromVolume({ dims, affine, values: noisy }, { datatype: 'uint16', bitsStored: 12 })).read();
  assert.deepEqual(Array.from(allValues(unsigned)), values.map((v) => v & 0x0fff));
  const signed = await openDicomSeries(seriesFromVolume({ dims, affine, values: values.map((v) => (v & 0x0fff) | (v < 0 ? 0 : 0x5000)) }, { bitsStored: 12 })).read();
  assert.deepEqual(Array.from(allValues(signed)), values);
});

test('several series are refused by series number, modality and image count, never by a free-text tag', async () => {
  const flair = series({ seriesNumber: 4, patient: { SeriesDescription: 'ZZSECRET FLAIR' } });
  const t1 = series({ seriesNumber: 7, seriesUid: '2.25.77' }).slice(0, 3);
  const localiser = [makeDicom({ rows: 5, columns: 6, pixels: [1], seriesUid: '2.25.99', seriesNumber: 1, imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER', position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] })];
  await assertUploadError(() => openDicomSeries([...flair, ...t1, ...localiser]), 422, /holds 3 series: series 4 \(MR, 4 images\), series 7 \(MR, 3 images\), series 1 \(MR, 1 image, localiser\)/);
  await assert.rejects(async () => openDicomSeries([...flair, ...t1]), (error: Error) => !error.message.includes('ZZSECRET'));
});

test('a missing slice, uneven spacing and a slice given twice are named with their positions', async () => {
  const files = seriesFromVolume({ dims: [6, 5, 6], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], values: [1] }, { seriesUid: '2.25.2' });
  await assertUploadError(() => openDicomSeries([files[0], files[1], files[3], files[4], files[5]]), 422, /missing a slice between the slices at 2 mm and 6 mm: a gap of 4 mm where the others are 2 mm apart/);
  await assertUploadError(() => openDicomSeries([files[0], files[1], files[4], files[5]]), 422, /missing 2 slices between the slices at 2 mm and 8 mm/);
  const uneven = files.map((file, k) => (k === 5 ? seriesFromVolume({ dims: [6, 5, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 11], [0, 0, 0, 1]], values: [1] }, { seriesUid: '2.25.2' })[0] : file));
  await assertUploadError(() => openDicomSeries(uneven), 422, /uneven slice spacing: 3 mm between the slices at 8 mm and 11 mm, where the others are 2 mm apart/);
  await assertUploadError(() => openDicomSeries([...files, files[2]]), 422, /two images at the same position \(4 mm along the slice normal\)/);
});

test('localisers, multi-frame files, colour, lone images, other modalities and missing geometry are refused with a reason', async () => {
  await assertUploadError(() => openDicomSeries(series({ imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' })), 422, /is a localiser \(scout\) series/);
  const withScout = series();
  withScout[2] = series({ imageType: 'DERIVED\\PRIMARY\\LOCALIZER' })[2];
  await assertUploadError(() => openDicomSeries(withScout), 422, /has a localiser \(scout\) image among its slices \(file 3 of 4\)/);
  await assertUploadError(() => openDicomSeries(series({ frames: 4 })), 415, /multi-frame DICOM file with 4 frames but not an Enhanced MR image/);
  // Enhanced MR files place each frame by functional groups (test/enhanced-frames.test.ts): without them, no position
  await assertUploadError(() => openDicomSeries(series({ sopClass: ENHANCED_MR_IMAGE_STORAGE })), 422, /file 1 of 4 has no position, orientation or pixel spacing/);
  await assertUploadError(() => openDicomSeries(series({ samplesPerPixel: 3, photometric: 'RGB' })), 415, /colour image/);
  await assertUploadError(() => openDicomSeries(series({ photometric: 'MONOCHROME1' })), 415, /MONOCHROME1/);
  await assertUploadError(() => openDicomSeries(series().slice(0, 1)), 422, /one image, not a series/);
  await assertUploadError(() => openDicomSeries(series({ modality: 'CT' })), 422, /this is CT; this tool reads MRI/);
  await assertUploadError(() => openDicomSeries(series({ position: undefined })), 422, /no position, orientation or pixel spacing/);
  const mixed = series();
  mixed[1] = makeDicom({ rows: 4, columns: 4, pixels: [1], seriesUid: '2.25.2', position: [0, 0, 1], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] });
  await assertUploadError(() => openDicomSeries(mixed), 422, /mixes images of different kinds: 6×5 int16 and 4×4 int16 \(file 2 of 4\)/);
  await assertUploadError(() => openDicomSeries([...series(), new Uint8Array(300)]), 415, /File 5 of 5 is not a DICOM file/);
});

test('syntaxes no kept library decodes are refused by name, before a pixel is read', async () => {
  const names: Array<[string, RegExp]> = [
    ['1.2.840.10008.1.2.4.51', /compressed as JPEG Extended \(lossy, 12-bit\) \(1\.2\.840\.10008\.1\.2\.4\.51\)/],
    ['1.2.840.10008.1.2.4.201', /High-Throughput JPEG 2000 \(lossless only\)/],
    ['1.2.3.4.5', /transfer syntax 1\.2\.3\.4\.5, which this server cannot read/],
  ];
  for (const [syntax, message] of names) await assertUploadError(() => openDicomSeries(series({ transferSyntax: syntax })), 415, message);
});

test('a compressed frame that is not what its syntax says is refused naming the file by position and the syntax by name', async () => {
  // the synthetic writer puts 64 bytes of raw pixels where the codestream belongs
  const names: Array<[string, RegExp]> = [
    [SYNTAX.jpegLossless, /^File \d of 4 \(JPEG Lossless \(process 14, first-order prediction\)\) is damaged: its frame does not start with a lossless JPEG frame header/],
    [SYNTAX.jpeg2000, /^File \d of 4 \(JPEG 2000 \(lossless only\)\) is damaged/],
    [SYNTAX.rle, /^File \d of 4 is a damaged DICOM file: its RLE Lossless pixel data/],
  ];
  for (const [syntax, message] of names) await assertUploadError(async () => (await openDicomSeries(series({ transferSyntax: syntax }))).read(), 400, message);
  await assertUploadError(() => openDicomSeries(series({ transferSyntax: SYNTAX.deflated })), 400, /^File 1 of 4 \(Deflated Explicit VR Little Endian\) is damaged: its deflated data set does not inflate/);
});

test('a zip of a series is read in memory; folders, resource forks and DICOMDIR are left out', async () => {
  const files = series();
  const zip = makeZip([
    { name: 'export/', data: new Uint8Array(0) },
    ...files.map((data, k) => ({ name: `export/IM${k}.dcm`, data, deflate: k % 2 === 0 })),
    { name: '__MACOSX/export/._IM0.dcm', data: new Uint8Array(10) },
    { name: 'DICOMDIR', data: new Uint8Array(10) },
  ]);
  const memory = new MemoryBudget(1 << 20).reserve();
  const opened = await openVolume([zip], 'The FLAIR volume', memory);
  assert.deepEqual(opened.series, { seriesNumber: 3, modality: 'MR', slices: 4 });
  assert.equal(memory.bytes, files.reduce((n, f) => n + f.length, 0)); // the unpacked entries, reserved before inflating
  assert.deepEqual(Array.from(allValues(await opened.read())), values);
});

test('zip bombs and forgeries end in a 4xx before anything large is inflated', async () => {
  const file = series()[0];
  const huge = new Uint8Array(20 * 1024 * 1024); // deflates to about 20 kB
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: huge }]), 'The zip'), 413, /unpacks to 20 MB; one DICOM file may be at most 16 MB/);
  const many = Array.from({ length: 14 }, (_, i) => ({ name: `${i}.dcm`, data: new Uint8Array(15 * 1024 * 1024) }));
  await assertUploadError(() => unzipFiles(makeZip(many), 'The zip'), 413, /unpacks to more than 192 MB/);
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: file }], { declaredEntryCount: 60000 }), 'The zip'), 413, /60,000 entries/);
  // an entry that declares less than it inflates to: yauzl stops it (validateEntrySizes)
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: huge, declaredSize: 1000 }]), 'The zip'), 400, /damaged/);
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: file, encrypted: true }]), 'The zip'), 415, /encrypted/);
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: file, method: 12 }]), 'The zip'), 415, /compression method 12/);
  await assertUploadError(() => unzipFiles(makeZip([]), 'The zip'), 422, /holds no files/);
  await assertUploadError(() => unzipFiles(Buffer.from('PK\x03\x04 not really a zip'), 'The zip'), 400, /damaged or unreadable/);
  const tight = new MemoryBudget(1000).reserve();
  await assertUploadError(() => unzipFiles(makeZip([{ name: 'a.dcm', data: new Uint8Array(5000) }]), 'The zip', tight), 413, /needs about/);
});

test('a series written by pydicom from BRATS (oblique, a slope per slice) has the geometry nibabel and dcm2niix give it', async () => {
  // e2e/fixtures/dicom-brats-small.json: the affine the series was written from, and the affine of dcm2niix's NIfTI
  const expected = JSON.parse(readFileSync(new URL('../e2e/fixtures/dicom-brats-small.json', import.meta.url), 'utf8'));
  const opened = await openVolume([readFileSync(new URL('../e2e/fixtures/dicom-brats-small.zip', import.meta.url))], 'The FLAIR volume');
  const volume = await opened.read();
  assert.deepEqual(volume.dims, expected.dims);
  near(volume.affine, expected.sourceAffine, 1e-4);
  // dcm2niix stores the rows the other way up: its j runs backwards, so its origin is our last row
  const [nx, ny] = volume.dims;
  const flipped = volume.affine.map((row, r) => (r === 3 ? row : [row[0], -row[1], row[2], row[3] + row[1] * (ny - 1)]));
  near(flipped, expected.dcm2niixAffine, 1e-3);
  assert.ok(volume.planeScaling);
  assert.equal(nx, 60);
});
