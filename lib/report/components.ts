import type { SliceGrid } from '../volume/slices';
import type { TumourMask } from '../volume/tumour-mask';

// The mask's 3D connected pieces (26-connected), found on runs of pixels rather than voxels: a run touches a run of
// the row above or of the slice below when their columns overlap or meet corner to corner. No label volume is made.

/** Maximal stretches of tumour pixels along one row of one slice, in slice, row, column order. */
export interface MaskRuns {
  slice: number[];
  y: number[];
  x0: number[];
  /** Inclusive. */
  x1: number[];
  /** Runs of row r = slice * height + y are [rowStart[r], rowStart[r + 1]). */
  rowStart: Int32Array;
}

export interface PixelBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  s0: number;
  s1: number;
}

/** One connected piece of the mask: its voxel count, its runs (indices into MaskRuns) and its bounding box. */
export interface Piece {
  voxels: number;
  runs: number[];
  box: PixelBox;
}

/** A pixel is tumour where the mask holds 1 (TumourMask slices are 0/1). */
export function maskRuns(mask: TumourMask): MaskRuns {
  const { width, height, count } = mask.grid;
  const runs: MaskRuns = { slice: [], y: [], x0: [], x1: [], rowStart: new Int32Array(count * height + 1) };
  for (let s = 0; s < count; s++) {
    const pixels = mask.slice(s);
    // indexOf is the engine's own scan: most of a slice is 0 and is skipped at memory speed
    let p = pixels ? pixels.indexOf(1) : -1;
    for (let y = 0; y < height; y++) {
      runs.rowStart[s * height + y] = runs.x0.length;
      const row = y * width, rowEnd = row + width;
      while (p >= 0 && p < rowEnd) {
        const stop = pixels!.indexOf(0, p);
        const end = stop < 0 || stop > rowEnd ? rowEnd : stop;
        runs.slice.push(s);
        runs.y.push(y);
        runs.x0.push(p - row);
        runs.x1.push(end - 1 - row);
        p = pixels!.indexOf(1, end);
      }
    }
  }
  runs.rowStart[count * height] = runs.x0.length;
  return runs;
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/** The 26-connected pieces, largest first. */
export function connectedPieces(runs: MaskRuns, grid: SliceGrid): Piece[] {
  const { height } = grid;
  const total = runs.x0.length;
  const parent = new Int32Array(total);
  for (let r = 0; r < total; r++) parent[r] = r;
  for (let r = 0; r < total; r++) {
    const s = runs.slice[r], y = runs.y[r], from = runs.x0[r] - 1, to = runs.x1[r] + 1;
    // the rows already seen that may touch this run: the row above in this slice, three rows of the slice below
    for (let n = 0; n < 4; n++) {
      const ns = n === 0 ? s : s - 1, ny = n === 0 ? y - 1 : y + n - 2;
      if (ns < 0 || ny < 0 || ny >= height) continue;
      const row = ns * height + ny;
      for (let q = runs.rowStart[row]; q < runs.rowStart[row + 1]; q++) {
        if (runs.x1[q] < from) continue;
        if (runs.x0[q] > to) break;
        const a = find(parent, r), b = find(parent, q);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const byRoot = new Map<number, Piece>();
  for (let r = 0; r < total; r++) {
    const root = find(parent, r);
    let piece = byRoot.get(root);
    if (!piece) {
      piece = { voxels: 0, runs: [], box: { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity, s0: Infinity, s1: -Infinity } };
      byRoot.set(root, piece);
    }
    const { box } = piece;
    piece.voxels += runs.x1[r] - runs.x0[r] + 1;
    piece.runs.push(r);
    box.x0 = Math.min(box.x0, runs.x0[r]);
    box.x1 = Math.max(box.x1, runs.x1[r]);
    box.y0 = Math.min(box.y0, runs.y[r]);
    box.y1 = Math.max(box.y1, runs.y[r]);
    box.s0 = Math.min(box.s0, runs.slice[r]);
    box.s1 = Math.max(box.s1, runs.slice[r]);
  }
  return [...byRoot.values()].sort((a, b) => b.voxels - a.voxels);
}
