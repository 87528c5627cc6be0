import type { Normalisation } from '../model/manifest';

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

/** Each 8-bit value divided by the channel's scale and clipped: the same division for all 256 values, done once. */
function scaledValues(scale: number, rule: Normalisation, into: Float32Array): Float32Array {
  for (let v = 0; v < 256; v++) {
    const value = v / scale;
    into[v] = value > rule.clipMax ? rule.clipMax : value;
  }
  return into;
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
  const table = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    scaledValues(scales ? scales[c] : scaleFromHistogram(histogram(pixels, 3, c), rule), rule, table);
    const offset = c * area;
    for (let i = 0, j = c; i < area; i++, j += 3) output[offset + i] = table[pixels[j]];
  }
  return output;
}

/**
 * The same from three grey planes (T1, FLAIR, T1c) with known scales, as a volume's slices come: a plane that stands
 * in for another (FLAIR for a missing T1) with the same scale is copied, not worked out again.
 */
export function planesToModelInput(planes: readonly [Uint8Array, Uint8Array, Uint8Array], rule: Normalisation, scales: readonly [number, number, number], into: Float32Array): Float32Array {
  const area = planes[1].length;
  const table = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    const output = into.subarray(c * area, (c + 1) * area);
    const same = planes.findIndex((plane, d) => d < c && plane === planes[c] && scales[d] === scales[c]);
    if (same >= 0) {
      output.set(into.subarray(same * area, (same + 1) * area));
      continue;
    }
    scaledValues(scales[c], rule, table);
    const plane = planes[c];
    for (let i = 0; i < area; i++) output[i] = table[plane[i]];
  }
  return into;
}

/** One grey plane as all three channels, scaled by its own histogram: what toModelInput gives for it interleaved thrice. */
export function greyToModelInput(grey: Uint8Array, rule: Normalisation, into: Float32Array): Float32Array {
  const scale = scaleFromHistogram(histogram(grey), rule);
  return planesToModelInput([grey, grey, grey], rule, [scale, scale, scale], into);
}
