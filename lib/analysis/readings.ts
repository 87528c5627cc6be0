import type { DecodedImage } from '../imaging/decode';
import { UploadError } from '../errors';

// How the uploaded pictures become the model's three channels (T1, FLAIR, T1c).

export type Reading = 'grayscale' | 'layered' | 'separate';
export type ReadingChoice = 'auto' | 'grayscale' | 'layered';

export const readingDescriptions: Record<Reading, string> = {
  grayscale: 'FLAIR alone (the image read as one grey channel)',
  layered: 'colour channels read as R = T1, G = FLAIR, B = T1c (the training data’s layout)',
  separate: 'FLAIR with the separately uploaded T1 / T1c images',
};

export function luma(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; j < grey.length; i += 3, j++) grey[j] = Math.round(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
  return grey;
}

/** Three grey planes -> interleaved T1, FLAIR, T1c pixels, the model's channel order. */
function interleave(t1: Uint8Array, flair: Uint8Array, t1c: Uint8Array, out = new Uint8Array(flair.length * 3)): Uint8Array {
  for (let i = 0; i < flair.length; i++) {
    out[i * 3] = t1[i];
    out[i * 3 + 1] = flair[i];
    out[i * 3 + 2] = t1c[i];
  }
  return out;
}

/** The readings to run: the chosen one first, then the other one for a colour image. */
export function chooseReadings(flair: DecodedImage, hasExtras: boolean, choice: ReadingChoice): Reading[] {
  if (hasExtras) return ['separate'];
  if (!flair.isColour) return ['grayscale'];
  return choice === 'grayscale' ? ['grayscale', 'layered'] : ['layered', 'grayscale'];
}

/** Interleaved T1, FLAIR, T1c pixels at the upload's size for one reading. */
export function channelsFor(reading: Reading, flair: DecodedImage, t1?: DecodedImage, t1c?: DecodedImage): Uint8Array {
  if (reading === 'layered') return flair.rgb;
  const flairGrey = luma(flair.rgb);
  if (reading === 'grayscale') return interleave(flairGrey, flairGrey, flairGrey);
  for (const [image, name] of [[t1, 'T1'], [t1c, 'T1c']] as const) {
    if (image && (image.width !== flair.width || image.height !== flair.height)) {
      throw new UploadError(`The ${name} image is ${image.width}×${image.height} but the FLAIR image is ${flair.width}×${flair.height}; they must show the same slice at the same size.`, 400);
    }
  }
  return interleave(t1 ? luma(t1.rgb) : flairGrey, flairGrey, t1c ? luma(t1c.rgb) : flairGrey);
}

/** The FLAIR channel of interleaved pixels. */
export function flairChannel(pixels: Uint8Array): Uint8Array {
  const flair = new Uint8Array(pixels.length / 3);
  for (let i = 0; i < flair.length; i++) flair[i] = pixels[i * 3 + 1];
  return flair;
}
