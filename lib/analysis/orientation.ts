import type { DecodedImage } from '../imaging/decode';
import type { Letterbox } from '../imaging/letterbox';
import { guardInput } from '../imaging/mri-likeness';
import { turnRaster, type QuarterTurns } from '../imaging/turn';
import { loadOrientationModel } from '../model/orientation-model';
import { judgeUpload } from './mri-guard';

// Which way up is the slice? A DICOM image says so in its orientation tags (formats/dicom-image.ts reads it upright);
// a picture carries no orientation, so the reader (models/orientation.onnx) judges it from the guard's input. Only a
// turn can be seen: a mirror cannot (either hemisphere may be on either side), so nothing here claims left or right.

type OrientationSource = 'dicom' | 'detected';

export interface SliceOrientation {
  /** How far the upload is turned from upright, counter-clockwise; it was read turned back by as much. */
  turnDegrees: 0 | 90 | 180 | 270;
  source: OrientationSource;
  /** The reader's probability for what was done (the turn, or leaving the picture as it is); null when the tags say. */
  confidence: number | null;
}

export const turnOf = (degrees: SliceOrientation['turnDegrees']): QuarterTurns => (degrees / 90) as QuarterTurns;

/** A DICOM image's orientation, from its tags (it was decoded upright from them). */
export const tagOrientation = (tagTurn: QuarterTurns): SliceOrientation => ({ turnDegrees: (tagTurn * 90) as SliceOrientation['turnDegrees'], source: 'dicom', confidence: null });

/** A picture's orientation, read from its letterboxed pixels (colours as sent) by the orientation model. */
export async function detectOrientation(boxed: Uint8Array, box: Letterbox): Promise<SliceOrientation> {
  const reader = await loadOrientationModel();
  const p = await reader.read(guardInput(boxed, box.size, reader.manifest.input.shape[2]));
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  // a turn only when the reader is sure of it; "do not turn" (no brain in it), doubt (a planet, noise: no upright) leave it as sent
  if (best >= 1 && best <= 3 && p[best] >= reader.manifest.threshold && !(await surelyNotMri(boxed, box, reader.manifest.guardVeto.notMri))) {
    return { turnDegrees: (best * 90) as SliceOrientation['turnDegrees'], source: 'detected', confidence: p[best] };
  }
  return { turnDegrees: 0, source: 'detected', confidence: 1 - p[1] - p[2] - p[3] };
}

/**
 * The guard's veto on a turn: a picture it is sure is not an MRI as sent (a mask, a chart) is not turned into one that it
 * might then let through. The level is chosen on validation so that turned MRI slices are hardly ever kept as sent.
 */
async function surelyNotMri(boxed: Uint8Array, box: Letterbox, level: number): Promise<boolean> {
  const report = await judgeUpload(boxed, box);
  return report.verdict === 'refused' || (report.scores?.notMri ?? 0) >= level;
}

/** The decoded upload turned by `quarters` (counter-clockwise); pixel spacing follows the rows and columns. */
export function turnImage<Image extends DecodedImage>(image: Image, quarters: QuarterTurns): Image {
  if (quarters === 0) return image;
  const turned = turnRaster({ width: image.width, height: image.height, pixels: image.rgb }, quarters, 3);
  const spacing = image.pixelSpacingMm;
  return {
    ...image, width: turned.width, height: turned.height, rgb: turned.pixels,
    pixelSpacingMm: spacing && quarters % 2 === 1 ? [spacing[1], spacing[0]] : spacing,
  };
}
