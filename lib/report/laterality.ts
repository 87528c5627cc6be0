import type { GeometrySource } from '../volume/scalar-volume';
import type { MaskRuns } from './components';
import { headCentroid, type HeadSummary } from './head';
import { pixelToWorld, type GridToWorld } from './world';

// Which side of the head the tumour lies on. The mid-sagittal plane is estimated as the plane through the head mask's
// centroid, perpendicular to the patient's x axis (RAS+: +x is the patient's right). Each tumour voxel's centre is on
// the left when its x is below the plane's, on the right when above; a voxel on the plane counts half to each.

export interface Laterality {
  /** Shares of the tumour's voxels, summing to 1. */
  left: number;
  right: number;
  /** Each side holds at least 2% of the tumour. */
  crossesMidline: boolean;
}

const CROSSING_SHARE = 0.02;

type LateralityFinding = { laterality: Laterality; note: null } | { laterality: null; note: string };

export function tumourLaterality(runs: MaskRuns, head: HeadSummary, toWorld: GridToWorld, affineSource: GeometrySource): LateralityFinding {
  if (affineSource === 'pixdim') {
    return { laterality: null, note: 'The file gives no orientation (no qform or sform), so the patient\'s left and right are unknown; positions and extents follow the voxel axes as stored.' };
  }
  const centre = headCentroid(head);
  if (!centre) return { laterality: null, note: 'No head was found to place the midline in.' };
  if (runs.x0.length === 0) return { laterality: null, note: 'No tumour was found.' };
  const midlineX = pixelToWorld(toWorld, centre.x, centre.y, centre.slice)[0];
  const { origin, perColumn, perRow, perSlice } = toWorld;
  let left = 0, right = 0;
  for (let r = 0; r < runs.x0.length; r++) {
    // along a run, x - midline = offset + column * perColumn[0]: count the columns below, on and above its root
    const x0 = runs.x0[r], n = runs.x1[r] - x0 + 1;
    const offset = origin[0] + runs.y[r] * perRow[0] + runs.slice[r] * perSlice[0] - midlineX;
    if (perColumn[0] === 0) {
      if (offset < 0) left += n;
      else if (offset > 0) right += n;
      else [left, right] = [left + n / 2, right + n / 2];
      continue;
    }
    const root = -offset / perColumn[0];
    const before = Math.min(n, Math.max(0, Math.ceil(root) - x0));
    const on = Number.isInteger(root) && root >= x0 && root < x0 + n ? 1 : 0;
    const after = n - before - on;
    left += (perColumn[0] > 0 ? before : after) + on / 2;
    right += (perColumn[0] > 0 ? after : before) + on / 2;
  }
  const total = left + right;
  const shares = { left: left / total, right: right / total };
  return { laterality: { ...shares, crossesMidline: shares.left >= CROSSING_SHARE && shares.right >= CROSSING_SHARE }, note: null };
}
