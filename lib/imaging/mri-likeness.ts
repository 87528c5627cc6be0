import type { Letterbox } from './letterbox';

// The pixel side of the "is this a brain MRI slice?" guard: the few checks that are certain without a model (a long thin
// strip, one flat colour), the classifier's input, and how much of a slice shows brain. The decision itself is learned
// (lib/model/guard-model.ts, lib/analysis/mri-guard.ts): rules on edges and backgrounds refused tightly cropped scans and
// passed planets on black.

const MIN_ASPECT = 0.25; // scanners' slices are square or close to it; 1:4 is far beyond any of them
const FLAT_SPREAD = 3; // 8-bit levels between the darkest and brightest pixel of every channel: one flat colour
/** "Visible brain": FLAIR pixels at this 8-bit value or more ... */
const VISIBLE_LEVEL = 20;
/** ... making up at least this share of the slice. */
export const VISIBLE_SHARE = 0.03;

/** Darkest and brightest value of one channel inside the letterbox: a few pixels of head are not flat. */
function channelRange(rgb: Uint8Array, box: Letterbox, channel: number): [number, number] {
  let low = 255, high = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left, i = (y * box.size + x) * 3 + channel; x < box.left + box.width; x++, i += 3) {
      if (rgb[i] < low) low = rgb[i];
      if (rgb[i] > high) high = rgb[i];
    }
  }
  return [low, high];
}

/**
 * What the pixels alone settle: `blank` for a picture dark all over (an MRI slice past the end of the head is black, and
 * is still an MRI slice: answered, with nothing in it), `refused` with the reason for a long thin strip or one flat colour
 * that is not black, and null when the classifier must judge. Only these refusals cannot be overruled.
 */
export function certainVerdict(rgb: Uint8Array, box: Letterbox): { verdict: 'blank' | 'refused'; reason: string } | null {
  if (Math.min(box.width, box.height) < MIN_ASPECT * Math.max(box.width, box.height)) return { verdict: 'refused', reason: 'it is a long thin strip, not the shape of a slice' };
  const ranges = [0, 1, 2].map((channel) => channelRange(rgb, box, channel));
  if (ranges.every(([, high]) => high <= FLAT_SPREAD)) return { verdict: 'blank', reason: 'it is black all over, as a slice beyond the head is' };
  if (ranges.every(([low, high]) => high - low <= FLAT_SPREAD)) return { verdict: 'refused', reason: 'it is one flat colour, with nothing in it to analyse' };
  return null;
}

/**
 * The classifier's input: interleaved RGB of the model square (`size` a side) -> planar float32 `side` a side, each cell's
 * mean, scaled to 0..1. The side is the guard's (its manifest's input shape); loading the guard checks that it divides
 * the square.
 */
export function guardInput(rgb: Uint8Array, size: number, side: number): Float32Array {
  const cell = size / side;
  const area = side * side;
  const input = new Float32Array(3 * area);
  const scale = 1 / (255 * cell * cell);
  for (let gy = 0; gy < side; gy++) {
    for (let y = gy * cell; y < (gy + 1) * cell; y++) {
      let i = y * size * 3;
      for (let gx = 0; gx < side; gx++) {
        const at = gy * side + gx;
        for (let x = 0; x < cell; x++, i += 3) {
          input[at] += rgb[i];
          input[area + at] += rgb[i + 1];
          input[2 * area + at] += rgb[i + 2];
        }
      }
    }
  }
  for (let i = 0; i < input.length; i++) input[i] *= scale;
  return input;
}

/** Share of a slice's FLAIR pixels (interleaved T1, FLAIR, T1c) that reach VISIBLE_LEVEL. */
export function visibleBrainShare(pixels: Uint8Array): number {
  let on = 0;
  for (let i = 1; i < pixels.length; i += 3) if (pixels[i] >= VISIBLE_LEVEL) on++;
  return pixels.length ? on / (pixels.length / 3) : 0;
}
