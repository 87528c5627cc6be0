import type { VolumeGeometry } from '../volume/scalar-volume';
import type { TumourMask } from '../volume/tumour-mask';
import { connectedPieces, maskRuns } from './components';
import { countFoci } from './focality';
import { headCentroid, type HeadSummary } from './head';
import { tumourLaterality, type Laterality } from './laterality';
import { describeLesion, lesionCentre, type Lesion, type SlicePoint } from './lesions';
import { bidimensionalMeasure, type Bidimensional } from './rano';
import { gridToWorld } from './world';

// The clinical report of a volume's tumour mask: sizes, lesions, side and the RANO measure. Lengths in mm, positions
// in RAS+ mm from the affine.

const MIN_LESION_ML = 0.1;
/** RANO measures the largest lesions, up to this many. */
const MEASURED_LESIONS = 2;

export interface VolumeReport {
  tumourVolumeMl: number;
  /** The head mask, skull included where the scan has it. */
  headVolumeMl: number;
  tumourShareOfHead: number;
  /** The mask's 26-connected pieces of at least 0.1 mL, largest first. */
  lesions: Lesion[];
  /** The lesions form at least two foci: groups at least 5 mm apart, surface to surface (focality.ts). */
  multifocal: boolean;
  /** Null when it cannot be told, with the reason in lateralityNote. */
  laterality: Laterality | null;
  lateralityNote: string | null;
  /** RANO: the two largest lesions (or the one), each on the axial slice where it is largest. */
  bidimensional: Bidimensional[];
  /** Over the measurable ones. */
  sumOfProductsMm2: number;
  /** A voxel of the largest lesion nearest its centroid, for pictures cut through it; null when there is no lesion. */
  largestLesionCentre: SlicePoint | null;
}

/** `mask` must lie on `geometry`'s grid; `head` summarises the head mask slice by slice on the same grid. */
export function buildVolumeReport(mask: TumourMask, geometry: VolumeGeometry, head: HeadSummary): VolumeReport {
  const { grid } = mask;
  if (grid.dims.some((n, d) => n !== geometry.dims[d])) throw new Error(`The mask's grid ${grid.dims.join('×')} is not the volume's ${geometry.dims.join('×')}`);
  const voxelMl = (geometry.spacingMm[0] * geometry.spacingMm[1] * geometry.spacingMm[2]) / 1000;
  const toWorld = gridToWorld(grid, geometry.affine);
  const runs = maskRuns(mask);
  const pieces = connectedPieces(runs, grid);
  const tumourVoxels = pieces.reduce((sum, piece) => sum + piece.voxels, 0);
  const headVoxels = headCentroid(head)?.voxels ?? 0;
  // a small tolerance so a lesion of exactly MIN_LESION_ML is not lost to rounding of the voxel size
  const listed = pieces.filter((piece) => piece.voxels * voxelMl >= MIN_LESION_ML - 1e-9);
  const { laterality, note } = tumourLaterality(runs, head, toWorld, geometry.affineSource);
  const bidimensional = listed.slice(0, MEASURED_LESIONS).map((piece) => bidimensionalMeasure(piece, runs, grid));
  return {
    tumourVolumeMl: tumourVoxels * voxelMl,
    headVolumeMl: headVoxels * voxelMl,
    tumourShareOfHead: headVoxels > 0 ? tumourVoxels / headVoxels : 0,
    lesions: listed.map((piece) => describeLesion(piece, runs, toWorld, voxelMl)),
    multifocal: countFoci(listed, runs, mask) >= 2,
    laterality,
    lateralityNote: note,
    bidimensional,
    sumOfProductsMm2: bidimensional.filter((measure) => measure.measurable).reduce((sum, measure) => sum + measure.productMm2, 0),
    largestLesionCentre: listed.length > 0 ? lesionCentre(listed[0], runs, grid) : null,
  };
}
