import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DecodedImage } from '../imaging/decode';
import { decodeImage } from '../formats/open-image';
import { cropToImage, letterbox, uploadPixel, type Letterbox } from '../imaging/letterbox';
import { VISIBLE_SHARE, visibleBrainShare } from '../imaging/mri-likeness';
import { greyToModelInput, toModelInput } from '../imaging/normalise';
import { countOn, thresholdMask } from '../imaging/overlay';
import { letterboxPixels, resizeGrey } from '../imaging/raster';
import type { SlicePrediction, TumourModel } from '../model/tumour-model';
import { guardWarning, judgeUpload, NotBrainMriError, refusalMessage, type GuardReport } from './mri-guard';
import { chooseReadings, channelsFor, flairChannel, type Reading, type ReadingChoice } from './readings';
import { tumourDrawing } from './decision';
import { predictMirrorAveraged } from './mirror-average';
import { detectOrientation, tagOrientation, turnImage, turnOf, type SliceOrientation } from './orientation';
import { inverseTurn, mirrorRaster, turnRaster, type QuarterTurns } from '../imaging/turn';
import { withTumourModel } from './model-turn';
import type { Reservation } from '../runtime/memory-budget';
import { inferenceGate, Gate } from '../runtime/inference-gate';

const globalForSlices = globalThis as unknown as { __slicePreparation?: Gate };
// Decoding a large upload takes tens of megabytes: admitted requests wait their turn holding only the compressed bytes.
const preparation = (globalForSlices.__slicePreparation ??= new Gate(Math.max(1, os.availableParallelism()), Number.POSITIVE_INFINITY));

type TumourLabel = 'Tumor' | 'No Tumor';

export interface SliceUpload {
  flair: Uint8Array;
  t1?: Uint8Array;
  t1c?: Uint8Array;
  reading: ReadingChoice;
  /** Analyse it even when the guard flags it as not a brain MRI slice (a person overruled the guard). */
  force?: boolean;
}

export interface ReadingResult {
  reading: Reading;
  label: TumourLabel;
  probability: number;
  /** 0/255 at the upload's size; null when the slice is called No Tumor. */
  mask: Uint8Array | null;
  tumourAreaPx: number;
  /** The tumour's area in mm² when the pixel spacing is known (a DICOM image with PixelSpacing), else null. */
  tumourAreaMm2: number | null;
  brainAreaPx: number;
  tumourShareOfBrain: number;
}

export interface SliceAnalysis {
  width: number;
  height: number;
  /** Between rows and between columns, mm, when the upload says (DICOM PixelSpacing); null for pictures. */
  pixelSpacingMm: [number, number] | null;
  /** A DICOM upload says its pixels went through lossy compression (a lossy syntax, or LossyImageCompression "01"). */
  lossyCompression: boolean;
  /** Interleaved T1, FLAIR, T1c pixels of the primary reading, for pictures of the result. */
  pixels: Uint8Array;
  /** Its FLAIR channel alone (a grey reading is shown as this). */
  flair: Uint8Array;
  result: ReadingResult;
  alternative: ReadingResult | null;
  threshold: number;
  model: { name: string; version: string };
  /** What the guard saw; a 200 answer carries it so that a program can decide for itself. */
  guard: GuardReport;
  /** Which way up the upload was; it was read upright, and everything here is turned back to the upload as sent. */
  orientation: SliceOrientation;
  /** The model was not made for this picture (another MRI sequence or plane, or a forced picture), or null. */
  warning: string | null;
  /** Said when the slice shows no brain: an MRI slice all the same, with nothing to find. */
  note: string | null;
  timingsMs: { decode: number; preprocess: number; guard: number; inference: number; postprocess: number; total: number };
}

/**
 * The upload read upright: a picture turned from upright is turned back before the letterbox, the guard and the model
 * (T1 and T1c follow the FLAIR), so that every part of the reading sees the slice as it was trained on it.
 */
