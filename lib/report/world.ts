import type { Affine } from '../volume/scalar-volume';
import type { SliceGrid } from '../volume/slices';

// The one mapping from a slice-grid pixel to the patient: pixel (x, y) of slice s -> voxel (i, j, k) -> RAS+ mm.

export type Vec3 = [number, number, number];

/** The voxel under pixel (x, y) of slice `slice`, undoing the flips that put anterior at the top and the right on the left. */
export function pixelToVoxel(grid: SliceGrid, x: number, y: number, slice: number): Vec3 {
  const { axes, width, height } = grid;
  const voxel: Vec3 = [0, 0, 0];
  voxel[axes.column] = axes.flipColumn ? width - 1 - x : x;
  voxel[axes.row] = axes.flipRow ? height - 1 - y : y;
  voxel[axes.normal] = slice;
  return voxel;
}

/** Voxel (i, j, k) -> patient mm (RAS+: x to the patient's right, y to the front, z to the top). */
export function voxelToWorld(affine: Affine, [i, j, k]: Vec3): Vec3 {
  const row = (r: number) => affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
  return [row(0), row(1), row(2)];
}

/** world = origin + x * perColumn + y * perRow + slice * perSlice: the composition above, linear, for loops over voxels. */
export interface GridToWorld {
  origin: Vec3;
  perColumn: Vec3;
  perRow: Vec3;
  perSlice: Vec3;
}

export function gridToWorld(grid: SliceGrid, affine: Affine): GridToWorld {
  const origin = voxelToWorld(affine, pixelToVoxel(grid, 0, 0, 0));
  const step = (x: number, y: number, slice: number): Vec3 => {
    const to = voxelToWorld(affine, pixelToVoxel(grid, x, y, slice));
    return [to[0] - origin[0], to[1] - origin[1], to[2] - origin[2]];
  };
  return { origin, perColumn: step(1, 0, 0), perRow: step(0, 1, 0), perSlice: step(0, 0, 1) };
}

/** Patient mm of a (possibly fractional) slice-grid point. */
export function pixelToWorld(map: GridToWorld, x: number, y: number, slice: number): Vec3 {
  const { origin, perColumn, perRow, perSlice } = map;
  return [0, 1, 2].map((a) => origin[a] + x * perColumn[a] + y * perRow[a] + slice * perSlice[a]) as Vec3;
}

/** How far one voxel reaches along each patient axis: the extent of a set of voxels is its centres' span plus this. */
export function voxelReachMm(map: GridToWorld): Vec3 {
  const { perColumn, perRow, perSlice } = map;
  return [0, 1, 2].map((a) => Math.abs(perColumn[a]) + Math.abs(perRow[a]) + Math.abs(perSlice[a])) as Vec3;
}
