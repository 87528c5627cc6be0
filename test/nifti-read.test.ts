import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { UploadError } from '../lib/errors';
import { readNiftiVolume } from '../lib/volume/nifti-read';
import { makeNifti } from './fixtures/nifti-synthetic';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

function assertUploadError(read: () => unknown, status: number, message: RegExp) {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof UploadError, `expected an UploadError, got ${error}`);
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

test('every supported datatype reads to the same values, in either byte order', () => {
  const values = [0, 1, 2, 7, 100, 200, 3, 4];
  for (const datatype of ['uint8', 'int16', 'uint16', 'float32', 'float64'] as const) {
    for (const littleEndian of [true, false]) {
      const volume = readNiftiVolume(makeNifti({ dims: [2, 2, 2], datatype, values, littleEndian }));
      assert.equal(volume.datatype, datatype);
      assert.deepEqual(Array.from(volume.voxels), values, `${datatype} ${littleEndian ? 'little' : 'big'}-endian`);
      assert.deepEqual(volume.dims, [2, 2, 2]);
    }
  }
});

test('signed and fractional values survive', () => {
  const int16 = readNiftiVolume(makeNifti({ dims: [2, 1, 1], datatype: 'int16', values: [-32768, 32767] }));
  assert.deepEqual(Array.from(int16.voxels), [-32768, 32767]);
  const float64 = readNiftiVolume(makeNifti({ dims: [2, 1, 1], datatype: 'float64', values: [-3.25, 1e6 + 0.5] }));
  assert.deepEqual(Array.from(float64.voxels), [-3.25, 1e6 + 0.5]);
});

test('scl_slope and scl_inter are applied; a slope of 0 means unscaled', () => {
  const scaled = readNiftiVolume(makeNifti({ dims: [3, 1, 1], datatype: 'int16', values: [0, 10, -4], slope: 0.5, intercept: 100 }));
  assert.deepEqual(Array.from(scaled.voxels), [100, 105, 98]);
  const zeroSlope = readNiftiVolume(makeNifti({ dims: [3, 1, 1], datatype: 'uint8', values: [0, 10, 4], slope: 0, intercept: 100 }));
  assert.deepEqual(Array.from(zeroSlope.voxels), [0, 10, 4]);
  const nanSlope = readNiftiVolume(makeNifti({ dims: [3, 1, 1], datatype: 'uint8', values: [0, 10, 4], slope: NaN, intercept: NaN }));
  assert.deepEqual(Array.from(nanSlope.voxels), [0, 10, 4]);
});

test('.nii.gz and .nii give the same volume', () => {
  const spec = { dims: [4, 3, 2], datatype: 'int16' as const };
  assert.deepEqual(readNiftiVolume(makeNifti({ ...spec, gzip: true })).voxels, readNiftiVolume(makeNifti(spec)).voxels);
});

test('a file written by nibabel: int16 with slope and intercept, sform preferred over a qform with a higher code', () => {
  const volume = readNiftiVolume(fixture('nifti-coronal-int16-scaled.nii.gz'));
  assert.deepEqual(volume.dims, [6, 8, 5]);
  assert.equal(volume.datatype, 'int16');
  // raw value i + 10j + 100k, then x 0.5 + 10 (nibabel's get_fdata()[1, 2, 3] gives 170.5)
  assert.equal(volume.voxels[1 + 2 * 6 + 3 * 6 * 8], 170.5);
  assert.equal(volume.affineSource, 'sform');
  const expected = [[-0.9, 0, 0, 30], [0, 0, 3, -20], [0, 0.9, 0, 10], [0, 0, 0, 1]];
  volume.affine.forEach((row, r) => row.forEach((value, c) => assert.ok(Math.abs(value - expected[r][c]) < 1e-5, `affine[${r}][${c}]`)));
  assert.deepEqual(volume.spacingMm.map((s) => Math.round(s * 100) / 100), [0.9, 0.9, 3]);
});

test('a big-endian float64 file written by nibabel', () => {
  const volume = readNiftiVolume(fixture('nifti-bigendian-float64.nii'));
  assert.equal(volume.littleEndian, false);
  assert.equal(volume.datatype, 'float64');
  assert.equal(volume.voxels[1 + 2 * 4 + 1 * 16], 30.5); // nibabel get_fdata()[1, 2, 1]
  assert.equal(volume.affineSource, 'sform');
  assert.deepEqual(volume.spacingMm, [2, 2, 2]);
});

test('the qform is used when there is no sform, and pixdim alone when there is neither', () => {
  // quaternion b = 1: 180 degrees about x, so j runs to the back and k down
  const qform = readNiftiVolume(makeNifti({ dims: [2, 2, 2], pixdim: [1, 2, 3], qform: { code: 1, b: 1, c: 0, d: 0, offset: [5, 6, 7] } }));
  assert.equal(qform.affineSource, 'qform');
  assert.deepEqual(qform.affine.map((row) => row.map((v) => Math.round(v * 1e6) / 1e6 + 0)), [[1, 0, 0, 5], [0, -2, 0, 6], [0, 0, -3, 7], [0, 0, 0, 1]]);
  const bare = readNiftiVolume(makeNifti({ dims: [2, 2, 2], pixdim: [1, 2, 3] }));
  assert.equal(bare.affineSource, 'pixdim');
  assert.deepEqual(bare.affine, [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]]);
});

