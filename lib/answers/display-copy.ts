import type { VolumeAnalysis } from '../analysis/analyse-volume';
import { writeNiftiUint8 } from '../formats/nifti-write';
import { gridToWorld, pixelToWorld, type Vec3 } from '../report/world';
import type { Affine } from '../volume/scalar-volume';

// The scan as the browser's viewer shows it when the browser has no NIfTI of its own (a DICOM series): the FLAIR as the
// model saw it (8-bit, windowed), on the axial slice grid, averaged down to at most 256×256 in-plane and 240 slices, so
// that its .nii.gz stays under 16 MB whatever the upload. Its affine keeps it in the mask's place in the patient.

export const MAX_DISPLAY_SIDE = 256;
export const MAX_DISPLAY_SLICES = 240;
const CONTENT = { description: 'FLAIR for display (8-bit, windowed)', calMax: 255 };

type DisplaySource = Pick<VolumeAnalysis, 'grid' | 'flairSlice'> & { geometry: { affine: Affine } };

/** How many source pixels (in-plane) and slices one display voxel averages. */
function blockSizes({ grid }: DisplaySource): { side: number; slices: number } {
  return { side: Math.ceil(Math.max(grid.width, grid.height) / MAX_DISPLAY_SIDE), slices: Math.ceil(grid.count / MAX_DISPLAY_SLICES) };
}

function displayDims(source: DisplaySource): [number, number, number] {
  const { grid } = source;
  const { side, slices } = blockSizes(source);
  return [Math.ceil(grid.width / side), Math.ceil(grid.height / side), Math.ceil(grid.count / slices)];
}

/**
 * Memory the copy holds while it is answered, for the request's reservation: at worst (noise that gzip cannot shrink) its
 * .nii.gz, that as base64, and the answer's text around it: 4 bytes a voxel. Its planes are made and packed one at a time.
 */
export function displayCopyBytes(source: DisplaySource): number {
  return 4 * displayDims(source).reduce((a, b) => a * b, 1);
}

function* averagedPlanes(source: DisplaySource, width: number, height: number, count: number): Generator<Uint8Array> {
  const { grid } = source;
  const { side, slices } = blockSizes(source);
  const sums = new Uint32Array(width * height), counts = new Uint32Array(width * height);
  for (let k = 0; k < count; k++) {
    sums.fill(0);
    counts.fill(0);
    for (let s = k * slices; s < Math.min(grid.count, (k + 1) * slices); s++) {
      const flair = source.flairSlice(s);
      for (let y = 0; y < grid.height; y++) {
        const row = Math.floor(y / side) * width;
        for (let x = 0; x < grid.width; x++) {
          const at = row + Math.floor(x / side);
          sums[at] += flair[y * grid.width + x];
          counts[at]++;
        }
      }
    }
    const plane = new Uint8Array(width * height);
    for (let p = 0; p < plane.length; p++) plane[p] = Math.round(sums[p] / counts[p]);
    yield plane;
  }
}

/** Display voxel (i, j, k) -> patient mm: the centre of the block of slice-grid pixels it averages. */
function displayAffine(source: DisplaySource): Affine {
  const { side, slices } = blockSizes(source);
  const toWorld = gridToWorld(source.grid, source.geometry.affine);
  const centre = pixelToWorld(toWorld, (side - 1) / 2, (side - 1) / 2, (slices - 1) / 2);
  const { perColumn, perRow, perSlice } = toWorld;
  return [0, 1, 2].map((a) => [perColumn[a] * side, perRow[a] * side, perSlice[a] * slices, centre[a]]).concat([[0, 0, 0, 1]]);
}

/** The 8-bit display copy as .nii.gz. */
export function displayNifti(source: DisplaySource): Promise<Buffer> {
  const { grid } = source;
  const { side, slices } = blockSizes(source);
  const dims = displayDims(source);
  const spacingMm: [number, number, number] = [grid.columnSpacingMm * side, grid.rowSpacingMm * side, grid.sliceSpacingMm * slices];
  return writeNiftiUint8({ dims, spacingMm, affine: displayAffine(source) }, averagedPlanes(source, ...dims), CONTENT);
}

/** Where the viewer's crosshair starts: the largest lesion's centre in patient mm (RAS+), or null without a lesion. */
export function lesionCentreMm(analysis: Pick<VolumeAnalysis, 'grid' | 'report'> & { geometry: { affine: Affine } }): Vec3 | null {
  const centre = analysis.report.largestLesionCentre;
  return centre ? pixelToWorld(gridToWorld(analysis.grid, analysis.geometry.affine), centre.x, centre.y, centre.sliceIndex) : null;
}
