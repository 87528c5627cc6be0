import sharp from 'sharp';
import type { Letterbox } from './letterbox';

// Resizing and encoding with sharp: model input, masks at the upload's size, pictures for the page.

type RawInfo = { width: number; height: number; channels: 1 | 3 | 4 };

function raw(pixels: Uint8Array, info: RawInfo) {
  return sharp(pixels, { raw: info });
}

function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** Interleaved 3-channel pixels into the square model input, aspect kept, black padding. */
export async function letterboxPixels(rgb: Uint8Array, width: number, height: number, box: Letterbox): Promise<Uint8Array> {
  if (width === box.size && height === box.size) return rgb;
  const data = await raw(rgb, { width, height, channels: 3 })
    .resize(box.width, box.height, { fit: 'fill', kernel: 'linear' })
    .extend({ top: box.top, left: box.left, bottom: box.size - box.top - box.height, right: box.size - box.left - box.width, background: '#000000' })
    .raw()
    .toBuffer();
  return asBytes(data);
}

/** A one-channel 8-bit map resized (bilinear) to another size. */
export async function resizeGrey(pixels: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  if (width === toWidth && height === toHeight) return pixels;
  // sharp turns one raw channel into sRGB on resize; take the single channel back
  const data = await raw(pixels, { width, height, channels: 1 }).resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' }).extractChannel(0).raw().toBuffer();
  return asBytes(data);
}

export async function encodePng(pixels: Uint8Array, info: RawInfo): Promise<Buffer> {
  const image = raw(pixels, info);
  // a one-channel mask stays a one-channel (greyscale) PNG
  return (info.channels === 1 ? image.toColourspace('b-w') : image).png({ compressionLevel: 6 }).toBuffer();
}

/** Pixels resized (linear) to another size, as a PNG. */
export async function resizedPng(pixels: Uint8Array, info: RawInfo, toWidth: number, toHeight: number): Promise<Buffer> {
  return raw(pixels, info).resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' }).png({ compressionLevel: 6 }).toBuffer();
}

/** A copy of the upload for the page, at most maxSide pixels a side. */
export async function displayPng(pixels: Uint8Array, info: RawInfo, maxSide: number): Promise<{ png: Buffer; width: number; height: number }> {
  const scale = Math.min(1, maxSide / Math.max(info.width, info.height));
  const width = Math.max(1, Math.round(info.width * scale));
  const height = Math.max(1, Math.round(info.height * scale));
  let image = raw(pixels, info);
  if (width !== info.width || height !== info.height) image = image.resize(width, height, { fit: 'fill' });
  if (info.channels === 1) image = image.toColourspace('b-w');
  // level 3 with adaptive filtering: as small as level 6 without it, and quicker (docs/performance.md)
  const png = await image.png({ compressionLevel: 3, adaptiveFiltering: true }).toBuffer();
  return { png, width, height };
}

/** A grey picture for the page as a JPEG: a few kB where a PNG of an MRI slice takes tens. */
export async function encodeGreyJpeg(pixels: Uint8Array, width: number, height: number, quality = 85): Promise<Buffer> {
  return raw(pixels, { width, height, channels: 1 }).toColourspace('b-w').jpeg({ quality, mozjpeg: true }).toBuffer();
}
