import sharp, { type Metadata } from 'sharp';
import { UploadError } from '../errors';
import { MAX_INPUT_PIXELS, MIN_IMAGE_SIDE } from '../limits';
import type { QuarterTurns } from './turn';

// The only place (with raster.ts) that talks to sharp for slices: a picture file (PNG, JPEG, TIFF, WebP) -> pixels.

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
  /** A DICOM image with orientation tags: how far its stored pixels were turned from upright (counter-clockwise quarters; they are decoded upright). Null for pictures, which carry no orientation. */
  tagTurn: QuarterTurns | null;
}

/** Grey when the three channels agree nearly everywhere (grey PNGs are often stored as RGB). */
function looksColour(rgb: Uint8Array): boolean {
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
export async function decodePicture(bytes: Uint8Array, format: Exclude<ImageFormat, 'dicom'>, label: string, admit?: (width: number, height: number) => void): Promise<DecodedImage> {
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
    return { width: info.width, height: info.height, rgb, format, isColour: looksColour(rgb), pixelSpacingMm: null, tagTurn: null };
  } catch {
    throw new UploadError(`${label} could not be decoded: the ${format.toUpperCase()} data is damaged or truncated.`, 400);
  }
}
