import { forEachChunk, type ScalarVolume, type VoxelType } from './scalar-volume';
import { readScaledSlice, readSlice, type SliceGrid } from './slices';

// A volume's intensities -> the 8-bit range the model was trained on (LGG slices were 8-bit images), a slice at a time.

export interface IntensityWindow {
  /** The value that fills the space around the head (0, or a z-scored file's constant minimum); null when none stands out. */
  background: number | null;
  /** Values this close to `background` are background too: a rescale per slice leaves it a few rounding steps apart. */
  tolerance: number;
  /** Head values at or below `low` become 0, at or above `high` become 255. */
  low: number;
  high: number;
}

const LOW_PERCENTILE = 0.5;
const HIGH_PERCENTILE = 99.5;
const BINS = 4096;
// A value that fills at least this share of the volume is the background (skull-stripped and z-scored files)
const MIN_BACKGROUND_SHARE = 0.01;
// A series stored as int16 with a slope per slice (and dcm2niix's float32 of it) puts the background up to half a step,
// 1/120,000 of the range, away from its value in each slice: within this share of the range it is still background.
// Far below any contrast between tissues, and below one step of an integer volume's range (exact zeros stay exact).
const BACKGROUND_TOLERANCE_OF_RANGE = 2e-5;

const isFiniteNumber = (v: number) => v - v === 0; // false for NaN and both infinities, without a call

// Integer voxels with one slope and intercept hold at most 65,536 distinct values: each is scaled and windowed once, and
// a voxel is a lookup. The same arithmetic on the same values, so the same bytes, at a fraction of the work per voxel.
const INTEGER_RANGES: Partial<Record<VoxelType, [number, number]>> = { uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535] };

interface IntegerValues {
  lowest: number;
  /** values[s - lowest]: stored value s as readValues and sliceReader give it (float32, scaled). */
  values: Float32Array;
}

function integerValues(volume: ScalarVolume): IntegerValues | null {
  const range = INTEGER_RANGES[volume.datatype];
  if (!range || volume.planeScaling) return null;
  const [lowest, highest] = range;
  const values = new Float32Array(highest - lowest + 1);
  for (let k = 0; k < values.length; k++) values[k] = lowest + k;
  const { slope, intercept } = volume;
  if (slope !== 1 || intercept !== 0) for (let k = 0; k < values.length; k++) values[k] = values[k] * slope + intercept;
  return { lowest, values };
}

/** How many voxels hold each stored value: one pass, a chunk at a time, handing the event loop back between chunks. */
async function countStored(volume: ScalarVolume, { lowest, values }: IntegerValues): Promise<Float64Array> {
  const counts = new Float64Array(values.length);
  const { stored } = volume;
  const chunk = new Int32Array(Math.min(1 << 18, stored.length));
  for (let from = 0; from < stored.length; from += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, stored.length - from));
    part.set(stored.subarray(from, from + part.length)); // converted by the engine, whatever the stored type
    for (let i = 0; i < part.length; i++) counts[part[i] - lowest]++;
    if (from + chunk.length < stored.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return counts;
}

/** Visits every voxel's value: an integer volume's distinct values with their counts (one pass), others chunk by chunk. */
type ValueVisitor = (values: Float32Array, counts?: Float64Array) => void;

async function valuePasses(volume: ScalarVolume): Promise<(visit: ValueVisitor) => Promise<void>> {
  const integers = integerValues(volume);
  if (!integers) return (visit) => forEachChunk(volume, (values) => visit(values));
  const counts = await countStored(volume, integers);
  return async (visit) => visit(integers.values, counts);
}

