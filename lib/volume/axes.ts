import type { Affine } from './scalar-volume';

// Which way the voxel grid lies in the patient: slices are cut across the voxel axis nearest to superior-inferior.

export type VoxelAxis = 0 | 1 | 2;

export interface SliceAxes {
  /** The voxel axis closest to the patient's superior-inferior axis; each slice is one index along it. */
  normal: VoxelAxis;
  /** The voxel axes along an image's columns (nearest left-right) and rows (nearest anterior-posterior). */
  column: VoxelAxis;
  row: VoxelAxis;
  /** Flips that show the patient's right on the image's left (radiological view) and anterior at the top, as the training slices are. */
  flipColumn: boolean;
  flipRow: boolean;
  /** A higher slice index is further towards the head's top. */
  superiorIncreases: boolean;
  /** |cos| of the angle between the normal axis and superior-inferior: 1 for a true axial grid. */
  alignment: number;
}

export const axisNames = ['i', 'j', 'k'] as const;

function direction(affine: Affine, axis: VoxelAxis): [number, number, number] {
  const x = affine[0][axis], y = affine[1][axis], z = affine[2][axis];
  const length = Math.hypot(x, y, z) || 1;
  return [x / length, y / length, z / length];
}

/** From the voxel-to-patient affine (RAS+: x to the right, y to the front, z to the top). */
export function chooseSliceAxes(affine: Affine): SliceAxes {
  const directions = ([0, 1, 2] as const).map((axis) => direction(affine, axis));
  // ties go to the later axis: k is the slice axis of most scans
  const normal = ([2, 1, 0] as const).reduce((best, axis) => (Math.abs(directions[axis][2]) > Math.abs(directions[best][2]) + 1e-6 ? axis : best));
  const [first, second] = ([0, 1, 2] as const).filter((axis) => axis !== normal);
  const column = Math.abs(directions[second][0]) > Math.abs(directions[first][0]) + 1e-6 ? second : first;
  const row = column === first ? second : first;
  return {
    normal,
    column,
    row,
    flipColumn: directions[column][0] > 0, // columns should run towards the patient's left (-x)
    flipRow: directions[row][1] > 0, // rows should run towards the back (-y)
    superiorIncreases: directions[normal][2] > 0,
    alignment: Math.abs(directions[normal][2]),
  };
}

/** For people: "k (axial; slice 0 is the lowest)". */
export function describeSliceAxis(axes: SliceAxes): string {
  const tilt = Math.round((Math.acos(Math.min(1, axes.alignment)) * 180) / Math.PI);
  const tilted = tilt >= 1 ? `, tilted ${tilt}° from true axial` : '';
  return `${axisNames[axes.normal]} (axial; slice 0 is the ${axes.superiorIncreases ? 'lowest' : 'highest'}${tilted})`;
}
