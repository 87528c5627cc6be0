import type { SliceAxes, VoxelAxis } from './axes';
import type { ScalarVolume, StoredVoxels } from './scalar-volume';

// Axial slices out of a voxel grid and masks back into it, with the flips that put anterior at the top.

export interface SliceGrid {
  dims: [number, number, number];
  axes: SliceAxes;
  width: number;
  height: number;
  count: number;
  /** Millimetres between columns and between rows of a slice image, and between slices. */
  columnSpacingMm: number;
  rowSpacingMm: number;
  sliceSpacingMm: number;
}

export function sliceGrid(dims: [number, number, number], spacingMm: [number, number, number], axes: SliceAxes): SliceGrid {
  return {
    dims,
    axes,
    width: dims[axes.column],
    height: dims[axes.row],
    count: dims[axes.normal],
    columnSpacingMm: spacingMm[axes.column],
    rowSpacingMm: spacingMm[axes.row],
    sliceSpacingMm: spacingMm[axes.normal],
  };
}

/** Where pixel (x, y) of slice `index` sits in the volume: base + x * columnStep + y * rowStep. */
function walk(grid: SliceGrid, index: number) {
  const strides = [1, grid.dims[0], grid.dims[0] * grid.dims[1]];
  const stride = (axis: VoxelAxis) => strides[axis];
  const { axes, width, height } = grid;
  const columnStep = axes.flipColumn ? -stride(axes.column) : stride(axes.column);
  const rowStep = axes.flipRow ? -stride(axes.row) : stride(axes.row);
  const base = index * stride(axes.normal) + (axes.flipColumn ? (width - 1) * stride(axes.column) : 0) + (axes.flipRow ? (height - 1) * stride(axes.row) : 0);
  return { base, columnStep, rowStep };
}

/** The voxel index of pixel p (row-major) of slice `index`. */
function voxelOfPixel(grid: SliceGrid, index: number): (p: number) => number {
  const { base, columnStep, rowStep } = walk(grid, index);
  return (p) => base + Math.floor(p / grid.width) * rowStep + (p % grid.width) * columnStep;
}

/** One slice as a row-major image (width x height). */
export function readSlice<T extends Uint8Array | Int32Array | Float32Array>(volume: StoredVoxels, grid: SliceGrid, index: number, into: T): T {
  const { base, columnStep, rowStep } = walk(grid, index);
  const { width } = grid;
  if (columnStep === 1 || columnStep === -1) {
    // rows run along i (the usual case): each is copied and converted by the engine, reversed in place when flipped,
    // faster than a loop that sees every voxel type (docs/performance.md)
    for (let y = 0; y < grid.height; y++) {
      const row = into.subarray(y * width, (y + 1) * width), v = base + y * rowStep;
      if (columnStep === 1) row.set(volume.subarray(v, v + width));
      else {
        row.set(volume.subarray(v - width + 1, v + 1));
        row.reverse();
      }
    }
    return into;
  }
  for (let y = 0, p = 0; y < grid.height; y++) {
    let v = base + y * rowStep;
    for (let x = 0; x < grid.width; x++, p++, v += columnStep) into[p] = volume[v];
  }
  return into;
}

/** One slice's values as float32 with the volume's scaling: the one place a slice's stored voxels become values. */
export function readScaledSlice(volume: ScalarVolume, grid: SliceGrid, index: number, into: Float32Array): Float32Array {
  readSlice(volume.stored, grid, index, into);
  if (volume.planeScaling) {
    // DICOM slices may each carry their own slope and intercept; a slice across k (the usual case) lies in one plane
    const { slopes, intercepts } = volume.planeScaling;
    const plane = volume.dims[0] * volume.dims[1];
    const voxel = grid.axes.normal === 2 ? null : voxelOfPixel(grid, index);
    for (let p = 0; p < into.length; p++) {
      const k = voxel ? Math.floor(voxel(p) / plane) : index;
      into[p] = into[p] * slopes[k] + intercepts[k];
    }
    return into;
  }
  const { slope, intercept } = volume;
  if (slope !== 1 || intercept !== 0) for (let p = 0; p < into.length; p++) into[p] = into[p] * slope + intercept;
  return into;
}

/** The inverse of readSlice: a row-major slice image written back into the volume. */
export function writeSlice(volume: Uint8Array, grid: SliceGrid, index: number, slice: Uint8Array): void {
  const { base, columnStep, rowStep } = walk(grid, index);
  for (let y = 0, p = 0; y < grid.height; y++) {
    let v = base + y * rowStep;
    for (let x = 0; x < grid.width; x++, p++, v += columnStep) volume[v] = slice[p];
  }
}
