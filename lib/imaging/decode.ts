import sharp, { type Metadata } from 'sharp';
import { UploadError } from '../errors';
import { MAX_INPUT_PIXELS, MIN_IMAGE_SIDE } from '../limits';
import { isDicom } from '../volume/dicom-file';
import { readDicomPicture } from './dicom-image';

// The only place (with raster.ts) that talks to sharp for slices.

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'webp' | 'dicom';

/** 8-bit sRGB pixels, interleaved, after EXIF orientation, colour conversion (CMYK, 16-bit) and alpha flattened onto black. */
export interface DecodedImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  format: ImageFormat;
  isColour: boolean;
  /** Between rows and between columns, mm: known for a DICOM image with PixelSpacing, null otherwise. */
  pixelSpacingMm: [number, number] | null;
}

const signatures: Array<[ImageFormat, (b: Uint8Array) => boolean]> = [
  ['png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['tiff', (b) => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)],
  ['webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['dicom', isDicom],
];

const knownOtherTypes: Array<[string, (b: Uint8Array) => boolean]> = [
  ['a GIF', (b) => ascii(b, 0, 4) === 'GIF8'],
  ['a PDF document', (b) => ascii(b, 0, 5) === '%PDF-'],
  ['a BMP', (b) => ascii(b, 0, 2) === 'BM'],
  ['a NIfTI volume (use the volume page)', (b) => ascii(b, 344, 347) === 'n+1' || ascii(b, 344, 347) === 'ni1' || (b[0] === 0x1f && b[1] === 0x8b)],
  ['an HEIC/AVIF image', (b) => ascii(b, 4, 8) === 'ftyp'],
  ['an SVG or HTML document', (b) => /^\s*(<\?xml|<svg|<!doctype|<html)/i.test(ascii(b, 0, 256))],
];

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/** What the bytes are, from their first bytes; a file's name and declared type are never trusted. */
export function sniffImageFormat(bytes: Uint8Array, label = 'The file'): ImageFormat {
  if (bytes.length === 0) throw new UploadError(`${label} is empty.`, 400);
  for (const [format, test] of signatures) if (test(bytes)) return format;
  for (const [name, test] of knownOtherTypes) {
    if (test(bytes)) throw new UploadError(`${label} is ${name}. Upload a PNG, JPEG, TIFF or WebP image or a DICOM file of an MRI slice.`, 415);
  }
  throw new UploadError(`${label} is not an image we can read. Upload a PNG, JPEG, TIFF or WebP image or a DICOM file of an MRI slice.`, 400);
}

/** Grey when the three channels agree nearly everywhere (grey PNGs are often stored as RGB). */
export function looksColour(rgb: Uint8Array): boolean {
  let differing = 0;
  const pixels = rgb.length / 3;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
    if (Math.abs(r - g) > 6 || Math.abs(g - b) > 6 || Math.abs(r - b) > 6) differing++;
  }
  return differing > pixels * 0.01;
}

/**
 * `admit` is told the picture's size from its header, before any pixel is decoded, so the request can reserve the
 * memory decoding will take (or be refused).
 */
export async function decodeImage(bytes: Uint8Array, label = 'The file', admit?: (width: number, height: number, extraBytesPerPixel?: number) => void): Promise<DecodedImage> {
  const format = sniffImageFormat(bytes, label);
  if (format === 'dicom') {
    const picture = await readDicomPicture(bytes, label, admit);
    const rgb = new Uint8Array(picture.grey.length * 3);
    for (let i = 0; i < picture.grey.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = picture.grey[i];
    return { width: picture.width, height: picture.height, rgb, format, isColour: false, pixelSpacingMm: picture.pixelSpacingMm };
  }
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const, autoOrient: true };
  let metadata: Metadata;
  try {
    // the header alone: the pixel limit is checked below with a clearer message than sharp's
    metadata = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw new UploadError(`${label} could not be read: it looks like a ${format.toUpperCase()} but is damaged or truncated.`, 400);
  }
  const width = metadata.autoOrient?.width ?? metadata.width ?? 0;
  const height = metadata.autoOrient?.height ?? metadata.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new UploadError(`${label} is ${width}×${height} pixels; the limit is ${MAX_INPUT_PIXELS.toLocaleString('en')} pixels. Resize it and try again.`, 413);
  }
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new UploadError(`${label} is ${width}×${height} pixels, too small to be an MRI slice (at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}).`, 400);
  }
  admit?.(width, height);
  try {
    const { data, info } = await sharp(bytes, options)
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { width: info.width, height: info.height, rgb, format, isColour: looksColour(rgb), pixelSpacingMm: null };
  } catch {
    throw new UploadError(`${label} could not be decoded: the ${format.toUpperCase()} data is damaged or truncated.`, 400);
  }
}
