import { countOn, overlayRgba, thresholdMask } from '../imaging/overlay';
import { displayPng, encodePng, resizeGrey } from '../imaging/raster';
import type { ReadingResult, SliceAnalysis } from '../analysis/analyse-slice';
import { readingDescriptions } from '../analysis/readings';
import { guardBody } from './guard-answer';
import type { SliceAnswer } from './slice-schema';

// The analysis as the API sends it (its shape is slice-schema.ts) and as the result page shows it.

const DISPLAY_MAX_SIDE = 512;

async function maskPngBase64(mask: Uint8Array, width: number, height: number): Promise<string> {
  return (await encodePng(mask, { width, height, channels: 1 })).toString('base64');
}

function readingBody(result: ReadingResult, width: number, height: number) {
  return {
    label: result.label,
    probability: result.probability,
    reading: result.reading,
    tumourAreaPx: result.tumourAreaPx,
    tumourAreaMm2: result.tumourAreaMm2,
    brainAreaPx: result.brainAreaPx,
    tumourShareOfBrain: result.tumourShareOfBrain,
    maskPng: result.mask ? maskPngBase64(result.mask, width, height) : null,
  };
}

export async function sliceApiBody(analysis: SliceAnalysis): Promise<SliceAnswer> {
  const { width, height, result, alternative } = analysis;
  const primary = readingBody(result, width, height);
  const other = alternative ? readingBody(alternative, width, height) : null;
  return {
    label: primary.label,
    probability: primary.probability,
    threshold: analysis.threshold,
    mask: primary.maskPng ? { width, height, png: await primary.maskPng } : null,
    tumourAreaPx: primary.tumourAreaPx,
    // null unless the upload gives its pixel size (a DICOM image with PixelSpacing)
    tumourAreaMm2: primary.tumourAreaMm2,
    brainAreaPx: primary.brainAreaPx,
    tumourShareOfBrain: primary.tumourShareOfBrain,
    reading: primary.reading,
    alternativeReading: other
      ? { reading: other.reading, label: other.label, probability: other.probability, tumourAreaPx: other.tumourAreaPx,
          mask: other.maskPng ? { width, height, png: await other.maskPng } : null }
      : null,
    image: { width, height, pixelSpacingMm: analysis.pixelSpacingMm },
    lossyCompression: analysis.lossyCompression,
    model: analysis.model,
    warning: analysis.warning,
    note: analysis.note,
    guard: guardBody(analysis.guard),
    orientation: analysis.orientation,
    timingsMs: analysis.timingsMs,
  };
}

export interface ReadingView {
  reading: string;
  readingDescription: string;
  label: string;
  probability: number;
  tumourAreaPx: number;
  tumourAreaMm2: number | null;
  tumourSharePercent: number;
  overlaySrc: string | null;
}

export interface SliceView {
  imageSrc: string;
  displayWidth: number;
  displayHeight: number;
  width: number;
  height: number;
  threshold: number;
  result: ReadingView;
  alternative: ReadingView | null;
  model: { name: string; version: string };
  warning: string | null;
  note: string | null;
  lossyCompression: boolean;
  /** What the guard saw, in a sentence. */
  guardReason: string;
  /** How the slice was turned to be read upright, in a sentence; null when it was read as sent. */
  orientationNote: string | null;
  totalMs: number;
  inferenceMs: number;
}

async function readingView(result: ReadingResult, analysis: SliceAnalysis, displayWidth: number, displayHeight: number): Promise<ReadingView> {
  let overlaySrc: string | null = null;
  if (result.mask && countOn(result.mask) > 0) {
    // shown at its own size unless it is larger than the page shows (the mask was drawn at the upload's size already)
    const sameSize = displayWidth === analysis.width && displayHeight === analysis.height;
    const small = sameSize ? result.mask : thresholdMask(await resizeGrey(result.mask, analysis.width, analysis.height, displayWidth, displayHeight), 0.5);
    const png = await encodePng(overlayRgba(small, displayWidth, displayHeight), { width: displayWidth, height: displayHeight, channels: 4 });
    overlaySrc = `data:image/png;base64,${png.toString('base64')}`;
  }
  return {
    reading: result.reading,
    readingDescription: readingDescriptions[result.reading],
    label: result.label,
    probability: result.probability,
    tumourAreaPx: result.tumourAreaPx,
    tumourAreaMm2: result.tumourAreaMm2,
    tumourSharePercent: result.tumourShareOfBrain * 100,
    overlaySrc,
  };
}

function orientationNote({ turnDegrees, source, confidence }: SliceAnalysis['orientation']): string | null {
  if (turnDegrees === 0) return null;
  const how = source === 'dicom' ? 'as its DICOM orientation tags say' : `the front of the head was found on the ${turnDegrees === 180 ? 'bottom' : turnDegrees === 90 ? 'left' : 'right'} (confidence ${confidence?.toFixed(2)})`;
  return `Read turned ${turnDegrees}° clockwise, upright: ${how}. The picture and the drawing are shown as sent.`;
}

export async function sliceView(analysis: SliceAnalysis): Promise<SliceView> {
  // a slice read as grey is shown as a one-channel PNG: a third of the pixels to encode and to send
  const grey = analysis.result.reading === 'grayscale';
  const shown = grey ? analysis.flair : analysis.pixels;
  const display = await displayPng(shown, { width: analysis.width, height: analysis.height, channels: grey ? 1 : 3 }, DISPLAY_MAX_SIDE);
  const [result, alternative] = await Promise.all([
    readingView(analysis.result, analysis, display.width, display.height),
    analysis.alternative ? readingView(analysis.alternative, analysis, display.width, display.height) : Promise.resolve(null),
  ]);
  return {
    imageSrc: `data:image/png;base64,${display.png.toString('base64')}`,
    displayWidth: display.width,
    displayHeight: display.height,
    width: analysis.width,
    height: analysis.height,
    threshold: analysis.threshold,
    result,
    alternative,
    model: analysis.model,
    warning: analysis.warning,
    lossyCompression: analysis.lossyCompression,
    note: analysis.note,
    guardReason: analysis.guard.reason,
    orientationNote: orientationNote(analysis.orientation),
    totalMs: analysis.timingsMs.total,
    inferenceMs: analysis.timingsMs.inference,
  };
}
