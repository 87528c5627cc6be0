import { UploadError } from '../errors';
import type { PixelEncoding } from './dicom-syntax';

// A compressed frame's own header, read before any codec sees the frame: JPEG's SOF (ITU T.81 B.2.2), JPEG-LS's SOF55
// (T.87 C.2.2) and JPEG 2000's SIZ (T.800 A.5.1). A frame whose size, components or bit depth disagree with the data
// set's Rows, Columns and BitsStored is refused, so a codec never allocates what the memory budget did not admit.

export interface CodestreamHeader {
  width: number;
  height: number;
  bitDepth: number;
  components: number;
  /** The JPEG frame marker (0xC0 baseline, 0xC1 extended, 0xC3 lossless, 0xF7 JPEG-LS); 0 for JPEG 2000. */
  marker: number;
}

export interface FrameExpectation {
  rows: number;
  columns: number;
  bitsStored: number;
  /** 1 or 2: the stored sample's width. */
  bytesPerSample: number;
}

const uint16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const uint32 = (b: Uint8Array, at: number) => b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);

// Frame markers: SOF0-SOF15 less DHT (C4), JPG (C8) and DAC (CC); and JPEG-LS's SOF55
const FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf, 0xf7]);

function jpegFrameHeader(stream: Uint8Array): CodestreamHeader | null {
  if (stream[0] !== 0xff || stream[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= stream.length) {
    if (stream[at] !== 0xff) return null;
    const marker = stream[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan or end before any frame header
    const length = uint16(stream, at + 2);
    if (length < 2 || at + 2 + length > stream.length) return null;
    if (FRAME_MARKERS.has(marker)) {
      if (length < 8) return null;
      return { marker, bitDepth: stream[at + 4], height: uint16(stream, at + 5), width: uint16(stream, at + 7), components: stream[at + 9] };
    }
    at += 2 + length;
  }
  return null;
}

function jpeg2000Header(stream: Uint8Array): CodestreamHeader | null {
  // SOC then SIZ, always first in a codestream
  if (stream.length < 42 || uint16(stream, 0) !== 0xff4f || uint16(stream, 2) !== 0xff51) return null;
  const width = uint32(stream, 8) - uint32(stream, 16), height = uint32(stream, 12) - uint32(stream, 20);
  const components = uint16(stream, 40);
  if (stream.length < 42 + components * 3 || components < 1 || width < 1 || height < 1) return null;
  const depths = Array.from({ length: components }, (_, c) => (stream[42 + c * 3] & 0x7f) + 1);
  return { marker: 0, width, height, components, bitDepth: Math.max(...depths) };
}

const wanted: Record<Exclude<PixelEncoding, 'native' | 'rle'>, { markers: number[]; what: string }> = {
  'jpeg-baseline': { markers: [0xc0, 0xc1], what: 'a baseline JPEG frame header (SOF0)' },
  'jpeg-lossless': { markers: [0xc3], what: 'a lossless JPEG frame header (SOF3)' },
  'jpeg-ls': { markers: [0xf7], what: 'a JPEG-LS frame header (SOF55)' },
  'jpeg-2000': { markers: [0], what: 'a JPEG 2000 codestream (SOC, SIZ)' },
};

/** Reads and checks one frame's codestream header against what the data set says; throws a 4xx naming what differs. */
export function checkCodestream(stream: Uint8Array, encoding: Exclude<PixelEncoding, 'native' | 'rle'>, expected: FrameExpectation, label: string, syntaxName: string): CodestreamHeader {
  const header = encoding === 'jpeg-2000' ? jpeg2000Header(stream) : jpegFrameHeader(stream);
  const what = `${label} (${syntaxName})`;
  const want = wanted[encoding];
  if (!header || !want.markers.includes(header.marker)) {
    throw new UploadError(`${what} is damaged: its frame does not start with ${want.what}.`, 400);
  }
  if (encoding === 'jpeg-baseline' && header.bitDepth !== 8) {
    throw new UploadError(`${what} holds ${header.bitDepth}-bit JPEG Extended pixels, which this server cannot decode (only 8-bit JPEG Baseline). Export the series uncompressed (Explicit VR Little Endian).`, 415);
  }
  if (header.components !== 1) throw new UploadError(`${what} holds ${header.components} colour components in a frame; an MRI series is grey.`, 415);
  const bytes = header.bitDepth <= 8 ? 1 : 2;
  if (header.width !== expected.columns || header.height !== expected.rows || header.bitDepth > 16 || header.bitDepth < expected.bitsStored || bytes !== expected.bytesPerSample) {
    throw new UploadError(
      `${what} disagrees with itself: the frame is ${header.width}×${header.height} at ${header.bitDepth} bits, the file says ${expected.columns}×${expected.rows} at ${expected.bitsStored} bits stored in ${expected.bytesPerSample * 8}.`,
      422,
    );
  }
  return header;
}
