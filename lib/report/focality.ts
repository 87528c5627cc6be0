import type { SliceGrid } from '../volume/slices';
import type { TumourMask } from '../volume/tumour-mask';
import type { MaskRuns, Piece, PixelBox } from './components';

// Whether the lesions form more than one focus. Voxels are boxes: the gap between two is, along each axis, the
// whole voxels between them (|index difference| - 1, at least 0) times the spacing, and the gap between two lesions
// is the smallest gap between their voxels (reached at surface voxels). Lesions closer than the minimum gap are one
// focus, and so is a chain of them; multifocal means at least two foci.

const MULTIFOCAL_GAP_MM = 5;

interface Spacing {
  x: number;
  y: number;
  slice: number;
}

const spacingOf = (grid: SliceGrid): Spacing => ({ x: grid.columnSpacingMm, y: grid.rowSpacingMm, slice: grid.sliceSpacingMm });

const axisGap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, b0 - a1 - 1, a0 - b1 - 1);

/** A lower bound on the gap between two lesions: the gap between their bounding boxes. */
function boxGapMm(a: PixelBox, b: PixelBox, spacing: Spacing): number {
  return Math.hypot(axisGap(a.x0, a.x1, b.x0, b.x1) * spacing.x, axisGap(a.y0, a.y1, b.y0, b.y1) * spacing.y, axisGap(a.s0, a.s1, b.s0, b.s1) * spacing.slice);
}

/** The piece's surface voxels (a face-neighbour outside the mask) within `box`, as [x, y, slice] triples. */
function surfaceVoxelsIn(piece: Piece, runs: MaskRuns, mask: TumourMask, box: PixelBox): number[] {
  const { width, height, count } = mask.grid;
  const on = (x: number, y: number, s: number) => x >= 0 && y >= 0 && s >= 0 && x < width && y < height && s < count && (mask.slice(s)?.[y * width + x] ?? 0) === 1;
  const found: number[] = [];
  for (const r of piece.runs) {
    const y = runs.y[r], s = runs.slice[r];
    if (y < box.y0 || y > box.y1 || s < box.s0 || s > box.s1) continue;
    for (let x = Math.max(runs.x0[r], box.x0); x <= Math.min(runs.x1[r], box.x1); x++) {
      const inside = on(x - 1, y, s) && on(x + 1, y, s) && on(x, y - 1, s) && on(x, y + 1, s) && on(x, y, s - 1) && on(x, y, s + 1);
      if (!inside) found.push(x, y, s);
    }
  }
  return found;
}

/** Whether two lesions come closer than `gapMm`: surface voxels near the other's box, matched through a grid of cells. */
function closerThan(a: Piece, b: Piece, runs: MaskRuns, mask: TumourMask, gapMm: number): boolean {
  const spacing = spacingOf(mask.grid);
  if (boxGapMm(a.box, b.box, spacing) >= gapMm) return false;
  // a voxel more than this many voxels from the other box along an axis is at least gapMm from it
  const reach = { x: Math.floor(gapMm / spacing.x) + 1, y: Math.floor(gapMm / spacing.y) + 1, slice: Math.floor(gapMm / spacing.slice) + 1 };
  const grown = (box: PixelBox): PixelBox => ({
    x0: box.x0 - reach.x, x1: box.x1 + reach.x, y0: box.y0 - reach.y, y1: box.y1 + reach.y, s0: box.s0 - reach.slice, s1: box.s1 + reach.slice,
  });
  const near = surfaceVoxelsIn(a, runs, mask, grown(b.box));
  const far = surfaceVoxelsIn(b, runs, mask, grown(a.box));
  const cell = (x: number, y: number, s: number) => `${Math.floor(x / reach.x)},${Math.floor(y / reach.y)},${Math.floor(s / reach.slice)}`;
  const cells = new Map<string, number[]>();
  for (let v = 0; v < far.length; v += 3) {
    const key = cell(far[v], far[v + 1], far[v + 2]);
    const members = cells.get(key);
    if (members) members.push(v);
    else cells.set(key, [v]);
  }
  for (let u = 0; u < near.length; u += 3) {
    const [x, y, s] = [near[u], near[u + 1], near[u + 2]];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let ds = -1; ds <= 1; ds++) {
          for (const v of cells.get(cell(x + dx * reach.x, y + dy * reach.y, s + ds * reach.slice)) ?? []) {
            const gap = Math.hypot(
              axisGap(x, x, far[v], far[v]) * spacing.x, axisGap(y, y, far[v + 1], far[v + 1]) * spacing.y, axisGap(s, s, far[v + 2], far[v + 2]) * spacing.slice,
            );
            if (gap < gapMm) return true;
          }
        }
      }
    }
  }
  return false;
}

/** How many foci the lesions form: lesions closer than `gapMm`, directly or through a chain, are one. */
export function countFoci(lesions: Piece[], runs: MaskRuns, mask: TumourMask, gapMm = MULTIFOCAL_GAP_MM): number {
  const focus = lesions.map((_, i) => i);
  const root = (i: number): number => (focus[i] === i ? i : (focus[i] = root(focus[i])));
  for (let i = 0; i < lesions.length; i++) {
    for (let j = i + 1; j < lesions.length; j++) {
      if (root(i) !== root(j) && closerThan(lesions[i], lesions[j], runs, mask, gapMm)) focus[root(j)] = root(i);
    }
  }
  return new Set(lesions.map((_, i) => root(i))).size;
}
