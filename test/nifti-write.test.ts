import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { writeNiftiMask } from '../lib/formats/nifti-write';
import { allValues } from '../lib/volume/scalar-volume';
import { chooseSliceAxes } from '../lib/volume/axes';
import { sliceGrid } from '../lib/volume/slices';
import { TumourMask } from '../lib/volume/tumour-mask';
import { makeNifti } from '../testkit/nifti-synthetic';

const arrayBuffer = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;

async function roundTrip(upload: Uint8Array) {
  const source = await readNiftiVolume(upload);
  const mask = Uint8Array.from(source.stored, (_, i) => (i % 3 === 0 ? 1 : 0));
  const written = await writeNiftiMask(source, mask);
  const bytes = gunzipSync(written);
  const sourceHeader = nifti.readHeader(arrayBuffer(upload)) as nifti.NIFTI1;
  const header = nifti.readHeader(arrayBuffer(bytes)) as nifti.NIFTI1;
  const reread = await readNiftiVolume(written);
  return { source, mask, bytes, header, sourceHeader, reread: { ...reread, voxels: allValues(reread) } };
}

test('the mask is uint8 0/1 on the same grid, with the same affine, pixdim and codes (read back with nifti-reader-js)', async () => {
  const upload = makeNifti({
    dims: [5, 4, 3], datatype: 'int16', pixdim: [0.9, 0.9, 3], slope: 2, intercept: -5, gzip: true,
    qform: { code: 1, b: 0, c: 0, d: 1, offset: [10, -20, 30] },
    sform: { code: 2, rows: [[0, -0.9, 0, 10], [0.9, 0, 0, -20], [0, 0, 3, 30]] },
  });
  const { source, mask, bytes, header, sourceHeader, reread } = await roundTrip(gunzipSync(upload));
  assert.equal(header.datatypeCode, 2);
  assert.equal(header.numBitsPerVoxel, 8);
  assert.equal(header.scl_slope, 1);
  assert.equal(header.scl_inter, 0);
  assert.equal(header.vox_offset, 352);
  assert.equal(nifti.hasExtension(header), false);
  assert.deepEqual(header.dims.slice(0, 4), [3, 5, 4, 3]);
  assert.deepEqual(header.pixDims.slice(0, 4), sourceHeader.pixDims.slice(0, 4));
  assert.deepEqual([header.qform_code, header.sform_code], [1, 2]);
  assert.deepEqual([header.quatern_b, header.quatern_c, header.quatern_d, header.qoffset_x, header.qoffset_y, header.qoffset_z],
    [sourceHeader.quatern_b, sourceHeader.quatern_c, sourceHeader.quatern_d, sourceHeader.qoffset_x, sourceHeader.qoffset_y, sourceHeader.qoffset_z]);
  assert.deepEqual(header.affine, sourceHeader.affine);
  assert.deepEqual(reread.affine, source.affine);
  assert.equal(reread.affineSource, 'sform');
  assert.deepEqual(Array.from(new Uint8Array(nifti.readImage(header, arrayBuffer(bytes)))), Array.from(mask));
  assert.equal(bytes.length, 352 + 60);
});

test('a nibabel file whose qform outranks its sform keeps both, byte for byte', async () => {
  const upload = gunzipSync(readFileSync(new URL('./fixtures/nifti-coronal-int16-scaled.nii.gz', import.meta.url)));
  const { bytes, reread, source } = await roundTrip(upload);
  assert.deepEqual(bytes.subarray(252, 328), upload.subarray(252, 328)); // qform_code .. srow_z
  assert.deepEqual(bytes.subarray(76, 108), upload.subarray(76, 108)); // pixdim
  assert.deepEqual(reread.affine, source.affine);
  assert.deepEqual(reread.dims, [6, 8, 5]);
});

test('a big-endian upload gives a big-endian mask that reads back', async () => {
  const upload = new Uint8Array(readFileSync(new URL('./fixtures/nifti-bigendian-float64.nii', import.meta.url)));
  const { header, reread, mask } = await roundTrip(upload);
  assert.equal(header.littleEndian, false);
  assert.deepEqual(Array.from(reread.voxels), Array.from(mask));
  assert.deepEqual(reread.spacingMm, [2, 2, 2]);
});

test('a volume with no NIfTI header of its own (DICOM) gets one whose sform is its affine', async () => {
  const affine = [[-0.5, 0, 0, 120], [0, -0.5, 0, 110], [0, 0, 2, -40], [0, 0, 0, 1]];
  const written = await writeNiftiMask({ dims: [3, 2, 2], spacingMm: [0.5, 0.5, 2], affine }, new Uint8Array(12).fill(1));
  const reread = await readNiftiVolume(written);
  assert.equal(reread.affineSource, 'sform');
  assert.deepEqual(reread.affine, affine);
  assert.deepEqual(reread.spacingMm, [0.5, 0.5, 2]);
  assert.deepEqual(Array.from(allValues(reread)), new Array(12).fill(1));
});

test('a mask kept slice by slice writes the same file as the whole volume, for slices along k and along another axis', async () => {
  for (const affine of [[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]]) {
    const dims: [number, number, number] = [5, 4, 3];
    const grid = sliceGrid(dims, [1, 1, 1], chooseSliceAxes(affine));
    const mask = new TumourMask(grid);
    mask.set(1, Uint8Array.from({ length: grid.width * grid.height }, (_, i) => i % 2));
    const whole = await writeNiftiMask({ dims, spacingMm: [1, 1, 1], affine }, mask.toVolume());
    const byPlanes = await writeNiftiMask({ dims, spacingMm: [1, 1, 1], affine }, mask.planes());
    assert.deepEqual(gunzipSync(byPlanes), gunzipSync(whole));
    assert.equal(mask.toVolume().reduce((a, b) => a + b, 0), Math.floor((grid.width * grid.height) / 2));
  }
});
