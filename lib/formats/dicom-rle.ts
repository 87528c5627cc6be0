import { UploadError } from '../errors';

// RLE Lossless (PS3.5 Annex G), grey images: a 64-byte header of 16 little-endian uint32 (the segment count, then each
// segment's offset), then one PackBits segment per byte plane, most significant plane first. No kept library decodes
// it on the server, and it is a few lines: every count and offset is bounded here, and it is fuzzed (test/dicom-rle.test.ts).

const HEADER_BYTES = 64;

const damaged = (label: string, why: string) => new UploadError(`${label} is a damaged DICOM file: its RLE Lossless pixel data ${why}.`, 400);

/** One byte plane of `pixels` values from a PackBits segment, written every `stride` bytes from `into[first]`. */
function unpackSegment(segment: Uint8Array, into: Uint8Array, first: number, stride: number, pixels: number, label: string): void {
  let read = 0, written = 0;
  while (written < pixels) {
    if (read >= segment.length) throw damaged(label, `is cut off (a segment gives ${written.toLocaleString('en')} of ${pixels.toLocaleString('en')} pixels)`);
    const header = (segment[read++] << 24) >> 24; // a signed byte
    if (header >= 0) {
      const count = header + 1;
      if (read + count > segment.length || written + count > pixels) throw damaged(label, 'has a literal run past its end');
      for (let i = 0; i < count; i++) into[first + (written + i) * stride] = segment[read + i];
      read += count;
      written += count;
    } else if (header !== -128) {
      const count = 1 - header;
      if (read >= segment.length || written + count > pixels) throw damaged(label, 'has a repeat run past its end');
      const value = segment[read++];
      for (let i = 0; i < count; i++) into[first + (written + i) * stride] = value;
      written += count;
    }
  }
}

/** One frame of `pixels` grey values, `bytesPerSample` each, little endian as typed arrays read them here. */
export function decodeRleFrame(frame: Uint8Array, pixels: number, bytesPerSample: 1 | 2, label: string): Uint8Array {
  if (frame.length < HEADER_BYTES) throw damaged(label, 'has no segment table');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) throw damaged(label, `has ${segments} segments where a ${bytesPerSample * 8}-bit grey image has ${bytesPerSample}`);
  const offsets = Array.from({ length: segments }, (_, s) => view.getUint32(4 + s * 4, true));
  if (offsets[0] !== HEADER_BYTES || offsets.some((o, s) => o > frame.length || (s > 0 && o <= offsets[s - 1]))) throw damaged(label, 'has a broken segment table');
  const out = new Uint8Array(pixels * bytesPerSample);
  offsets.forEach((offset, s) => {
    const end = s + 1 < segments ? offsets[s + 1] : frame.length;
    // segment 0 holds the most significant bytes, which sit last in a little-endian sample
    unpackSegment(frame.subarray(offset, end), out, bytesPerSample - 1 - s, bytesPerSample, pixels, label);
  });
  return out;
}
