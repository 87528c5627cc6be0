import type { SliceGrid } from '../volume/slices';
import type { MaskRuns, Piece } from './components';
import { pixelToWorld, voxelReachMm, type GridToWorld, type Vec3 } from './world';

// One lesion's size and place in the patient: volume, centroid and extent along the patient's axes.

interface LesionExtentMm {
  leftRight: number;
  anteriorPosterior: number;
  craniocaudal: number;
}

export interface Lesion {
  volumeMl: number;
  /** RAS+ mm, from the affine. */
  centroidMm: Vec3;
  extentMm: LesionExtentMm;
}

/** A point of the slice grid: slice index and pixel column and row. */
export interface SlicePoint {
  sliceIndex: number;
  x: number;
  y: number;
}

function centroidPx(piece: Piece, runs: MaskRuns): Vec3 {
  let sumX = 0, sumY = 0, sumSlice = 0;
  for (const r of piece.runs) {
    const n = runs.x1[r] - runs.x0[r] + 1;
    sumX += ((runs.x0[r] + runs.x1[r]) * n) / 2;
    sumY += runs.y[r] * n;
    sumSlice += runs.slice[r] * n;
  }
  return [sumX / piece.voxels, sumY / piece.voxels, sumSlice / piece.voxels];
}

export function describeLesion(piece: Piece, runs: MaskRuns, toWorld: GridToWorld, voxelMl: number): Lesion {
  const [x, y, slice] = centroidPx(piece, runs);
  const { origin, perColumn, perRow, perSlice } = toWorld;
  const low: Vec3 = [Infinity, Infinity, Infinity], high: Vec3 = [-Infinity, -Infinity, -Infinity];
  // world coordinates are linear along a run, so its two ends bound it
  for (const r of piece.runs) {
    for (let a = 0; a < 3; a++) {
      const rowStart = origin[a] + runs.y[r] * perRow[a] + runs.slice[r] * perSlice[a];
      const first = rowStart + runs.x0[r] * perColumn[a], last = rowStart + runs.x1[r] * perColumn[a];
      low[a] = Math.min(low[a], first, last);
      high[a] = Math.max(high[a], first, last);
    }
  }
  const reach = voxelReachMm(toWorld);
  const extent = (a: number) => high[a] - low[a] + reach[a];
  return {
    volumeMl: piece.voxels * voxelMl,
    centroidMm: pixelToWorld(toWorld, x, y, slice),
    extentMm: { leftRight: extent(0), anteriorPosterior: extent(1), craniocaudal: extent(2) },
  };
}

/** The lesion's voxel nearest (in mm) to its centroid: a centre that lies in the lesion even when it is curved. */
export function lesionCentre(piece: Piece, runs: MaskRuns, grid: SliceGrid): SlicePoint {
  const [cx, cy, cs] = centroidPx(piece, runs);
  let best: SlicePoint = { sliceIndex: 0, x: 0, y: 0 }, bestDistance = Infinity;
  for (const r of piece.runs) {
    const x = Math.min(runs.x1[r], Math.max(runs.x0[r], Math.round(cx)));
    const distance = Math.hypot((x - cx) * grid.columnSpacingMm, (runs.y[r] - cy) * grid.rowSpacingMm, (runs.slice[r] - cs) * grid.sliceSpacingMm);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = { sliceIndex: runs.slice[r], x, y: runs.y[r] };
    }
  }
  return best;
}
