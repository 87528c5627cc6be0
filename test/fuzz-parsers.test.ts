import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { parseMultipart } from '../lib/http/multipart';
import { decodeImage } from '../lib/formats/open-image';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { endsWell } from '../testkit/fuzz';
import { makeNifti } from '../testkit/nifti-synthetic';

// Property-based fuzzing of every parser an upload meets: each generated input must end in a typed 4xx error
// (UploadError, or 503 ServerBusyError from the memory budget) or a valid result, never another throw or a hang.

/** Writes `value` at `offset` as one of the widths a header field has. */
const fieldWrite = fc.record({
  offset: fc.nat(352 + 64),
  width: fc.constantFrom(1, 2, 4),
  value: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 1, 348, 352, -16, 16, 32767, -32768, 65535)),
  float: fc.boolean(),
  littleEndian: fc.boolean(),
});

type FieldWrite = typeof fieldWrite extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, writes: FieldWrite[]): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (const w of writes) {
    if (w.offset + w.width > out.length) continue;
    if (w.float && w.width === 4) view.setFloat32(w.offset, w.value / 7, w.littleEndian);
    else if (w.width === 4) view.setInt32(w.offset, w.value, w.littleEndian);
    else if (w.width === 2) view.setInt16(w.offset, w.value, w.littleEndian);
    else view.setUint8(w.offset, w.value & 0xff);
  }
  return out;
}

test('NIfTI: every header field mutated, extensions included, .nii and .nii.gz: 4,000 cases', async () => {
  const base = makeNifti({ dims: [6, 5, 4], datatype: 'int16', voxOffset: 400 });
  base[348] = 1; // an extension, so its size and code are among the fields mutated
  new DataView(base.buffer).setInt32(352, 48, true);
  await fc.assert(
    fc.asyncProperty(fc.array(fieldWrite, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.nat(600), async (writes, packed, cut) => {
      let bytes = mutate(base, writes);
      if (cut > 0 && cut < bytes.length) bytes = bytes.subarray(0, bytes.length - cut);
      if (packed) bytes = gzipSync(bytes);
      await endsWell(() => readNiftiVolume(bytes), 'NIfTI');
    }),
    { numRuns: 4000 },
  );
});

test('gzip framing: flipped, cut and repeated bytes of a .nii.gz: 1,500 cases', async () => {
  const packed = gzipSync(makeNifti({ dims: [8, 8, 8], datatype: 'uint8' }));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.nat(255)), { maxLength: 8 }), fc.nat(packed.length), fc.nat(3), async (flips, keep, repeats) => {
      const bytes = new Uint8Array(packed);
      for (const [at, value] of flips) bytes[at] = value;
      const framed = Buffer.concat([bytes.subarray(0, Math.max(2, keep)), ...Array.from({ length: repeats }, () => bytes)]);
      await endsWell(() => readNiftiVolume(framed), 'gzip');
    }),
    { numRuns: 1500 },
  );
});

const slice = readFileSync(new URL('../e2e/fixtures/tumour-flair.png', import.meta.url));

test('multipart: framing, part headers and content types: 2,500 cases', async () => {
  const crlf = fc.constantFrom('\r\n', '\n', '', '\r\n\r\n');
  const contentType = fc.oneof(
    fc.constant('multipart/form-data; boundary=b0'),
    fc.constantFrom('multipart/form-data; boundary=octet-stream', 'application/json', 'application/octet-stream', 'multipart/mixed; boundary=b0',
      'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="b0"', 'MULTIPART/FORM-DATA; BOUNDARY=b0'),
    fc.string({ maxLength: 80 }),
  );
  const part = fc.record({
    name: fc.oneof(fc.constantFrom('flair', 't1', 't1c', 'reading', 'force'), fc.string({ maxLength: 12 })),
    filename: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    type: fc.option(fc.constantFrom('image/png', 'application/octet-stream', 'text/plain', ''), { nil: undefined }),
    body: fc.oneof(fc.constant(slice as Uint8Array), fc.uint8Array({ maxLength: 300 })),
    eol: crlf,
    headerNoise: fc.string({ maxLength: 40 }),
  });
  await fc.assert(
    fc.asyncProperty(contentType, fc.array(part, { maxLength: 5 }), fc.boolean(), fc.boolean(), async (type, parts, closed, declareLength) => {
      const chunks: Uint8Array[] = parts.map((p) => Buffer.concat([
        Buffer.from(`--b0${p.eol}Content-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}${p.eol}`),
        Buffer.from(`${p.type === undefined ? '' : `Content-Type: ${p.type}${p.eol}`}${p.headerNoise}${p.eol}${p.eol}`),
        p.body, Buffer.from(p.eol),
      ]));
      if (closed) chunks.push(Buffer.from('--b0--\r\n'));
      const body = Buffer.concat(chunks);
      const headers = new Headers({ 'content-type': type.replace(/[\r\n\0]/g, ' ') });
      if (declareLength) headers.set('content-length', String(body.length));
      const request = { headers, body: new Blob([body]).stream() } as unknown as Request;
      const memory = new MemoryBudget(32 * 1024 * 1024).reserve();
      await endsWell(() => parseMultipart(request, { maxTotalBytes: 10 * 1024 * 1024, fileFields: ['flair', 't1', 't1c'], memory }), 'multipart');
    }),
    { numRuns: 2500 },
  );
});

test('images: PNG and JPEG headers and chunks mutated: 2,000 cases', async () => {
  const jpeg = readFileSync(new URL('./fixtures/flair-exif-rotated.jpg', import.meta.url));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(slice, jpeg), fc.array(fc.tuple(fc.nat(400), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.nat(2000), async (image, flips, cut) => {
      const bytes = new Uint8Array(image);
      for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
      await endsWell(() => decodeImage(bytes.subarray(0, Math.max(0, bytes.length - cut)), 'The FLAIR image'), 'image');
    }),
    { numRuns: 2000 },
  );
});
