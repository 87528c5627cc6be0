// A volume's intensities -> the 8-bit range the model was trained on (LGG slices were 8-bit images).

export interface IntensityWindow {
  /** The value that fills the space around the head (0, or a z-scored file's constant minimum); null when none stands out. */
  background: number | null;
  /** Head values at or below `low` become 0, at or above `high` become 255. */
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

/** The low and high percentiles of the head's voxels from a fine histogram: two passes, no sort. */
export function findIntensityWindow(voxels: Float32Array): IntensityWindow {
  let min = Infinity, max = -Infinity, zeros = 0;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (v < min) min = v; // NaN fails every comparison
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  if (min === Infinity || min === -Infinity || max === Infinity) return finiteOnly(voxels);
  if (max <= min) return { background: min, low: min, high: min + 1 }; // one value everywhere: nothing but background
  const counts = new Float64Array(BINS);
  const perBin = (BINS - 1) / (max - min);
  let atMin = 0;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (v === min) atMin++;
    if (v >= min) counts[Math.floor((v - min) * perBin)]++;
  }
  // the background is the minimum or 0, whichever fills more of the volume, if it fills enough
  const [candidate, count] = zeros > atMin ? [0, zeros] : [min, atMin];
  const background = count >= voxels.length * MIN_BACKGROUND_SHARE ? candidate : null;
  if (background !== null) counts[Math.floor((background - min) * perBin)] -= count;
  const head = counts.reduce((a, b) => a + b, 0);
  const valueAt = (percentile: number) => {
    const needed = (head * percentile) / 100;
    let cumulative = 0;
    for (let b = 0; b < BINS; b++) {
      cumulative += counts[b];
      if (cumulative >= needed && cumulative > 0) return min + (b + 1) / perBin;
    }
    return max;
  };
  const low = valueAt(LOW_PERCENTILE);
  return { background, low, high: Math.max(valueAt(HIGH_PERCENTILE), low + 1 / perBin) };
}

/** Infinities in the volume: window the finite voxels only (rare; one more pass). */
function finiteOnly(voxels: Float32Array): IntensityWindow {
  const finite = voxels.filter(Number.isFinite);
  if (finite.length === 0) return { background: null, low: 0, high: 1 };
  return findIntensityWindow(finite);
}

/** Head voxels windowed to 0..255, everything else 0. */
export function toEightBit(voxels: Float32Array, window = findIntensityWindow(voxels)): EightBitVolume {
  const pixels = new Uint8Array(voxels.length);
  const head = new Uint8Array(voxels.length);
  const { background, low } = window;
  const scale = 255 / (window.high - window.low);
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (v === background || !Number.isFinite(v)) continue;
    head[i] = 1;
    const value = (v - low) * scale;
    pixels[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
  }
  return { pixels, head, window };
}
