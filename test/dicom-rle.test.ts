import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { UploadError } from '../lib/errors';
import { decodeRleFrame } from '../lib/formats/dicom-rle';
import { assertUploadError } from '../testkit/assert-upload-error';

// RLE Lossless (PS3.5 Annex G) as the standard spells it, byte by byte; dcmtk's dcmcrle is the outside writer
// (test/dicom-codecs.test.ts). Arbitrary bytes end in the typed refusal or a frame of the right size, never another throw.

function rleFrame(segments: number[][]): Uint8Array {
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, s) => {
    header.setUint32(4 + s * 4, offset, true);
    offset += segment.length;
  });
  return Uint8Array.from([...new Uint8Array(header.buffer), ...segments.flat()]);
}

test('a 16-bit frame: the high-byte segment first, literal and repeat runs, a -128 no-op and even padding', () => {
  // pixels 0x0102 0x0102 0x0304 0x00ff: high bytes 01 01 03 00, low bytes 02 02 04 ff
  const frame = rleFrame([[3, 1, 1, 3, 0], [0x80, 0xff, 2, 1, 4, 0xff, 0]]);
  assert.deepEqual(Array.from(new Uint16Array(decodeRleFrame(frame, 4, 2, 'File 1 of 1').buffer)), [0x0102, 0x0102, 0x0304, 0x00ff]);
});

test('an 8-bit frame of one long repeat run', () => {
  assert.deepEqual(Array.from(decodeRleFrame(rleFrame([[0x81, 7]]), 128, 1, 'File 1 of 1')), Array(128).fill(7));
});

test('broken frames are refused by name: segment count, offsets, runs past the end, a short segment', async () => {
  await assertUploadError(() => decodeRleFrame(rleFrame([[0, 1]]), 1, 2, 'File 2 of 5'), 400, /^File 2 of 5 is a damaged DICOM file: its RLE Lossless pixel data has 1 segments where a 16-bit grey image has 2/);
  const badOffset = rleFrame([[0, 1], [0, 2]]);
  badOffset[8] = 200;
  await assertUploadError(() => decodeRleFrame(badOffset, 1, 2, 'File 1 of 1'), 400, /broken segment table/);
  await assertUploadError(() => decodeRleFrame(rleFrame([[5, 1, 2]]), 6, 1, 'File 1 of 1'), 400, /literal run past its end/);
  await assertUploadError(() => decodeRleFrame(rleFrame([[0xfe, 1]]), 2, 1, 'File 1 of 1'), 400, /repeat run past its end/);
  await assertUploadError(() => decodeRleFrame(rleFrame([[0, 1]]), 4, 1, 'File 1 of 1'), 400, /is cut off \(a segment gives 1 of 4 pixels\)/);
  await assertUploadError(() => decodeRleFrame(new Uint8Array(10), 4, 1, 'File 1 of 1'), 400, /has no segment table/);
});

test('fuzz: any segments, any sizes: a frame of exactly the pixels asked for, or the typed refusal', () => {
  const segment = fc.uint8Array({ maxLength: 300 });
  fc.assert(
    fc.property(fc.array(segment, { minLength: 0, maxLength: 3 }), fc.integer({ min: 1, max: 400 }), fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 8 }), (segments, pixels, bytes, junk) => {
      const frame = Uint8Array.from([...rleFrame(segments.map((s) => Array.from(s))), ...junk]);
      try {
        assert.equal(decodeRleFrame(frame, pixels, bytes as 1 | 2, 'File 1 of 1').length, pixels * bytes);
      } catch (error) {
        assert.ok(error instanceof UploadError && error.status === 400, String(error));
      }
    }),
    { numRuns: 2000, seed: 27 },
  );
});
