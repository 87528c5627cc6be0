import type { VolumeAnalysis } from '../analysis/analyse-volume';
import { blendTumour } from '../imaging/overlay';
import { resizedPng } from '../imaging/raster';

// Three pictures through a point of the volume (the largest lesion's centre): axial, coronal and sagittal, the FLAIR
// with the predicted tumour blended in, laid out as radiologists read them: the patient's right on the picture's left
// (axial, coronal), anterior on the left (sagittal), superior at the top (coronal, sagittal).

export type Plane = 'axial' | 'coronal' | 'sagittal';

export interface KeyPicture {
  plane: Plane;
  png: Buffer;
  width: number;
  height: number;
  /** What lies at each edge of the picture, for its labels. */
  sides: { left: string; right: string; top: string; bottom: string };
}

/** The point the pictures pass through, on the analysis's axial slice grid (pixels and slice index). */
export interface PicturePoint {
  sliceIndex: number;
  x: number;
  y: number;
}

const MAX_SIDE = 320;

interface Plate {
  grey: Uint8Array;
  tumour: Uint8Array;
  width: number;
  height: number;
  widthMm: number;
  heightMm: number;
}

/** Row r of a cut across slices runs from the top of the head down. */
const sliceAtRow = (analysis: VolumeAnalysis, row: number) => (analysis.axes.superiorIncreases ? analysis.grid.count - 1 - row : row);

function axialPlate(analysis: VolumeAnalysis, point: PicturePoint): Plate {
  const { grid } = analysis;
  return {
    grey: analysis.flairSlice(point.sliceIndex),
    tumour: analysis.mask.slice(point.sliceIndex) ?? new Uint8Array(grid.width * grid.height),
    width: grid.width, height: grid.height,
    widthMm: grid.width * grid.columnSpacingMm, heightMm: grid.height * grid.rowSpacingMm,
  };
}

/** Coronal (a row of every axial slice) or sagittal (a column of every axial slice), read once through all slices. */
function crossPlate(analysis: VolumeAnalysis, plane: 'coronal' | 'sagittal', point: PicturePoint): Plate {
  const { grid } = analysis;
  const width = plane === 'coronal' ? grid.width : grid.height;
  const grey = new Uint8Array(width * grid.count), tumour = new Uint8Array(width * grid.count);
  for (let row = 0; row < grid.count; row++) {
    const index = sliceAtRow(analysis, row);
    const slice = analysis.flairSlice(index), mask = analysis.mask.slice(index);
    for (let c = 0; c < width; c++) {
      const p = plane === 'coronal' ? point.y * grid.width + c : c * grid.width + point.x;
      grey[row * width + c] = slice[p];
      if (mask) tumour[row * width + c] = mask[p];
    }
  }
  const widthMm = width * (plane === 'coronal' ? grid.columnSpacingMm : grid.rowSpacingMm);
  return { grey, tumour, width, height: grid.count, widthMm, heightMm: grid.count * grid.sliceSpacingMm };
}

async function render(plate: Plate): Promise<{ png: Buffer; width: number; height: number }> {
  // shown at its shape in millimetres: slices 5 mm apart are not squashed
  const scale = MAX_SIDE / Math.max(plate.widthMm, plate.heightMm);
  const width = Math.max(1, Math.round(plate.widthMm * scale)), height = Math.max(1, Math.round(plate.heightMm * scale));
  const png = await resizedPng(blendTumour(plate.grey, plate.tumour), { width: plate.width, height: plate.height, channels: 3 }, width, height);
  return { png, width, height };
}

const SIDES: Record<Plane, KeyPicture['sides']> = {
  axial: { left: 'R', right: 'L', top: 'A', bottom: 'P' },
  coronal: { left: 'R', right: 'L', top: 'S', bottom: 'I' },
  sagittal: { left: 'A', right: 'P', top: 'S', bottom: 'I' },
};

export async function keyPictures(analysis: VolumeAnalysis, point: PicturePoint): Promise<KeyPicture[]> {
  const plates: Array<[Plane, Plate]> = [
    ['axial', axialPlate(analysis, point)],
    ['coronal', crossPlate(analysis, 'coronal', point)],
    ['sagittal', crossPlate(analysis, 'sagittal', point)],
  ];
  return Promise.all(plates.map(async ([plane, plate]) => ({ plane, ...(await render(plate)), sides: SIDES[plane] })));
}
