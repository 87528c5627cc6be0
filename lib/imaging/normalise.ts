import type { Normalisation } from '../manifest';

// Mirrors training/data.py channel_scales: the model saw exactly this during training.

/** Histogram of 8-bit values of one channel (stride picks it out of interleaved pixels). */
export function histogram(pixels: Uint8Array, channels = 1, channel = 0, into = new Float64Array(256)): Float64Array {
  for (let i = channel; i < pixels.length; i += channels) into[pixels[i]] += 1;
  return into;
}

/** The smallest 8-bit value v with at least `percentile`% of foreground pixels at or below it; 255 when the channel is blank. */
export function scaleFromHistogram(counts: Float64Array, rule: Normalisation): number {
  let total = 0;
  for (let v = rule.foregroundMin; v < 256; v++) total += counts[v];
  if (total < rule.minForegroundPixels) return 255;
  const needed = Math.max(1, Math.ceil((total * rule.percentile) / 100));
  let cumulative = 0;
  for (let v = rule.foregroundMin; v < 256; v++) {
    cumulative += counts[v];
    if (cumulative >= needed) return Math.max(v, 1);
  }
  return 255;
}

/**
 * Interleaved 3-channel 8-bit pixels (T1, FLAIR, T1c) -> planar float32 model input.
 * `scales` overrides the per-image scales, e.g. with those of a whole volume.
 */
export function toModelInput(
  pixels: Uint8Array,
  rule: Normalisation,
  scales?: readonly [number, number, number],
  into?: Float32Array,
): Float32Array {
  const area = pixels.length / 3;
  const output = into ?? new Float32Array(pixels.length);
  const table = new Float32Array(256); // the same division for each of the 256 values, done once
  for (let c = 0; c < 3; c++) {
    const scale = scales ? scales[c] : scaleFromHistogram(histogram(pixels, 3, c), rule);
    for (let v = 0; v < 256; v++) {
      const value = v / scale;
      table[v] = value > rule.clipMax ? rule.clipMax : value;
    }
    const offset = c * area;
    for (let i = 0, j = c; i < area; i++, j += 3) output[offset + i] = table[pixels[j]];
  }
  return output;
}