/** The low and high percentiles of the head's voxels from a fine histogram: two passes, no sort, no whole-volume copy. */
export async function findIntensityWindow(volume: ScalarVolume): Promise<IntensityWindow> {
  const pass = await valuePasses(volume);
  let min = Infinity, max = -Infinity, finite = 0;
  await pass((values, counts) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i], n = counts ? counts[i] : 1;
      if (n === 0 || !isFiniteNumber(v)) continue;
      finite += n;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  if (finite === 0) return { background: null, tolerance: 0, low: 0, high: 1 };
  if (max <= min) return { background: min, tolerance: 0, low: min, high: min + 1 }; // one value everywhere: nothing but background
  const tolerance = (max - min) * BACKGROUND_TOLERANCE_OF_RANGE;
  const counts = new Float64Array(BINS);
  // the two candidates' own voxels per bin, to take out of the head's histogram once one is chosen
  const nearMin = new Float64Array(BINS), nearZero = new Float64Array(BINS);
  const perBin = (BINS - 1) / (max - min);
  await pass((values, voxels) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i], n = voxels ? voxels[i] : 1;
      if (n === 0 || !isFiniteNumber(v)) continue;
      const bin = Math.floor((v - min) * perBin);
      counts[bin] += n;
      if (v - min <= tolerance) nearMin[bin] += n;
      if (v <= tolerance && v >= -tolerance) nearZero[bin] += n;
    }
  });
  // the background is the minimum or 0, whichever fills more of the volume, if it fills enough
  const sum = (bins: Float64Array) => bins.reduce((a, b) => a + b, 0);
  const [candidate, bins] = sum(nearZero) > sum(nearMin) ? [0, nearZero] : [min, nearMin];
  const background = sum(bins) >= finite * MIN_BACKGROUND_SHARE ? candidate : null;
  if (background !== null) for (let b = 0; b < BINS; b++) counts[b] -= bins[b];
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
  return { background, tolerance: background === null ? 0 : tolerance, low, high: Math.max(valueAt(HIGH_PERCENTILE), low + 1 / perBin) };
}

/** Values -> 0..255 in `pixels`; `head` (if given) gets 1 where a voxel is inside the head (finite, not the background). */
export function toEightBit(values: Float32Array, window: IntensityWindow, pixels: Uint8Array, head?: Uint8Array): Uint8Array {
  const { low, tolerance } = window;
  const hasBackground = window.background !== null, background = window.background ?? 0;
  const scale = 255 / (window.high - window.low);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isFiniteNumber(v) || (hasBackground && Math.abs(v - background) <= tolerance)) {
      pixels[i] = 0;
      if (head) head[i] = 0;
      continue;
    }
    if (head) head[i] = 1;
    const value = (v - low) * scale;
    pixels[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
  }
  return pixels;
}

/** Reads slices of one volume as 8-bit pictures, reusing one buffer for the values. */
export function sliceReader(volume: ScalarVolume, window: IntensityWindow, grid: SliceGrid) {
  const integers = integerValues(volume);
  if (integers) {
    // each stored value's 8-bit value and whether it is head
    const pixelOf = new Uint8Array(integers.values.length), headOf = new Uint8Array(integers.values.length);
    toEightBit(integers.values, window, pixelOf, headOf);
    const stored = new Int32Array(grid.width * grid.height), lowest = integers.lowest;
    return (index: number, pixels: Uint8Array, head?: Uint8Array): Uint8Array => {
      readSlice(volume.stored, grid, index, stored);
      for (let p = 0; p < stored.length; p++) pixels[p] = pixelOf[stored[p] - lowest];
      if (head) for (let p = 0; p < stored.length; p++) head[p] = headOf[stored[p] - lowest];
      return pixels;
    };
  }
  const values = new Float32Array(grid.width * grid.height);
  return (index: number, pixels: Uint8Array, head?: Uint8Array): Uint8Array => toEightBit(readScaledSlice(volume, grid, index, values), window, pixels, head);
}

export interface VolumeSurvey {
  /** Head pixels in each slice. */
  headAreas: number[];
  /** Counts of each 8-bit value over the whole volume, for the per-volume normalisation. */
  histogram: Float64Array;
}

/** One pass over every slice: how much head each holds and the volume's 8-bit histogram. */
/** `onHead` sees each slice's 0/1 head pixels as they are read (the report's head summary), so no slice is read twice. */
export async function surveyVolume(volume: ScalarVolume, window: IntensityWindow, grid: SliceGrid, onHead?: (index: number, head: Uint8Array) => void): Promise<VolumeSurvey> {
  const read = sliceReader(volume, window, grid);
  const pixels = new Uint8Array(grid.width * grid.height), head = new Uint8Array(pixels.length);
  const histogram = new Float64Array(256);
  const headAreas: number[] = [];
  for (let index = 0; index < grid.count; index++) {
    read(index, pixels, head);
    let area = 0;
    for (let i = 0; i < pixels.length; i++) {
      area += head[i];
      histogram[pixels[i]]++;
    }
    headAreas.push(area);
    onHead?.(index, head);
    await new Promise((resolve) => setImmediate(resolve)); // let other requests in after every slice
  }
  return { headAreas, histogram };
}
