import type { Letterbox } from '../imaging/letterbox';

// Slices of a volume to the model's square and its map back, in plain loops: one sharp call per slice cost more than the resize itself.

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array; // `width` weights per output pixel, zero-padded
  width: number;
}

/** Antialiased linear (triangle) filter weights, as libvips and Pillow resize: the filter widens when shrinking. */
function taps(source: number, target: number): Taps {
  const scale = source / target;
  const support = Math.max(1, scale);
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(target), count = new Int32Array(target), weights = new Float32Array(target * width);
  for (let o = 0; o < target; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support)), last = Math.min(source - 1, Math.ceil(centre + support));
    let total = 0, n = 0;
    for (let s = first; s <= last && n < width; s++, n++) {
      const w = Math.max(0, 1 - Math.abs((s + 0.5 - centre) / support));
      weights[o * width + n] = w;
      total += w;
    }
    for (let k = 0; k < n; k++) weights[o * width + k] /= total || 1;
    start[o] = first;
    count[o] = n;
  }
  return { start, count, weights, width };
}

/** A resampler for one slice size: 8-bit plane (width x height) -> the model's square, image centred, black around it. */
export function planeToBox(width: number, height: number, box: Letterbox): (plane: Uint8Array, into: Uint8Array) => Uint8Array {
  const columns = taps(width, box.width), rows = taps(height, box.height);
  const across = new Float32Array(height * box.width);
  return (plane, into) => {
    into.fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < box.width; x++) {
        let sum = 0;
        const from = y * width + columns.start[x], at = x * columns.width;
        for (let k = 0; k < columns.count[x]; k++) sum += plane[from + k] * columns.weights[at + k];
        across[y * box.width + x] = sum;
      }
    }
    for (let y = 0; y < box.height; y++) {
      const out = (y + box.top) * box.size + box.left, at = y * rows.width;
      for (let x = 0; x < box.width; x++) {
        let sum = 0;
        for (let k = 0; k < rows.count[y]; k++) sum += across[(rows.start[y] + k) * box.width + x] * rows.weights[at + k];
        into[out + x] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum);
      }
    }
    return into;
  };
}

/**
 * The model's square probability map -> the slice's own grid (bilinear, pixel centres aligned), thresholded to 0/1.
 * Done here in float: sharp's raw resize turns one channel into three.
 */
export function maskOnSlice(map: Float32Array, box: Letterbox, width: number, height: number, threshold: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const sx = box.width / width, sy = box.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), box.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, box.height - 1), wy = fy - y0;
    const row0 = (y0 + box.top) * box.size + box.left, row1 = (y1 + box.top) * box.size + box.left;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), box.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, box.width - 1), wx = fx - x0;
      const top = map[row0 + x0] * (1 - wx) + map[row0 + x1] * wx;
      const bottom = map[row1 + x0] * (1 - wx) + map[row1 + x1] * wx;
      mask[y * width + x] = top * (1 - wy) + bottom * wy >= threshold ? 1 : 0;
    }
  }
  return mask;
}
