import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { makeNifti } from '../testkit/nifti-synthetic';
import { assertUploadError } from '../testkit/assert-upload-error';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** The volume with every value as float32, as the tests compare them. */
async function read(bytes: Uint8Array) {
  const volume = await readNiftiVolume(bytes);
  return { ...volume, voxels: allValues(volume), littleEndian: volume.niftiHeader!.littleEndian };
}

test('every supported datatype reads to the same values, in either byte order', async () => {
  const values = [0, 1, 2, 7, 100, 200, 3, 4];
  for (const datatype of ['uint8', 'int16', 'uint16', 'int32', 'float32', 'float64'] as const) {
    for (const littleEndian of [true, false]) {
      const volume = await read(makeNifti({ dims: [2, 2, 2], datatype, values, littleEndian }));
      assert.equal(volume.datatype, datatype);
      assert.deepEqual(Array.from(volume.voxels), values, `${datatype} ${littleEndian ? 'little' : 'big'}-endian`);
      assert.deepEqual(volume.dims, [2, 2, 2]);
    }
  }
});

test('signed and fractional values survive', async () => {
  const int16 = await read(makeNifti({ dims: [2, 1, 1], datatype: 'int16', values: [-32768, 32767] }));
  assert.deepEqual(Array.from(int16.voxels), [-32768, 32767]);
  const float64 = await read(makeNifti({ dims: [2, 1, 1], datatype: 'float64', values: [-3.25, 1e6 + 0.5] }));
  assert.deepEqual(Array.from(float64.voxels), [-3.25, 1e6 + 0.5]);
});

test('scl_slope and scl_inter are applied; a slope of 0 means unscaled', async () => {
  const scaled = await read(makeNifti({ dims: [3, 1, 1], datatype: 'int16', values: [0, 10, -4], slope: 0.5, intercept: 100 }));
  assert.deepEqual(Array.from(scaled.voxels), [100, 105, 98]);
  const zeroSlope = await read(makeNifti({ dims: [3, 1, 1], datatype: 'uint8', values: [0, 10, 4], slope: 0, intercept: 100 }));
  assert.deepEqual(Array.from(zeroSlope.voxels), [0, 10, 4]);
  const nanSlope = await read(makeNifti({ dims: [3, 1, 1], datatype: 'uint8', values: [0, 10, 4], slope: NaN, intercept: NaN }));
  assert.deepEqual(Array.from(nanSlope.voxels), [0, 10, 4]);
});

test('.nii.gz and .nii give the same volume', async () => {
  const spec = { dims: [4, 3, 2], datatype: 'int16' as const };
  assert.deepEqual((await read(makeNifti({ ...spec, gzip: true }))).voxels, (await read(makeNifti(spec))).voxels);
});

test('a file written by nibabel: int16 with slope and intercept, sform preferred over a qform with a higher code', async () => {
  const volume = await read(fixture('nifti-coronal-int16-scaled.nii.gz'));
  assert.deepEqual(volume.dims, [6, 8, 5]);
  assert.equal(volume.datatype, 'int16');
  // raw value i + 10j + 100k, then x 0.5 + 10 (nibabel's get_fdata()[1, 2, 3] gives 170.5)
  assert.equal(volume.voxels[1 + 2 * 6 + 3 * 6 * 8], 170.5);
  assert.equal(volume.affineSource, 'sform');
  const expected = [[-0.9, 0, 0, 30], [0, 0, 3, -20], [0, 0.9, 0, 10], [0, 0, 0, 1]];
  volume.affine.forEach((row, r) => row.forEach((value, c) => assert.ok(Math.abs(value - expected[r][c]) < 1e-5, `affine[${r}][${c}]`)));
  assert.deepEqual(volume.spacingMm.map((s) => Math.round(s * 100) / 100), [0.9, 0.9, 3]);
});

test('a big-endian float64 file written by nibabel', async () => {
  const volume = await read(fixture('nifti-bigendian-float64.nii'));
  assert.equal(volume.littleEndian, false);
  assert.equal(volume.datatype, 'float64');
  assert.equal(volume.voxels[1 + 2 * 4 + 1 * 16], 30.5); // nibabel get_fdata()[1, 2, 1]
  assert.equal(volume.affineSource, 'sform');
  assert.deepEqual(volume.spacingMm, [2, 2, 2]);
});

test('the qform is used when there is no sform, and pixdim alone when there is neither', async () => {
  // quaternion b = 1: 180 degrees about x, so j runs to the back and k down
  const qform = await read(makeNifti({ dims: [2, 2, 2], pixdim: [1, 2, 3], qform: { code: 1, b: 1, c: 0, d: 0, offset: [5, 6, 7] } }));
  assert.equal(qform.affineSource, 'qform');
  assert.deepEqual(qform.affine.map((row) => row.map((v) => Math.round(v * 1e6) / 1e6 + 0)), [[1, 0, 0, 5], [0, -2, 0, 6], [0, 0, -3, 7], [0, 0, 0, 1]]);
  const bare = await read(makeNifti({ dims: [2, 2, 2], pixdim: [1, 2, 3] }));
  assert.equal(bare.affineSource, 'pixdim');
  assert.deepEqual(bare.affine, [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]]);
});

