import { UploadError } from '../errors';
import { MAX_INPUT_PIXELS, MIN_IMAGE_SIDE } from '../limits';
import { chooseSliceAxes } from '../volume/axes';
import { readDicomHeader } from './dicom-file';
import { CODEC_SCRATCH_FRAMES, readFramePixels } from './dicom-pixels';
import { dicomAffine } from './dicom-series';
import { findIntensityWindow, sliceReader } from '../volume/intensity';
import type { QuarterTurns } from '../imaging/turn';
import type { ScalarVolume } from '../volume/scalar-volume';
import { sliceGrid } from '../volume/slices';

// One DICOM image on the slice page, read like a 16-bit PNG: its rescaled values (RescaleSlope/Intercept) brought to
// 8 bits by the same head-percentile window the volume page uses, then the manifest's normalisation as for any picture.
// The window tags (WindowCenter/Width) are a display choice of the scanner's, not used.

export interface DicomPicture {
  width: number;
  height: number;
  /** 8-bit grey, row by row, patient's right on the left and anterior at the top when the orientation is known. */
  grey: Uint8Array;
  /** Between rows and between columns of `grey`, mm; null when the file gives no PixelSpacing. */
  pixelSpacingMm: [number, number] | null;
  /** With orientation tags: how far the stored pixels are turned from upright, counter-clockwise quarters; else null. */
  storedTurn: QuarterTurns | null;
  /** The file says its pixels went through lossy compression. */
  lossyCompression: boolean;
}

/**
 * Which stored direction points to the back of the head (the bottom of an upright axial slice, RAS+ y negative): along the
 * columns (j), upright; along the rows (i), the front is on the left, a quarter turn counter-clockwise; and so on.
 */
function storedTurnOf(affine: number[][]): QuarterTurns {
  const back = (column: number) => -affine[1][column] / (Math.hypot(affine[0][column], affine[1][column], affine[2][column]) || 1);
  const [i, j] = [back(0), back(1)];
  if (Math.abs(j) >= Math.abs(i)) return j >= 0 ? 0 : 2;
  return i > 0 ? 1 : 3;
}

// Stored pixels, two float32 copies for the window and the slice, and the 8-bit result, per pixel
const DICOM_EXTRA_BYTES_PER_PIXEL = 11;

export async function readDicomPicture(bytes: Uint8Array, label: string, admit?: (width: number, height: number, extraBytesPerPixel: number) => void): Promise<DicomPicture> {
  const header = readDicomHeader(bytes, label);
  if (header.isMediaDirectory) throw new UploadError(`${label} is a DICOMDIR (an index of files), not an image.`, 415);
  if (header.modality !== 'MR' && header.modality !== 'unknown') {
    throw new UploadError(`${label} is a DICOM image of modality ${header.modality}${header.modality === 'CT' ? ': this is CT; this tool reads MRI' : ', not MR. The model reads FLAIR MRI'}.`, 422);
  }
  if (header.frames > 1) {
    throw new UploadError(`${label} has ${header.frames} frames: a whole series in one file; send it on the volume page (/volume).`, 422);
  }
  if (header.isLocaliser) throw new UploadError(`${label} is a localiser (scout) image, taken to plan the scan. Upload an axial FLAIR slice.`, 422);
  const { rows, columns } = header;
  if (rows * columns > MAX_INPUT_PIXELS) {
    throw new UploadError(`${label} is ${columns}×${rows} pixels; the limit is ${MAX_INPUT_PIXELS.toLocaleString('en')} pixels.`, 413);
  }
  if (rows < MIN_IMAGE_SIDE || columns < MIN_IMAGE_SIDE) {
    throw new UploadError(`${label} is ${columns}×${rows} pixels, too small to be an MRI slice (at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}).`, 400);
  }
  const storedBytes = header.datatype === 'uint8' ? 1 : 2;
  admit?.(columns, rows, DICOM_EXTRA_BYTES_PER_PIXEL + (header.frameRanges ? CODEC_SCRATCH_FRAMES * storedBytes : 0));

  const spacing = header.pixelSpacingMm ?? [1, 1];
  const affine = header.orientation
    ? dicomAffine(header.orientation.slice(0, 3) as [number, number, number], header.orientation.slice(3) as [number, number, number], spacing, header.position ?? [0, 0, 0], [0, 0, 0])
    : [[-spacing[1], 0, 0, 0], [0, -spacing[0], 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]; // as stored: DICOM's rows and columns
  // the slice's own normal completes the affine, so the axes can be chosen as for a volume
  const normal = [0, 1, 2].map((r) => affine[(r + 1) % 3][0] * affine[(r + 2) % 3][1] - affine[(r + 2) % 3][0] * affine[(r + 1) % 3][1]);
  const length = Math.hypot(...normal) || 1;
  normal.forEach((v, r) => (affine[r][2] = v / length));
  const axes = chooseSliceAxes(affine);
  if (axes.normal !== 2) {
    const plane = Math.abs(normal[0]) >= Math.abs(normal[1]) ? 'sagittal' : 'coronal'; // the slice's normal points left-right or front-back
    throw new UploadError(`${label} is a ${plane} slice; the model reads axial slices. Upload an axial FLAIR image.`, 422);
  }

  const stored = header.datatype === 'int16' ? new Int16Array(rows * columns) : header.datatype === 'uint16' ? new Uint16Array(rows * columns) : new Uint8Array(rows * columns);
  await readFramePixels(header, stored, label);
  const volume: ScalarVolume = {
    dims: [columns, rows, 1], spacingMm: [spacing[1], spacing[0], 1], affine, affineSource: 'dicom', datatype: header.datatype,
    stored, slope: header.slope, intercept: header.intercept,
  };
  const grid = sliceGrid(volume.dims, volume.spacingMm, axes);
  const grey = sliceReader(volume, await findIntensityWindow(volume), grid)(0, new Uint8Array(grid.width * grid.height));
  return {
    width: grid.width,
    height: grid.height,
    grey,
    pixelSpacingMm: header.pixelSpacingMm ? [grid.rowSpacingMm, grid.columnSpacingMm] : null,
    storedTurn: header.orientation ? storedTurnOf(affine) : null,
    lossyCompression: header.lossyCompression,
  };
}