async function uprightUpload(images: Awaited<ReturnType<typeof decodeAll>>, size: number) {
  const { flair } = images;
  if (flair.tagTurn !== null) return { orientation: tagOrientation(flair.tagTurn), quarters: 0 as QuarterTurns, asSentBox: null, ...images };
  const box = letterbox(flair.width, flair.height, size, { mirrorSymmetric: true });
  const boxed = await letterboxPixels(flair.rgb, flair.width, flair.height, box);
  const orientation = await detectOrientation(boxed, box);
  const quarters = turnOf(orientation.turnDegrees);
  const upright = (image: typeof flair | undefined) => image && turnImage(image, inverseTurn(quarters));
  // read as sent, the letterboxed colours are the layered reading's own: not resized twice
  const asSentBox = quarters === 0 ? boxed : null;
  return { orientation, quarters, asSentBox, flair: upright(flair)!, t1: upright(images.t1), t1c: upright(images.t1c) };
}

/** A result read upright, turned back to the upload as sent. */
function turnBack(result: ReadingResult, width: number, height: number, quarters: QuarterTurns): ReadingResult {
  if (quarters === 0 || !result.mask) return result;
  return { ...result, mask: turnRaster({ width, height, pixels: result.mask }, quarters, 1).pixels };
}

const NO_BRAIN_NOTE = 'No brain is visible in this slice (less than 3% of it is brighter than the background), so there is no tumour to find in it.';

// Decoded RGB, the readings' channel copies and sharp's own buffers, per pixel of the upload
const DECODED_BYTES_PER_PIXEL = 9;

async function decodeAll(upload: SliceUpload, memory?: Reservation) {
  const admit = (width: number, height: number, extraBytesPerPixel = 0) => memory?.grow(width * height * (DECODED_BYTES_PER_PIXEL + extraBytesPerPixel));
  const flair = await decodeImage(upload.flair, 'The FLAIR image', admit);
  const t1 = upload.t1 ? await decodeImage(upload.t1, 'The T1 image', admit) : undefined;
  const t1c = upload.t1c ? await decodeImage(upload.t1c, 'The T1c image', admit) : undefined;
  return { flair, t1, t1c };
}

function brainArea(flair: Uint8Array, foregroundMin: number): number {
  let n = 0;
  for (let i = 0; i < flair.length; i++) if (flair[i] >= foregroundMin) n++;
  return n;
}

async function toResult(
  model: TumourModel, reading: Reading, prediction: SlicePrediction, flair: Uint8Array, box: Letterbox, image: DecodedImage,
): Promise<ReadingResult> {
  const { labels, normalisation } = model.manifest;
  const drawing = tumourDrawing(prediction, model.manifest);
  const brainAreaPx = brainArea(flair, normalisation.foregroundMin);
  let mask: Uint8Array | null = null;
  if (drawing) {
    const probability = await resizeGrey(cropToImage(drawing.map, box), box.width, box.height, image.width, image.height);
    mask = thresholdMask(probability, drawing.threshold);
    // a Tumor slice always draws: a region too small to survive the resize to the upload keeps its peak pixel
    if (countOn(mask) === 0) mask[uploadPixel(drawing.peakIndex ?? 0, box, image.width, image.height)] = 255;
  }
  const tumourAreaPx = mask ? countOn(mask) : 0;
  const spacing = image.pixelSpacingMm;
  return {
    reading,
    label: (drawing ? labels.positive : labels.negative) as TumourLabel,
    probability: prediction.sliceProbability,
    mask,
    tumourAreaPx,
    tumourAreaMm2: spacing ? tumourAreaPx * spacing[0] * spacing[1] : null,
    brainAreaPx,
    tumourShareOfBrain: brainAreaPx ? tumourAreaPx / brainAreaPx : 0,
  };
}

/** The readings' letterboxed pixels as the model's input, one after another (the manifest's normalisation). */
function modelInput(boxed: Uint8Array[], readings: Reading[], model: TumourModel): Float32Array {
  const size = model.inputSize, rule = model.manifest.normalisation;
  const input = new Float32Array(readings.length * 3 * size * size);
  boxed.forEach((pixels, i) => {
    const into = input.subarray(i * 3 * size * size, (i + 1) * 3 * size * size);
    // a grey reading's three channels are one plane: scaled once and copied, the same numbers
    if (readings[i] === 'grayscale') greyToModelInput(flairChannel(pixels), rule, into);
    else toModelInput(pixels, rule, undefined, into);
  });
  return input;
}

