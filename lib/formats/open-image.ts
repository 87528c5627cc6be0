import { UploadError } from '../errors';
import { decodePicture, type DecodedImage, type ImageFormat } from '../imaging/decode';
import { isDicom } from './dicom-file';
import { readDicomPicture } from './dicom-image';

// One uploaded slice, whatever its format -> the same decoded image: what the bytes are decides, never a file's name.

// DICOM first: a Part 10 file is one by its DICM mark at byte 128, whatever its 128-byte preamble holds (a TIFF header
// there makes a "dual-personality" file, which the standard allows)
const signatures: Array<[ImageFormat, (b: Uint8Array) => boolean]> = [
  ['dicom', isDicom],
  ['png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['tiff', (b) => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)],
  ['webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
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

/** A decoded upload, and whether its file says the pixels went through lossy compression (DICOM only; false for pictures). */
export type OpenedImage = DecodedImage & { lossyCompression: boolean };

/**
 * `admit` is told the picture's size from its header, before any pixel is decoded, so the request can reserve the
 * memory decoding will take (or be refused).
 */
export async function decodeImage(bytes: Uint8Array, label = 'The file', admit?: (width: number, height: number, extraBytesPerPixel?: number) => void): Promise<OpenedImage> {
  const format = sniffImageFormat(bytes, label);
  if (format !== 'dicom') return { ...(await decodePicture(bytes, format, label, admit)), lossyCompression: false };
  const picture = await readDicomPicture(bytes, label, admit);
  const rgb = new Uint8Array(picture.grey.length * 3);
  for (let i = 0; i < picture.grey.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = picture.grey[i];
  return { width: picture.width, height: picture.height, rgb, format, isColour: false, pixelSpacingMm: picture.pixelSpacingMm, tagTurn: picture.storedTurn, lossyCompression: picture.lossyCompression };
}
