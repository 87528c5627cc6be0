// A volume's intensities -> the 8-bit range the model was trained on (LGG slices were 8-bit images).

export interface IntensityWindow {
  /** The value that fills the space around the head (0, or a z-scored file's constant minimum); null when none stands out. */
  background: number | null;
  /** Brain values at or below `low` become 0, at or above `high` become 255. */
  low: number;
  high: number;
}

export interface EightBitVolume {
  pixels: Uint8Array;
  /** 1 where a voxel is inside the head (finite and not the background value). */
  head: Uint8Array;
  window: IntensityWindow;
}

const LOW_PERCENTILE = 0.5;
const HIGH_PERCENTILE = 99.5;
const BINS = 4096;
// A value that fills at least this share of the volume is the background (skull-stripped and z-scored files)
const MIN_BACKGROUND_SHARE = 0.01;

function countEqual(voxels: Float32Array, value: number): number {
  let n = 0;
  for (let i = 0; i < voxels.length; i++) if (voxels[i] === value) n++;
  return n;
}

function findBackground(voxels: Float32Array): number | null {
  let min = Infinity;
  for (let i = 0; i < voxels.length; i++) if (voxels[i] < min) min = voxels[i];
  if (!Number.isFinite(min)) return null;
  const atMin = countEqual(voxels, min);
  const atZero = min === 0 ? atMin : countEqual(voxels, 0);
  const [value, count] = atZero > atMin ? [0, atZero] : [min, atMin];
  return count >= voxels.length * MIN_BACKGROUND_SHARE ? value : null;
}

const isHead = (v: number, background: number | null) => Number.isFinite(v) && v !== background;

/** The low and high percentiles of the head's voxels, from a fine histogram (two passes, no sort). */
export function findIntensityWindow(voxels: Float32Array): IntensityWindow {
  const background = findBackground(voxels);
  let min = Infinity, max = -Infinity, count = 0;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (!isHead(v, background)) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0 || max <= min) return { background, low: count ? min : 0, high: count ? min + 1 : 1 };
  const counts = new Float64Array(BINS);
  const perBin = (BINS - 1) / (max - min);
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (isHead(v, background)) counts[Math.floor((v - min) * perBin)]++;
  }
  const valueAt = (percentile: number) => {
    const needed = (count * percentile) / 100;
    let cumulative = 0;
    for (let b = 0; b < BINS; b++) {
      cumulative += counts[b];
      if (cumulative >= needed) return min + (b + 1) / perBin;
    }
    return max;
  };
  const low = valueAt(LOW_PERCENTILE);
  const high = Math.max(valueAt(HIGH_PERCENTILE), low + (max - min) / BINS);
  return { background, low, high };
}

/** Head voxels windowed to 0..255, everything else 0. */
export function toEightBit(voxels: Float32Array, window = findIntensityWindow(voxels)): EightBitVolume {
  const pixels = new Uint8Array(voxels.length);
  const head = new Uint8Array(voxels.length);
  const scale = 255 / (window.high - window.low);
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (!isHead(v, window.background)) continue;
    head[i] = 1;
    const value = (v - window.low) * scale;
    pixels[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
  }
  return { pixels, head, window };
}
