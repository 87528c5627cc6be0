import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import sharp from 'sharp';

import { BOUNDARY, fixture, multipartBody, multipartHeaders, type Part, type RawRequest, type UploadFile } from './client';

// Broken and hostile uploads, built at test time from the real fixtures.

const readFixture = (name: string) => readFileSync(fixture(name));


type ExpectedStatus = 200 | 400 | 413 | 415 | 422;

export interface FileCase {
  title: string;
  file: () => Promise<UploadFile>;
  status: ExpectedStatus;
  /** For 200: the label a person would expect. */
  label?: 'Tumor' | 'No Tumor';
  /** For 200: the answer must equal the one for this reference image (same picture, another encoding). */
  sameAs?: { reference: () => Promise<UploadFile>; probabilityWithin: number; maskOverlapAbove?: number };
  /** Also sent through the page in Chromium (a representative subset). */
  inBrowser?: boolean;
}


export interface RequestCase {
  title: string;
  request: () => Promise<RawRequest>;
  status: ExpectedStatus;
  label?: 'Tumor' | 'No Tumor';
}

const png = (name: string, buffer: Buffer): UploadFile => ({ name, mimeType: 'image/png', buffer });
const tumourPng = async () => png('tumour-flair.png', readFixture('tumour-flair.png'));
const tumourSharp = () => sharp(readFixture('tumour-flair.png'));

