import type { IntensityWindow } from './intensity';
import type { ScalarVolume } from './scalar-volume';
import type { SliceGrid } from './slices';

// Cheap counts over a volume's values for the volume guard (lib/analysis/volume-guard.ts): the few values of a label map,
// the air of a CT, the head in each slice. Values are the stored voxels with the slope and intercept applied.

const isFiniteNumber = (v: number) => v - v === 0;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The value of voxel `i` as readValues gives it: scaled (by the voxel's k-plane when each has its own scaling) and rounded
 * to float32, so a mask stored as int32 steps of 2^-32 plus 0.5 (BRATS' brainmask) reads 0 and 1, as the app sees it.
 */
function scaler(volume: ScalarVolume): (stored: number, voxel: number) => number {
  const { slope, intercept, planeScaling } = volume;
  if (!planeScaling) return slope === 1 && intercept === 0 ? (stored) => Math.fround(stored) : (stored) => Math.fround(stored * slope + intercept);
  const plane = volume.dims[0] * volume.dims[1];
  return (stored, voxel) => {
    const k = Math.floor(voxel / plane);
    return Math.fround(stored * planeScaling.slopes[k] + planeScaling.intercepts[k]);
  };
}

/**
 * The volume's distinct values, ascending, when there are at most `limit` and every one is an integer (a label map or a
 * mask); null as soon as a value is not an integer or one more than `limit` appears, so a scan stops within its first voxels.
 */
export function fewIntegerValues(volume: ScalarVolume, limit: number): number[] | null {
  const { stored } = volume;
  const value = scaler(volume);
  const seen: number[] = [];
  let previous = NaN;
  for (let i = 0; i < stored.length; i++) {
    const v = value(stored[i], i);
    if (v === previous) continue; // label maps are long runs of one value
    if (!Number.isInteger(v)) return null;
    previous = v;
    if (!seen.includes(v)) {
      if (seen.length === limit) return null;
      seen.push(v);
    }
  }
  return seen.sort((a, b) => a - b);
}

/** The shares of the finite voxels below `low`, and of the others that lie within [from, to], counted on at most about
 * `samples` voxels evenly spread. */
export function valueShares(volume: ScalarVolume, low: number, [from, to]: [number, number], samples = 1 << 18): { below: number; withinOfRest: number } {
  const { stored } = volume;
  const value = scaler(volume);
  let step = Math.max(1, Math.floor(stored.length / samples));
  while (gcd(step, volume.dims[0]) !== 1) step++; // a step that shares no factor with a row's length visits every column
  let below = 0, finite = 0, within = 0;
  for (let i = 0; i < stored.length; i += step) {
    const v = value(stored[i], i);
    if (!isFiniteNumber(v)) continue;
    finite++;
    if (v < low) below++;
    else if (v >= from && v <= to) within++;
  }
  return { below: finite ? below / finite : 0, withinOfRest: finite - below ? within / (finite - below) : 0 };
}

/**
 * Head voxels in each slice (finite, not the window's background: what toEightBit calls head), counted on every
 * `step`-th row and column and scaled by step²: an estimate at a fraction of a full pass.
 */
export function estimateHeadAreas(volume: ScalarVolume, window: IntensityWindow, grid: SliceGrid, step: number): number[] {
  const { stored } = volume;
  const value = scaler(volume);
  const strides = [1, grid.dims[0], grid.dims[0] * grid.dims[1]];
  const sliceStride = strides[grid.axes.normal], columnStride = strides[grid.axes.column], rowStride = strides[grid.axes.row];
  const hasBackground = window.background !== null, background = window.background ?? 0, { tolerance } = window;
  const areas: number[] = [];
  for (let index = 0; index < grid.count; index++) {
    let head = 0;
    for (let y = 0; y < grid.height; y += step) {
      for (let x = 0, voxel = index * sliceStride + y * rowStride; x < grid.width; x += step, voxel += step * columnStride) {
        const v = value(stored[voxel], voxel);
        if (isFiniteNumber(v) && !(hasBackground && Math.abs(v - background) <= tolerance)) head++;
      }
    }
    areas.push(head * step * step);
  }
  return areas;
}
