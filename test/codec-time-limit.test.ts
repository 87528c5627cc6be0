import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assertUploadError } from '../testkit/assert-upload-error';

// The codec thread's time limit, set by FRAME_DECODE_LIMIT_S before the module loads: at a microsecond no frame finishes,
// so each decode ends in a 422 that names the file and the syntax, the thread is ended, and the next frame gets a new one.

process.env.FRAME_DECODE_LIMIT_S = '0.000001';
const { decodeImage } = await import('../lib/formats/open-image');

const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const skip = existsSync(CORPUS) ? false : 'pydicom\'s test files are not installed (apt-get install python3-pydicom)';

test('a frame past the time limit is a 422 naming the file and syntax, and the next frame is tried in a new thread', { skip }, async () => {
  const file = new Uint8Array(readFileSync(`${CORPUS}/MR_small_jp2klossless.dcm`));
  for (let attempt = 0; attempt < 2; attempt++) {
    await assertUploadError(() => decodeImage(file, 'The FLAIR image'), 422, /^The FLAIR image \(JPEG 2000 \(lossless only\)\) took longer than 0\.000001 s to decode one frame and was stopped/);
  }
  // an RLE frame is decoded here, not in the thread: no time limit applies and it is read
  assert.equal((await decodeImage(new Uint8Array(readFileSync(`${CORPUS}/MR_small_RLE.dcm`)), 'The FLAIR image')).width, 64);
});