/** A fixed-seed generator, so a failing case fails the same way on the next run. */
function seededBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1-bit grey PNG whose IHDR says width x height, every pixel black: kilobytes that would decode to gigabytes. */
function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((Math.ceil(width / 8) + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose IHDR claims a zero width. */
function zeroWidthPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(0, 0);
  header.writeUInt32BE(256, 4);
  header[8] = 8;
  return Buffer.concat([readFixture('tumour-flair.png').subarray(0, 8), pngChunk('IHDR', header), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A small real JPEG whose frame header is rewritten to claim 60000 x 60000 pixels. */
async function jpegBomb(): Promise<Buffer> {
  const jpeg = await tumourSharp().resize(64, 64).jpeg().toBuffer();
  for (let i = 2; i < jpeg.length - 9; i++) {
    if (jpeg[i] === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2)) {
      jpeg.writeUInt16BE(60000, i + 5);
      jpeg.writeUInt16BE(60000, i + 7);
      return jpeg;
    }
  }
  throw new Error('no SOF marker in the generated JPEG');
}

/** The same PNG with one byte inside its image data flipped, so the chunk's checksum no longer matches. */
function corruptedPng(): Buffer {
  const bytes = Buffer.from(readFixture('tumour-flair.png'));
  const idat = bytes.indexOf('IDAT', 0, 'latin1');
  bytes[idat + 200] ^= 0xff;
  return bytes;
}

/** The upright slice, padded to a portrait 256 x 320 so that a wrong rotation changes its shape. */
async function uprightPortrait(): Promise<Buffer> {
  return tumourSharp().extend({ bottom: 64, background: '#000000' }).png().toBuffer();
}

async function uprightJpeg(): Promise<UploadFile> {
  return { name: 'upright.jpg', mimeType: 'image/jpeg', buffer: await sharp(await uprightPortrait()).jpeg({ quality: 100 }).toBuffer() };
}

/** Pixels stored turned a quarter left, with EXIF orientation 6 ("turn right to view"): a phone photo of a screen. */
async function exifRotatedJpeg(): Promise<UploadFile> {
  const stored = await sharp(await uprightPortrait()).rotate(270).png().toBuffer();
  const buffer = await sharp(stored).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
  return { name: 'phone-photo.jpg', mimeType: 'image/jpeg', buffer };
}

async function animatedGif(): Promise<Buffer> {
  const frames = [await tumourSharp().png().toBuffer(), await tumourSharp().negate().png().toBuffer()];
  return sharp(frames, { join: { animated: true } }).gif({ loop: 0 }).toBuffer();
}

/** The slice on a transparent canvas whose hidden colour is white: flattened onto black it is the slice again. */
async function alphaPng(): Promise<Buffer> {
  const { data, info } = await tumourSharp().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < info.width * info.height; i++) {
    const value = data[i];
    rgba.set(value > 8 ? [value, value, value, 255] : [255, 255, 255, 0], i * 4);
  }
  return sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
}

const svgWithScript = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><script>fetch('/api/health?stolen='+document.cookie)</script>
<rect width="256" height="256" fill="black"/><circle cx="128" cy="128" r="90" fill="grey"/></svg>`;

const minimalPdf = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 256 256] >> endobj
trailer << /Root 1 0 R >>
%%EOF`;

const blank = (colour: string) => sharp({ create: { width: 256, height: 256, channels: 3, background: colour } }).png().toBuffer();

export const fileCases: FileCase[] = [
  // Not images at all, or not images we read.
  { title: 'an empty file', status: 400, file: async () => png('slice.png', Buffer.alloc(0)) },
  { title: 'a text file named .png', status: 400, inBrowser: true, file: async () => png('notes.png', Buffer.from('Patient notes: follow-up in six weeks.\n')) },
  { title: 'an HTML page named .png', status: 415, file: async () => png('page.png', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')) },
  { title: 'an SVG with a <script>', status: 415, inBrowser: true, file: async () => ({ name: 'slice.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svgWithScript) }) },
  { title: 'a PDF document', status: 415, inBrowser: true, file: async () => ({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf) }) },
  { title: 'a PDF named .png and declared image/png', status: 415, file: async () => png('scan.png', Buffer.from(minimalPdf)) },
  { title: '64 kB of random bytes', status: 400, file: async () => ({ name: 'random.bin', mimeType: 'application/octet-stream', buffer: seededBytes(64 * 1024) }) },
  { title: 'a BMP', status: 415, file: async () => ({ name: 'slice.bmp', mimeType: 'image/bmp', buffer: Buffer.concat([Buffer.from('BM'), seededBytes(1024)]) }) },
  { title: 'an HEIC-style container', status: 415, file: async () => ({ name: 'slice.heic', mimeType: 'image/heic', buffer: Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), seededBytes(512)]) }) },
  { title: 'an animated GIF', status: 415, file: async () => ({ name: 'slices.gif', mimeType: 'image/gif', buffer: await animatedGif() }) },
  { title: 'a NIfTI volume sent as a slice', status: 415, file: async () => ({ name: 'brain.nii.gz', mimeType: 'application/gzip', buffer: readFixture('brats-pat0001-flair.nii.gz') }) },

  // Damaged images.
  { title: 'a truncated PNG', status: 400, inBrowser: true, file: async () => png('cut.png', readFixture('tumour-flair.png').subarray(0, 20_000)) },
  { title: 'a truncated JPEG', status: 400, file: async () => {
    const jpeg = await tumourSharp().jpeg({ quality: 90 }).toBuffer();
    return { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)) };
  } },
  { title: 'a PNG with a damaged chunk checksum', status: 400, file: async () => png('damaged.png', corruptedPng()) },
  { title: 'a PNG header claiming zero width', status: 400, file: async () => png('zero.png', zeroWidthPng()) },

  // Too large once decoded (decompression bombs) and too small.
  { title: 'a 30000x30000 PNG decompression bomb', status: 413, inBrowser: true, file: async () => png('bomb.png', pngBomb(30_000, 30_000)) },
  { title: 'a PNG one column over the pixel limit', status: 413, file: async () => png('wide.png', pngBomb(4097, 4096)) },
  { title: 'a JPEG whose header claims 60000x60000', status: 413, file: async () => ({ name: 'bomb.jpg', mimeType: 'image/jpeg', buffer: await jpegBomb() }) },
  { title: 'a 1x1 image', status: 400, file: async () => png('dot.png', await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer()) },
  { title: 'a 4096x32 strip', status: 422, file: async () => png('strip.png', await tumourSharp().resize(4096, 32, { fit: 'fill' }).png().toBuffer()) },

  // A black picture is a slice beyond the head (or its export): answered, with nothing in it.
  { title: 'a blank black image', status: 200, label: 'No Tumor', inBrowser: true, file: async () => png('black.png', await blank('#000000')) },

  // Readable images that are not brain MRI slices.
  { title: 'a blank white image', status: 422, file: async () => png('white.png', await blank('#ffffff')) },
  { title: 'an image of colour noise', status: 422, file: async () => png('noise.png', await sharp(seededBytes(256 * 256 * 3, 7), { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer()) },
  { title: 'a photograph (scikit-image camera, CC0)', status: 422, inBrowser: true, file: async () => png('camera.png', readFixture('not-mri-camera.png')) },
  { title: 'a photographed page of text (scikit-image text, public domain)', status: 422, file: async () => png('text.png', readFixture('not-mri-text.png')) },

  // Valid slices in every encoding we accept: the answer is the picture's, not the container's.
  { title: 'a 16-bit greyscale PNG', status: 200, label: 'Tumor', inBrowser: true,
    file: async () => png('slice-16bit.png', await tumourSharp().toColourspace('grey16').png().toBuffer()),
    sameAs: { reference: tumourPng, probabilityWithin: 1e-4 } },
  { title: 'a CMYK JPEG', status: 200, label: 'Tumor',
    file: async () => ({ name: 'print.jpg', mimeType: 'image/jpeg', buffer: await tumourSharp().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer() }),
    // the CMYK round trip (through ICC profiles) shifts grey values non-linearly, like a gamma change: the same answer,
    // not the same digits (v1.2.0: 0.986 against 0.942)
    sameAs: { reference: tumourPng, probabilityWithin: 0.1, maskOverlapAbove: 0.6 } },
  { title: 'an EXIF-rotated JPEG gives the upright answer', status: 200, inBrowser: true, file: exifRotatedJpeg,
    sameAs: { reference: uprightJpeg, probabilityWithin: 0.01 } },
  { title: 'a TIFF', status: 200, label: 'Tumor',
    file: async () => ({ name: 'slice.tif', mimeType: 'image/tiff', buffer: await tumourSharp().tiff({ compression: 'lzw' }).toBuffer() }),
    sameAs: { reference: tumourPng, probabilityWithin: 1e-4 } },
  { title: 'a lossless WebP', status: 200, label: 'Tumor',
    file: async () => ({ name: 'slice.webp', mimeType: 'image/webp', buffer: await tumourSharp().webp({ lossless: true }).toBuffer() }),
    sameAs: { reference: tumourPng, probabilityWithin: 1e-4 } },
  { title: 'a PNG with a transparent background', status: 200, label: 'Tumor', file: async () => png('alpha.png', await alphaPng()),
    sameAs: { reference: tumourPng, probabilityWithin: 0.02 } },
  { title: 'a 4096x4096 slice (the largest allowed)', status: 200, label: 'Tumor',
    file: async () => png('huge.png', await tumourSharp().resize(4096, 4096, { kernel: 'linear' }).png({ compressionLevel: 9 }).toBuffer()) },
  { title: 'a PNG declared as application/pdf', status: 200, label: 'Tumor',
    file: async () => ({ name: 'slice.pdf', mimeType: 'application/pdf', buffer: readFixture('tumour-flair.png') }),
    sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },
  { title: 'a PNG with an HTML page appended after its end', status: 200, label: 'Tumor',
    file: async () => png('polyglot.png', Buffer.concat([readFixture('tumour-flair.png'), Buffer.from('<html><script>alert(1)</script></html>')])),
    sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },

  // Hostile file names with valid content: the name is never used, so they succeed.
  { title: 'a path-traversal file name', status: 200, label: 'Tumor', inBrowser: true,
    file: async () => png('../../etc/passwd.png', readFixture('tumour-flair.png')), sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },
  { title: 'a 10000-character file name', status: 200, label: 'Tumor',
    file: async () => png(`${'a'.repeat(9996)}.png`, readFixture('tumour-flair.png')), sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },
  { title: 'a right-to-left and emoji file name', status: 200, label: 'Tumor', inBrowser: true,
    file: async () => png('\u202Egnp.exe\u202C שיקוף-מוח 🧠.png', readFixture('tumour-flair.png')), sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },
  { title: 'a file name with quotes, semicolons and CRLF', status: 200, label: 'Tumor',
    file: async () => png('a";\r\nContent-Type: text/html; x=".png', readFixture('tumour-flair.png')), sameAs: { reference: tumourPng, probabilityWithin: 1e-6 } },
];

// Whole requests that are wrong in their shape rather than in the file.

const flairPart = (data: Buffer = readFixture('tumour-flair.png')): Part => ({ name: 'flair', filename: 'slice.png', contentType: 'image/png', data });

/** A body sent in chunks without a Content-Length, so only the streaming limit can stop it. */
function chunkedBody(body: Buffer, chunkSize = 256 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(new Uint8Array(body.subarray(offset, offset + chunkSize)));
      offset += chunkSize;
    },
  });
}