test('voxel sizes in metres or micrometres become millimetres', () => {
  assert.deepEqual(readNiftiVolume(makeNifti({ dims: [2, 2, 2], pixdim: [0.001, 0.001, 0.002], xyztUnits: 1 })).spacingMm.map((s) => Math.round(s * 1000) / 1000), [1, 1, 2]);
  assert.deepEqual(readNiftiVolume(makeNifti({ dims: [2, 2, 2], pixdim: [500, 500, 1000], xyztUnits: 3 })).spacingMm, [0.5, 0.5, 1]);
});

test('a 4D file with one volume is read; with several it is refused', () => {
  assert.deepEqual(readNiftiVolume(makeNifti({ dims: [2, 2, 2, 1] })).dims, [2, 2, 2]);
  assertUploadError(() => readNiftiVolume(makeNifti({ dims: [2, 2, 2, 3] })), 422, /3 volumes \(a 4D series\)/);
});

test('bad files give clear upload errors, never a crash', () => {
  const good = makeNifti({ dims: [4, 4, 4], datatype: 'int16' });
  assertUploadError(() => readNiftiVolume(new Uint8Array(0)), 400, /empty/);
  assertUploadError(() => readNiftiVolume(good.subarray(0, good.length - 10)), 400, /cut off/);
  assertUploadError(() => readNiftiVolume(good.subarray(0, 200)), 400, /too short/);
  const gz = gzipSync(good);
  assertUploadError(() => readNiftiVolume(gz.subarray(0, gz.length - 20)), 400, /damaged or cut-off \.gz/);
  assertUploadError(() => readNiftiVolume(readFileSync('e2e/fixtures/tumour-flair.png')), 415, /is a PNG image, not a NIfTI-1 volume/);
  assertUploadError(() => readNiftiVolume(new TextEncoder().encode('x'.repeat(400))), 415, /not a NIfTI-1 volume/);
  assertUploadError(() => readNiftiVolume(makeNifti({ dims: [2, 2, 2], datatype: 'int32' })), 415, /int32; supported are/);
  assertUploadError(() => readNiftiVolume(makeNifti({ dims: [2, 2, 2], datatype: 'rgb24' })), 415, /RGB colour/);
  assertUploadError(() => readNiftiVolume(makeNifti({ dims: [2, 2, 2], pixdim: [0, 1, 1] })), 422, /no usable voxel size/);
});

test('a huge grid is refused from its header alone', () => {
  const header = makeNifti({ dims: [1, 1, 1] });
  const view = new DataView(header.buffer);
  view.setInt16(42, 2000, true); // dim[1]: wider than MAX_VOLUME_SIDE
  assertUploadError(() => readNiftiVolume(header), 413, /2000×1×1 voxels; the limit is/);
  [600, 600, 400].forEach((n, d) => view.setInt16(42 + d * 2, n, true)); // each side allowed, too many voxels in all
  assertUploadError(() => readNiftiVolume(header), 413, /600×600×400 voxels/);
});

test('a gzip bomb stops at the decompressed limit', () => {
  // concatenated gzip members unpack as one stream: 1 kB per MB of zeros, 300 MB in all
  const member = gzipSync(new Uint8Array(1024 * 1024));
  const bomb = Buffer.concat(Array.from({ length: 300 }, () => member));
  assert.ok(bomb.length < 400 * 1024);
  assertUploadError(() => readNiftiVolume(bomb), 413, /unpacks to more than 256 MB/);
});

test('an extension with a negative size is never walked (it looped forever in nifti-reader-js)', () => {
  const volume = makeNifti({ dims: [4, 4, 4], datatype: 'uint8', voxOffset: 528 });
  volume[348] = 1; // extension flag set
  new DataView(volume.buffer).setInt32(352, -16, true); // first extension's esize
  new DataView(volume.buffer).setInt32(336, 16, true);
  assert.deepEqual(readNiftiVolume(volume).dims, [4, 4, 4]);
});

test('sizes past the declared rank are ignored, and a damaged one within it is refused', () => {
  const volume = makeNifti({ dims: [4, 4, 4] });
  new DataView(volume.buffer).setInt16(42 + 3 * 2, -1, true); // dim[4] = -1 with dim[0] = 3
  assert.deepEqual(readNiftiVolume(volume).dims, [4, 4, 4]);
  new DataView(volume.buffer).setInt16(42 + 2 * 2, -1, true); // dim[3] = -1
  assertUploadError(() => readNiftiVolume(volume), 400, /damaged header/);
});