test('voxel sizes in metres or micrometres become millimetres', async () => {
  assert.deepEqual((await read(makeNifti({ dims: [2, 2, 2], pixdim: [0.001, 0.001, 0.002], xyztUnits: 1 }))).spacingMm.map((s) => Math.round(s * 1000) / 1000), [1, 1, 2]);
  assert.deepEqual((await read(makeNifti({ dims: [2, 2, 2], pixdim: [500, 500, 1000], xyztUnits: 3 }))).spacingMm, [0.5, 0.5, 1]);
});

test('a 4D file with one volume is read; with several it is refused', async () => {
  assert.deepEqual((await read(makeNifti({ dims: [2, 2, 2, 1] }))).dims, [2, 2, 2]);
  await assertUploadError(() => read(makeNifti({ dims: [2, 2, 2, 3] })), 422, /3 volumes \(a 4D series\)/);
});

test('bad files give clear upload errors, never a crash', async () => {
  const good = makeNifti({ dims: [4, 4, 4], datatype: 'int16' });
  await assertUploadError(() => read(new Uint8Array(0)), 400, /empty/);
  await assertUploadError(() => read(good.subarray(0, good.length - 10)), 400, /cut off/);
  await assertUploadError(() => read(good.subarray(0, 200)), 400, /too short/);
  const gz = gzipSync(good);
  await assertUploadError(() => read(gz.subarray(0, gz.length - 20)), 400, /damaged or cut-off \.gz/);
  await assertUploadError(() => read(readFileSync('e2e/fixtures/tumour-flair.png')), 415, /is a PNG image, not a NIfTI-1 volume/);
  await assertUploadError(() => read(new TextEncoder().encode('x'.repeat(400))), 415, /not a NIfTI-1 volume/);
  await assertUploadError(() => read(makeNifti({ dims: [2, 2, 2], datatype: 'rgb24' })), 415, /RGB colour/);
  await assertUploadError(() => read(makeNifti({ dims: [2, 2, 2], pixdim: [0, 1, 1] })), 422, /no usable voxel size/);
});

test('a huge grid is refused from its header alone', async () => {
  const header = makeNifti({ dims: [1, 1, 1] });
  const view = new DataView(header.buffer);
  view.setInt16(42, 2000, true); // dim[1]: wider than MAX_VOLUME_SIDE
  await assertUploadError(() => read(header), 413, /2000×1×1 voxels; the limit is/);
  [600, 600, 400].forEach((n, d) => view.setInt16(42 + d * 2, n, true)); // each side allowed, too many voxels in all
  await assertUploadError(() => read(header), 413, /600×600×400 voxels/);
});

test('a gzip bomb is never unpacked past what its header asks for, and a huge header is refused before unpacking', async () => {
  // concatenated gzip members unpack as one stream: a 4x4x4 volume followed by 300 MB of zeros, 1 kB per MB
  const member = gzipSync(new Uint8Array(1024 * 1024));
  const bomb = Buffer.concat([gzipSync(makeNifti({ dims: [4, 4, 4], datatype: 'uint8' })), ...Array.from({ length: 300 }, () => member)]);
  assert.ok(bomb.length < 400 * 1024);
  const before = process.memoryUsage().arrayBuffers;
  assert.deepEqual((await read(bomb)).dims, [4, 4, 4]);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  const huge = makeNifti({ dims: [1, 1, 1], datatype: 'float64' });
  [512, 512, 320].forEach((n, d) => new DataView(huge.buffer).setInt16(42 + d * 2, n, true));
  await assertUploadError(() => read(gzipSync(huge)), 413, /holds 640 MB of voxels .* the limit is 192 MB/);
});

test('an extension with a negative size is never walked (it looped forever in nifti-reader-js)', async () => {
  const volume = makeNifti({ dims: [4, 4, 4], datatype: 'uint8', voxOffset: 528 });
  volume[348] = 1; // extension flag set
  new DataView(volume.buffer).setInt32(352, -16, true); // first extension's esize
  new DataView(volume.buffer).setInt32(336, 16, true);
  assert.deepEqual((await read(volume)).dims, [4, 4, 4]);
});

test('sizes past the declared rank are ignored, and a damaged one within it is refused', async () => {
  const volume = makeNifti({ dims: [4, 4, 4] });
  new DataView(volume.buffer).setInt16(42 + 3 * 2, -1, true); // dim[4] = -1 with dim[0] = 3
  assert.deepEqual((await read(volume)).dims, [4, 4, 4]);
  new DataView(volume.buffer).setInt16(42 + 2 * 2, -1, true); // dim[3] = -1
  await assertUploadError(() => read(volume), 400, /damaged header/);
});