export const OVERSIZED_BYTES = 25 * 1024 * 1024;

export const requestCases: RequestCase[] = [
  { title: 'a 25 MB upload with its size declared', status: 413,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([flairPart(seededBytes(OVERSIZED_BYTES))]) }) },
  { title: 'a 25 MB upload streamed without a declared size', status: 413,
    request: async () => ({ headers: multipartHeaders(), body: chunkedBody(multipartBody([flairPart(Buffer.concat([readFixture('tumour-flair.png'), seededBytes(OVERSIZED_BYTES)]))])) }) },
  { title: 'a valid upload streamed without a declared size', status: 200, label: 'Tumor',
    request: async () => ({ headers: multipartHeaders(), body: chunkedBody(multipartBody([flairPart()]), 4096) }) },
  { title: 'a form without the flair field', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([{ name: 'reading', data: 'auto' }]) }) },
  { title: 'the file under another field name only', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([{ ...flairPart(), name: 'image' }]) }) },
  { title: 'unknown extra fields and files are ignored', status: 200, label: 'Tumor',
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([
      { name: 'patient', data: 'Jane Doe' }, { name: '__proto__', data: '{"polluted":true}' },
      { name: 'evil', filename: 'evil.sh', contentType: 'text/x-shellscript', data: '#!/bin/sh\nrm -rf /\n' }, flairPart(),
    ]) }) },
  { title: 'two flair files', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([flairPart(), flairPart(readFixture('no-tumour-flair.png'))]) }) },
  { title: 'an unknown reading', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([flairPart(), { name: 'reading', data: 'sideways' }]) }) },
  { title: 'too many text fields', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([flairPart(), ...Array.from({ length: 40 }, (_, i) => ({ name: `field${i}`, data: 'x' }))]) }) },
  { title: 'a JSON body', status: 415,
    request: async () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ flair: readFixture('tumour-flair.png').toString('base64') })) }) },
  { title: 'a raw PNG body', status: 415,
    request: async () => ({ headers: { 'content-type': 'image/png' }, body: readFixture('tumour-flair.png') }) },
  { title: 'multipart without a boundary', status: 400,
    request: async () => ({ headers: { 'content-type': 'multipart/form-data' }, body: multipartBody([flairPart()]) }) },
  { title: 'a boundary that does not match the body', status: 400,
    request: async () => ({ headers: multipartHeaders('not-the-boundary'), body: multipartBody([flairPart()]) }) },
  { title: 'a multipart body cut off inside the file', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: multipartBody([flairPart()], BOUNDARY, false).subarray(0, 20_000) }) },
  { title: 'a multipart request with an empty body', status: 400,
    request: async () => ({ headers: multipartHeaders(), body: Buffer.alloc(0) }) },
];

// The form's door: a POST to /predict as React sends a server action.

/** The id of the page's server action, read from the page as a browser without JavaScript would. */
