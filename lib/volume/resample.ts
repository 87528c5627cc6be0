import type { Letterbox } from '../imaging/letterbox';

// Slices of a volume to the model's square and its map back, in plain loops: one sharp call per slice cost more than the resize itself.

interface Taps {
  /** The first source pixel of each output pixel's `width` taps. */
  start: Int32Array;
  weights: Float32Array; // `width` weights per output pixel, zero where a tap falls outside the filter
  width: number;
}

/**
 * Antialiased linear (triangle) filter weights, as libvips and Pillow resize: the filter widens when shrinking. Every
 * output pixel gets the same number of taps, only those the filter does not weigh zero (pixels near an edge start
 * earlier, with zero weights at the end), so the inner loops have one fixed length: the same sums in the same order,
 * done faster (docs/performance.md).
 */
function taps(source: number, target: number): Taps {
  const scale = source / target;
  const support = Math.max(1, scale);
  const reach = Math.ceil(support) * 2 + 1;
  const firsts = new Int32Array(target), filters = new Float32Array(target * reach); // float32, as they are stored
  let width = 1;
  for (let o = 0; o < target; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support)), last = Math.min(source - 1, Math.ceil(centre + support));
    let total = 0, used = 0, n = 0;
    firsts[o] = first;
    for (let s = first; s <= last && n < reach; s++, n++) {
      const weight = Math.max(0, 1 - Math.abs((s + 0.5 - centre) / support));
      if (weight === 0 && used === 0) firsts[o] = s + 1; // a zero tap before the filter's first weight adds nothing
      else filters[o * reach + used++] = weight;
      total += weight;
    }
    if (used === 0) firsts[o] = first;
    while (used > 0 && filters[o * reach + used - 1] === 0) used--; // nor do zero taps after its last
    for (let k = 0; k < used; k++) filters[o * reach + k] /= total || 1;
    width = Math.max(width, used);
  }
  const start = new Int32Array(target), weights = new Float32Array(target * width);
  for (let o = 0; o < target; o++) {
    start[o] = Math.min(firsts[o], source - width);
    const at = o * width + (firsts[o] - start[o]);
    for (let k = 0; at + k < (o + 1) * width; k++) weights[at + k] = filters[o * reach + k];
  }
  return { start, weights, width };
}

/** A resampler for one slice size: 8-bit plane (width x height) -> the model's square, image centred, black around it. */
export function planeToBox(width: number, height: number, box: Letterbox): (plane: Uint8Array, into: Uint8Array) => Uint8Array {
  const columns = taps(width, box.width), rows = taps(height, box.height);
  const { size, left, top } = box, boxWidth = box.width, boxHeight = box.height;
  const across = new Float32Array(height * boxWidth), sums = new Float64Array(boxWidth);
  const columnStart = columns.start, columnWeights = columns.weights, columnTaps = columns.width;
  const rowStart = rows.start, rowWeights = rows.weights, rowTaps = rows.width;
  return (plane, into) => {
    into.fill(0);
    for (let y = 0; y < height; y++) {
      const row = y * width, out = y * boxWidth;
      for (let x = 0, at = 0; x < boxWidth; x++) {
        let sum = 0;
        const from = row + columnStart[x];
        for (let k = 0; k < columnTaps; k++, at++) sum += plane[from + k] * columnWeights[at];
        across[out + x] = sum;
      }
    }
    // down the columns a whole row at a time: each output still sums its taps in order
    for (let y = 0; y < boxHeight; y++) {
      const out = (y + top) * size + left, at = y * rowTaps, first = rowStart[y];
      sums.fill(0);
      for (let k = 0; k < rowTaps; k++) {
        const weight = rowWeights[at + k], from = (first + k) * boxWidth;
        for (let x = 0; x < boxWidth; x++) sums[x] += across[from + x] * weight;
      }
      for (let x = 0; x < boxWidth; x++) {
        const sum = sums[x];
        into[out + x] = sum <= 0 ? 0 : sum >= 255 ? 255 : Math.round(sum);
      }
    }
    return into;
  };
}

// A bilinear value lies between its four taps: where all four are below the threshold by more than rounding can move
// it, the pixel is 0 without working it out. Most of a slice is far from any tumour.
const ROUNDING_MARGIN = 1e-6;

/**
 * The model's square probability map -> the slice's own grid (bilinear, pixel centres aligned), thresholded to 0/1.
 * Done here in float: sharp's raw resize turns one channel into three.
 */
export function maskOnSlice(map: Float32Array, box: Letterbox, width: number, height: number, threshold: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const near = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) near[i] = map[i] >= threshold - ROUNDING_MARGIN ? 1 : 0;
  const sx = box.width / width, sy = box.height / height;
  // where each column falls in the box, worked out once rather than on every row
  const left = new Int32Array(width), right = new Int32Array(width), toRight = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), box.width - 1);
    left[x] = Math.floor(fx);
    right[x] = Math.min(left[x] + 1, box.width - 1);
    toRight[x] = fx - left[x];
  }
  const rowNear = (row: number) => near.subarray(row, row + box.width).includes(1);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), box.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, box.height - 1), wy = fy - y0;
    const row0 = (y0 + box.top) * box.size + box.left, row1 = (y1 + box.top) * box.size + box.left;
    if (!rowNear(row0) && !rowNear(row1)) continue;
    for (let x = 0, at = y * width; x < width; x++, at++) {
      const x0 = left[x], x1 = right[x];
      if (!(near[row0 + x0] | near[row0 + x1] | near[row1 + x0] | near[row1 + x1])) continue;
      const wx = toRight[x];
      const top = map[row0 + x0] * (1 - wx) + map[row0 + x1] * wx;
      const bottom = map[row1 + x0] * (1 - wx) + map[row1 + x1] * wx;
      mask[at] = top * (1 - wy) + bottom * wy >= threshold ? 1 : 0;
    }
  }
  return mask;
}
