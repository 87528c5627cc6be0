import type { SliceGrid } from '../volume/slices';
import type { MaskRuns, Piece } from './components';

// The RANO bidimensional measure of a lesion on its largest axial slice: the longest chord inside the lesion and the
// longest inside it perpendicular to that one (within 5°), in mm. A chord joins two pixel centres on the lesion's
// edge, every point of it (sampled every half pixel) lies in the lesion, and it reaches on to where it leaves its
// two end pixels, so a run of n pixels measures n pixels. Pixels may be wider than tall: lengths are taken in mm.

export interface Bidimensional {
  sliceIndex: number;
  longestMm: number;
  perpendicularMm: number;
  productMm2: number;
  /** Both diameters at least 10 mm. */
  measurable: boolean;
}

const MEASURABLE_MM = 10;
const PERPENDICULAR_TOLERANCE_DEGREES = 5;

/** The lesion's pixels on one slice, in a bitmap around them with a margin of one off pixel. */
interface SliceBitmap {
  on: Uint8Array;
  width: number;
  height: number;
}

function largestSlice(piece: Piece, runs: MaskRuns): number {
  const areas = new Map<number, number>();
  for (const r of piece.runs) areas.set(runs.slice[r], (areas.get(runs.slice[r]) ?? 0) + runs.x1[r] - runs.x0[r] + 1);
  let best = -1, bestArea = 0;
  for (const [slice, area] of areas) if (area > bestArea || (area === bestArea && slice < best)) [best, bestArea] = [slice, area];
  return best;
}

function sliceBitmap(piece: Piece, runs: MaskRuns, slice: number): SliceBitmap {
  const { box } = piece;
  const width = box.x1 - box.x0 + 3, height = box.y1 - box.y0 + 3;
  const on = new Uint8Array(width * height);
  for (const r of piece.runs) {
    if (runs.slice[r] !== slice) continue;
    const row = (runs.y[r] - box.y0 + 1) * width - box.x0 + 1;
    on.fill(1, row + runs.x0[r], row + runs.x1[r] + 1);
  }
  return { on, width, height };
}

/** Pixels of the lesion with a neighbour (of eight) outside it: where chords end. */
function edgePixels({ on, width, height }: SliceBitmap): { x: number[]; y: number[] } {
  const x: number[] = [], y: number[] = [];
  for (let py = 1; py < height - 1; py++) {
    for (let px = 1; px < width - 1; px++) {
      const p = py * width + px;
      if (!on[p]) continue;
      const edge = !on[p - 1] || !on[p + 1] || !on[p - width] || !on[p + width] || !on[p - width - 1] || !on[p - width + 1] || !on[p + width - 1] || !on[p + width + 1];
      if (edge) {
        x.push(px);
        y.push(py);
      }
    }
  }
  return { x, y };
}

function chordInside({ on, width }: SliceBitmap, ax: number, ay: number, bx: number, by: number): boolean {
  const dx = bx - ax, dy = by - ay;
  const steps = Math.ceil(2 * Math.max(Math.abs(dx), Math.abs(dy)));
  for (let t = 1; t < steps; t++) {
    if (!on[Math.round(ay + (dy * t) / steps) * width + Math.round(ax + (dx * t) / steps)]) return false;
  }
  return true;
}

/** Measures one lesion on the axial slice where it has the most pixels. */
export function bidimensionalMeasure(piece: Piece, runs: MaskRuns, grid: SliceGrid): Bidimensional {
  const sliceIndex = largestSlice(piece, runs);
  const bitmap = sliceBitmap(piece, runs, sliceIndex);
  const edge = edgePixels(bitmap);
  const sx = grid.columnSpacingMm, sy = grid.rowSpacingMm;
  // how far a chord along unit direction (ux, uy) in mm runs inside one pixel, through its centre
  const acrossPixel = (ux: number, uy: number) => Math.min(Math.abs(ux) > 1e-12 ? sx / Math.abs(ux) : Infinity, Math.abs(uy) > 1e-12 ? sy / Math.abs(uy) : Infinity);
  const mostAcross = Math.hypot(sx, sy);
  const count = edge.x.length;

  // a lone pixel measures its own width; a longer chord replaces it
  let longest = Math.max(sx, sy);
  let direction: [number, number] = sx >= sy ? [1, 0] : [0, 1];
  // a chord whose centres are no further apart than this cannot beat the best one
  let shortest = Math.max(0, longest - mostAcross);
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const mx = (edge.x[b] - edge.x[a]) * sx, my = (edge.y[b] - edge.y[a]) * sy;
      const squared = mx * mx + my * my;
      if (squared <= shortest * shortest) continue;
      const centres = Math.sqrt(squared);
      const length = centres + acrossPixel(mx / centres, my / centres);
      if (length <= longest || !chordInside(bitmap, edge.x[a], edge.y[a], edge.x[b], edge.y[b])) continue;
      longest = length;
      shortest = Math.max(0, longest - mostAcross);
      direction = [mx / centres, my / centres];
    }
  }

  const [ux, uy] = direction;
  const tolerance = Math.sin((PERPENDICULAR_TOLERANCE_DEGREES * Math.PI) / 180);
  let perpendicular = acrossPixel(-uy, ux);
  shortest = Math.max(0, perpendicular - mostAcross);
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const mx = (edge.x[b] - edge.x[a]) * sx, my = (edge.y[b] - edge.y[a]) * sy;
      const squared = mx * mx + my * my, along = mx * ux + my * uy;
      if (squared <= shortest * shortest || along * along > tolerance * tolerance * squared) continue;
      const centres = Math.sqrt(squared);
      const length = centres + acrossPixel(mx / centres, my / centres);
      if (length <= perpendicular || !chordInside(bitmap, edge.x[a], edge.y[a], edge.x[b], edge.y[b])) continue;
      perpendicular = length;
      shortest = Math.max(0, perpendicular - mostAcross);
    }
  }

  return {
    sliceIndex,
    longestMm: longest,
    perpendicularMm: perpendicular,
    productMm2: longest * perpendicular,
    measurable: longest >= MEASURABLE_MM && perpendicular >= MEASURABLE_MM,
  };
}
