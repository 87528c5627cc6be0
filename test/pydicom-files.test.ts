import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeImage } from '../lib/formats/open-image';
import { isUploadError } from '../lib/errors';

// DICOM files that nobody here wrote: pydicom's test corpus (Debian's python3-pydicom; .ci/run installs it). A missing
// corpus skips these tests on a developer's machine and fails them in CI.

const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const present = existsSync(CORPUS);
const skip = !present && !process.env.CI ? 'pydicom\'s test files are not installed (apt-get install python3-pydicom)' : false;
const file = (name: string) => new Uint8Array(readFileSync(`${CORPUS}/${name}`));

test('MR_small, whose preamble holds a TIFF header, is read as DICOM, the same pixels in each of its encodings', { skip }, async () => {
  const encodings = ['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_padded.dcm'];
  const decoded = await Promise.all(encodings.map((name) => decodeImage(file(name), 'The file')));
  for (const [i, image] of decoded.entries()) {
    assert.equal(image.format, 'dicom', encodings[i]);
    assert.deepEqual([image.width, image.height], [64, 64]);
    assert.deepEqual(image.rgb, decoded[0].rgb, `${encodings[i]} against MR_small.dcm`);
  }
});

test('CT_small is named as CT on the slice path', { skip }, async () => {
  await assert.rejects(decodeImage(file('CT_small.dcm'), 'The file'), (error: unknown) =>
    isUploadError(error) && error.status === 422 && /this is CT; this tool reads MRI/.test(error.message));
});