/** Upload -> decode -> preprocess (the manifest's contract) -> model -> domain result. */
export async function analyseSlice(upload: SliceUpload, options: { memory?: Reservation } = {}): Promise<SliceAnalysis> {
  return withTumourModel(async (model, started) => {
    const size = model.inputSize;
    const { flair, box, readings, pixelsByReading, input, mirroredInput, guard, orientation, quarters, lossyCompression, decodeMs, preprocessMs } = await preparation.run(async () => {
      const decodeStarted = performance.now();
      const { orientation, quarters, asSentBox, flair, t1, t1c } = await uprightUpload(await decodeAll(upload, options.memory), size);
      const decoded = performance.now();
      const box = letterbox(flair.width, flair.height, size, { mirrorSymmetric: true });
      const readings = chooseReadings(flair, Boolean(t1 || t1c), upload.reading);
      const pixelsByReading = readings.map((reading) => channelsFor(reading, flair, t1, t1c));
      const boxed = await Promise.all(pixelsByReading.map((pixels, i) =>
        readings[i] === 'layered' && asSentBox ? asSentBox : letterboxPixels(pixels, flair.width, flair.height, box)));
      // the guard sees the colours as sent: the layered reading when there is one
      const guard = await judgeUpload(boxed[readings.includes('layered') ? readings.indexOf('layered') : 0], box, upload.force);
      if (guard.verdict === 'refused' || (guard.verdict === 'not-mri' && !guard.forced)) throw new NotBrainMriError(refusalMessage(guard), guard);
      const input = modelInput(boxed, readings, model);
      // resized, a mirrored picture is not the mirror of the picture resized (sharp is a pixel off): the mirrored reading
      // is made from the mirrored picture itself, so that a slice and its mirror image get mirrored answers exactly
      const resized = flair.width !== size || flair.height !== size;
      const mirroredInput = resized ? modelInput(await Promise.all(pixelsByReading.map((pixels) =>
        letterboxPixels(mirrorRaster({ width: flair.width, height: flair.height, pixels }, 3).pixels, flair.width, flair.height, box))), readings, model) : undefined;
      const lossyCompression = [flair, t1, t1c].some((image) => image?.lossyCompression);
      return { flair, box, readings, pixelsByReading, input, mirroredInput, guard, orientation, quarters, lossyCompression, decodeMs: decoded - decodeStarted, preprocessMs: performance.now() - decoded - guard.ms };
    });

    let inferenceMs = 0;
    const predictions = await inferenceGate.run(async () => {
      const inferenceStarted = performance.now();
      const out = await predictMirrorAveraged(model, input, readings.length, mirroredInput);
      inferenceMs = performance.now() - inferenceStarted;
      return out;
    });
    const inferred = performance.now();

    const flairs = pixelsByReading.map(flairChannel);
    const upright = await Promise.all(readings.map((reading, i) => toResult(model, reading, predictions[i], flairs[i], box, flair)));
    // everything the answer shows is turned back to the upload as sent
    const results = upright.map((result) => turnBack(result, flair.width, flair.height, quarters));
    const asSent = (pixels: Uint8Array, channels: number) => turnRaster({ width: flair.width, height: flair.height, pixels }, quarters, channels);
    const shown = asSent(pixelsByReading[0], 3);
    const spacing = flair.pixelSpacingMm;
    const finished = performance.now();
    return {
      width: shown.width,
      height: shown.height,
      pixelSpacingMm: spacing && quarters % 2 === 1 ? [spacing[1], spacing[0]] : spacing,
      lossyCompression,
      pixels: shown.pixels,
      flair: asSent(flairs[0], 1).pixels,
      result: results[0],
      alternative: results[1] ?? null,
      threshold: model.manifest.thresholds.slice,
      model: { name: model.manifest.model.name, version: model.manifest.model.version },
      guard,
      orientation,
      warning: guardWarning(guard),
      note: visibleBrainShare(pixelsByReading[0]) < VISIBLE_SHARE ? NO_BRAIN_NOTE : null,
      timingsMs: {
        decode: decodeMs,
        preprocess: preprocessMs,
        guard: guard.ms,
        inference: inferenceMs,
        postprocess: finished - inferred,
        total: finished - started,
      },
    };
  });
}
