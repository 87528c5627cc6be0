// The head as the report needs it: per slice, how many head pixels and the sums of their x and y (slice-grid pixels).
// The analysis already visits every head pixel of every slice once (the survey), so adding two sums there is nearly
// free and no head volume (a byte a voxel, up to 80 MB) is kept; the report needs only the head's size and centroid.

export interface HeadSummary {
  /** Indexed by slice index, each as long as the grid has slices. */
  areaPx: number[];
  sumXPx: number[];
  sumYPx: number[];
}

export function emptyHeadSummary(sliceCount: number): HeadSummary {
  return { areaPx: new Array(sliceCount).fill(0), sumXPx: new Array(sliceCount).fill(0), sumYPx: new Array(sliceCount).fill(0) };
}

/** Adds one slice's 0/1 head bitmap (row-major, `width` wide) to the summary, a run of head pixels at a time. */
export function addHeadSlice(summary: HeadSummary, index: number, head: Uint8Array, width: number): void {
  let area = 0, sumX = 0, sumY = 0;
  // indexOf is the engine's own scan, much faster than a loop over every pixel
  for (let p = head.indexOf(1); p >= 0; ) {
    const y = Math.floor(p / width), rowEnd = (y + 1) * width;
    const stop = head.indexOf(0, p);
    const end = stop < 0 || stop > rowEnd ? rowEnd : stop;
    const n = end - p, x0 = p - y * width;
    area += n;
    sumX += ((2 * x0 + n - 1) * n) / 2;
    sumY += y * n;
    p = head.indexOf(1, end);
  }
  summary.areaPx[index] = area;
  summary.sumXPx[index] = sumX;
  summary.sumYPx[index] = sumY;
}

/** The head's voxel count and its centroid in slice-grid pixels (x, y, slice); null when there is no head. */
export function headCentroid(summary: HeadSummary): { voxels: number; x: number; y: number; slice: number } | null {
  let voxels = 0, sumX = 0, sumY = 0, sumSlice = 0;
  for (let s = 0; s < summary.areaPx.length; s++) {
    voxels += summary.areaPx[s];
    sumX += summary.sumXPx[s];
    sumY += summary.sumYPx[s];
    sumSlice += summary.areaPx[s] * s;
  }
  return voxels > 0 ? { voxels, x: sumX / voxels, y: sumY / voxels, slice: sumSlice / voxels } : null;
}
