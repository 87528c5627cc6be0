import type { Letterbox } from './letterbox';

// A cheap guard against pictures that are not MRI slices at all (photos, scans of documents, noise):
// an MRI slice is a bright head on a black background, so its frame is dark and much of it is near black.

export interface MriLikeness {
  isMri: boolean;
  reason?: string;
  darkFraction: number;
  darkFrameFraction: number;
}

const DARK = 24; // 8-bit values at or below this count as background

export function assessMriLikeness(rgb: Uint8Array, box: Letterbox): MriLikeness {
  const ring = Math.max(2, Math.round(Math.min(box.width, box.height) * 0.04));
  let pixels = 0, dark = 0, frame = 0, darkFrame = 0, bright = 0;
  let sum = 0, sumSquares = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const i = (y * box.size + x) * 3;
      const value = Math.max(rgb[i], rgb[i + 1], rgb[i + 2]);
      pixels++;
      sum += value;
      sumSquares += value * value;
      if (value <= DARK) dark++;
      if (value > DARK) bright++;
      const inFrame = y - box.top < ring || box.top + box.height - 1 - y < ring || x - box.left < ring || box.left + box.width - 1 - x < ring;
      if (inFrame) {
        frame++;
        if (value <= DARK) darkFrame++;
      }
    }
  }
  const darkFraction = dark / pixels;
  const darkFrameFraction = darkFrame / frame;
  const std = Math.sqrt(Math.max(0, sumSquares / pixels - (sum / pixels) ** 2));
  const result = { darkFraction, darkFrameFraction };
  if (bright < pixels * 0.002 || std < 2) return { ...result, isMri: false, reason: 'the image is blank' };
  if (darkFrameFraction < 0.6) return { ...result, isMri: false, reason: 'its edges are not the dark background around a head' };
  if (darkFraction < 0.2) return { ...result, isMri: false, reason: 'it has too little dark background for an MRI slice' };
  return { ...result, isMri: true };
}
