import { performance } from 'node:perf_hooks';
import { UploadError } from '../errors';
import { MIN_IMAGE_SIDE } from '../limits';
import type { Normalisation } from '../model/manifest';
import { letterbox, type Letterbox } from '../imaging/letterbox';
import { planesToModelInput, scaleFromHistogram } from '../imaging/normalise';
import type { SlicePrediction, TumourModel } from '../model/tumour-model';
import { chooseSliceAxes, describeSliceAxis, type SliceAxes } from '../volume/axes';
import { findIntensityWindow, sliceReader, surveyVolume } from '../volume/intensity';
import type { DicomSeriesInfo } from '../formats/dicom-series';
import { openVolume } from '../formats/open-volume';
import { maskOnSlice, planeToBox } from '../volume/resample';
import type { ScalarVolume, VolumeGeometry } from '../volume/scalar-volume';
import { sliceGrid, type SliceGrid } from '../volume/slices';
import { TumourMask } from '../volume/tumour-mask';
import { addHeadSlice, emptyHeadSummary, type HeadSummary } from '../report/head';
import { buildVolumeReport, type VolumeReport } from '../report/report';
import { tumourDrawing } from './decision';
import { withTumourModel } from './model-turn';
import { judgeVolume, type VolumeGuardReport } from './volume-guard';
import type { Reservation } from '../runtime/memory-budget';
import { inferenceGate } from '../runtime/inference-gate';

/** Each field holds one NIfTI file, the files of one DICOM series, or one .zip of a series. */
export interface VolumeUpload {
  flair: Uint8Array | Uint8Array[];
  t1c?: Uint8Array | Uint8Array[];
}

export interface SliceFinding {
  /** Voxel index along the slice axis. */
  index: number;
  /** False for a slice with (almost) no head in it: the model is not run there. */
  analysed: boolean;
  probability: number;
  tumourAreaPx: number;
  headAreaPx: number;
}

export interface VolumeAnalysis {
  /** The FLAIR volume's grid; the mask lies on it. */
  geometry: VolumeGeometry;
  /** The DICOM series the FLAIR volume came from (series number, modality, slices); null for NIfTI. */
  series: DicomSeriesInfo | null;
  /** A DICOM series says its pixels went through lossy compression (a lossy syntax, or LossyImageCompression "01"). */
  lossyCompression: boolean;
  axes: SliceAxes;
  axisDescription: string;
  grid: SliceGrid;
  modalities: 'FLAIR' | 'FLAIR + T1c';
  slices: SliceFinding[];
  tumourVoxels: number;
  tumourVolumeMl: number;
  tumourSlices: number;
  /** The predicted tumour, slice by slice. */
  mask: TumourMask;
  /** One FLAIR slice as the model saw it (8-bit, before scaling), for pictures; read from the volume when asked. */
  flairSlice: (index: number) => Uint8Array;
  thresholds: { slice: number; mask: number };
  model: { name: string; version: string };
  /** What the volume guard made of the FLAIR volume; its warning is the answer's. */
  guard: VolumeGuardReport;
  /** Lesions, sides and the RANO measure of the predicted mask. */
  report: VolumeReport;
  /** The head, slice by slice, as the report saw it (for a report of another mask on the same grid). */
  head: HeadSummary;
  timingsMs: { read: number; guard: number; preprocess: number; inference: number; postprocess: number; report: number; total: number };
}

export interface VolumeOptions {
  memory?: Reservation;
  /** The caller hands the uploaded bytes over; a DICOM series may be stacked inside them (no second copy). */
  consumeUpload?: boolean;
  /** Analyse a volume the guard takes for something other than an MRI (a person or program overruled it). */
  force?: boolean;
  /** For the app's own synthetic volumes (the warm-up, tests) only: never set from a request. */
  skipGuard?: boolean;
  /** How messages name the scan when it is not the FLAIR volume being measured (the earlier scan of a follow-up). */
  label?: string;
}

function checkSameGrid(flair: ScalarVolume, t1c: ScalarVolume): void {
  if (flair.dims.some((n, d) => n !== t1c.dims[d])) {
    throw new UploadError(`The T1c volume is ${t1c.dims.join('×')} voxels but the FLAIR volume is ${flair.dims.join('×')}; they must be on the same grid (resample the T1c onto the FLAIR first).`, 422);
  }
  const tolerance = 0.5 * Math.min(...flair.spacingMm);
  const apart = flair.affine.slice(0, 3).some((row, r) => row.some((value, c) => Math.abs(value - t1c.affine[r][c]) > (c === 3 ? tolerance : 0.05 * tolerance)));
  if (apart) {
    throw new UploadError('The T1c volume lies differently in space from the FLAIR volume (their affines differ); register and resample it onto the FLAIR grid first.', 422);
  }
}

type SliceRead = (index: number, pixels: Uint8Array, head?: Uint8Array) => Uint8Array;

interface Run {
  model: TumourModel;
  grid: SliceGrid;
  box: Letterbox;
  toBox: (plane: Uint8Array, into: Uint8Array) => Uint8Array;
  flair: SliceRead;
  t1c?: SliceRead;
  scales: [number, number, number];
}

/**
 * One slice's T1, FLAIR and T1c planes in the model's square; a missing T1 or T1c is FLAIR, as in training.
 * `head` gets the slice's head pixels at its own size, to keep a drawn tumour inside.
 */
function boxedSlice(run: Run, index: number, head: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const { grid, box } = run;
  const plane = new Uint8Array(grid.width * grid.height);
  const area = box.size * box.size;
  const flair = run.toBox(run.flair(index, plane, head), new Uint8Array(area));
  const t1c = run.t1c ? run.toBox(run.t1c(index, plane), new Uint8Array(area)) : flair;
  return [flair, flair, t1c];
}

interface SliceInput {
  input: Float32Array;
  head: Uint8Array;
}

function sliceInput(run: Run, index: number): SliceInput {
  const input = new Float32Array(3 * run.box.size * run.box.size);
  const head = new Uint8Array(run.grid.width * run.grid.height);
  planesToModelInput(boxedSlice(run, index, head), run.model.manifest.normalisation, run.scales, input);
  return { input, head };
}

/** A slice's prediction -> its 0/1 tumour mask at the slice's size, kept inside the head; null when there is none. */
function sliceMask(run: Run, prediction: SlicePrediction, head: Uint8Array): Uint8Array | null {
  // the same decision as a single slice: no mask on a slice the model calls No Tumor, always one on a Tumor slice
  const drawing = tumourDrawing(prediction, run.model.manifest);
  if (!drawing) return null;
  const mask = maskOnSlice(drawing.map, run.box, run.grid.width, run.grid.height, drawing.threshold);
  for (let i = 0; i < mask.length; i++) mask[i] &= head[i];
  return mask;
}

/** The scale of each channel for the whole volume, by the manifest's rule over the histogram of every slice. */
function volumeScales(flair: Float64Array, t1c: Float64Array | undefined, rule: Normalisation): [number, number, number] {
  const flairScale = scaleFromHistogram(flair, rule);
  return [flairScale, flairScale, t1c ? scaleFromHistogram(t1c, rule) : flairScale];
}

const asFiles = (field: Uint8Array | Uint8Array[]) => (Array.isArray(field) ? field : [field]);

/** Uploads -> volumes, with the memory they and the mask will take admitted from their headers before unpacking. */
async function readVolumes(upload: VolumeUpload, label: string, memory?: Reservation, consume = false): Promise<{ flair: ScalarVolume; t1c?: ScalarVolume; series: DicomSeriesInfo | null; lossyCompression: boolean }> {
  const flair = await openVolume(asFiles(upload.flair), label, memory, consume);
  const t1c = upload.t1c ? await openVolume(asFiles(upload.t1c), 'The T1c volume', memory, consume) : undefined;
  const voxels = flair.dims[0] * flair.dims[1] * flair.dims[2];
  // the tumour mask: a byte a voxel of the slices with tumour, at most about a third of them
  memory?.grow(flair.readBytes + (t1c?.readBytes ?? 0) + Math.ceil(voxels / 3));
  return { flair: await flair.read(), t1c: await t1c?.read(), series: flair.series, lossyCompression: flair.lossyCompression || Boolean(t1c?.lossyCompression) };
}

/** NIfTI or DICOM upload -> axial slices along the superior-inferior axis -> model, a slice a run -> tumour mask and volume. */
export async function analyseVolume(upload: VolumeUpload, options: VolumeOptions = {}): Promise<VolumeAnalysis> {
  return withTumourModel(async (model, started) => {
    const label = options.label ?? 'The FLAIR volume';
    const volumes = await readVolumes(upload, label, options.memory, options.consumeUpload);
    const flairVolume = volumes.flair, t1cVolume = volumes.t1c;
    if (t1cVolume) checkSameGrid(flairVolume, t1cVolume);
    const axes = chooseSliceAxes(flairVolume.affine);
    const grid = sliceGrid(flairVolume.dims, flairVolume.spacingMm, axes);
    if (grid.width < MIN_IMAGE_SIDE || grid.height < MIN_IMAGE_SIDE) {
      throw new UploadError(`${label}'s axial slices are ${grid.width}×${grid.height} voxels, too small to analyse (at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}).`, 422);
    }
    const read = performance.now();

    const flairWindow = await findIntensityWindow(flairVolume);
    // before any measurement: a label map, a CT or no head is refused, another sequence is answered with a warning
    const guard = await judgeVolume(flairVolume, grid, flairWindow, { force: options.force, skipGuard: options.skipGuard, label: options.label });
    const flair = sliceReader(flairVolume, flairWindow, grid);
    const t1cWindow = t1cVolume ? await findIntensityWindow(t1cVolume) : undefined;
    // a label map or mask sent as the T1c is refused by name too; a T1c is another sequence by design, so only refusals count
    if (t1cVolume && t1cWindow && !options.skipGuard) await judgeVolume(t1cVolume, grid, t1cWindow, { force: true, label: 'The T1c volume' });
    const t1c = t1cVolume && t1cWindow ? sliceReader(t1cVolume, t1cWindow, grid) : undefined;
    const head = emptyHeadSummary(grid.count);
    const survey = await surveyVolume(flairVolume, flairWindow, grid, (index, pixels) => addHeadSlice(head, index, pixels, grid.width));
    const t1cHistogram = t1cVolume && t1cWindow ? (await surveyVolume(t1cVolume, t1cWindow, grid)).histogram : undefined;
    const { normalisation, thresholds } = model.manifest;
    // the letterbox keeps the slice's shape in millimetres, so anisotropic pixels are not squashed
    const box = letterbox(grid.width * grid.columnSpacingMm, grid.height * grid.rowSpacingMm, model.inputSize);
    const toBox = planeToBox(grid.width, grid.height, box);
    const run: Run = { model, grid, box, toBox, flair, t1c, scales: volumeScales(survey.histogram, t1cHistogram, normalisation) };
    const slices: SliceFinding[] = survey.headAreas.map((headAreaPx, index) => ({
      index, headAreaPx, analysed: headAreaPx >= normalisation.minForegroundPixels, probability: 0, tumourAreaPx: 0,
    }));
    if (!slices.some((s) => s.analysed)) {
      throw new UploadError(`${label} is blank: no slice has enough voxels that differ from the background to analyse.`, 422);
    }
    // One slice a session.run: about as fast per slice as two, and onnxruntime's arena, which keeps its largest run's
    // activations, stays smaller for the rest of the process (docs/performance.md).
    const analysed = slices.filter((s) => s.analysed).map((s) => s.index);

    const mask = new TumourMask(grid);
    let inferenceMs = 0, postprocessMs = 0;
    let preprocessMs = performance.now() - read - guard.ms;
    const timed = <T>(work: () => T): [T, number] => {
      const from = performance.now();
      return [work(), performance.now() - from];
    };
    let [prepared, firstMs] = timed(() => sliceInput(run, analysed[0]));
    preprocessMs += firstMs;
    for (let k = 0; k < analysed.length; k++) {
      const index = analysed[k], { input, head } = prepared;
      const predicting = inferenceGate.run(async () => {
        const started = performance.now();
        const [out] = await model.predict(input, 1);
        inferenceMs += performance.now() - started;
        return out;
      });
      // prepare the next slice while the model works on this one
      if (k + 1 < analysed.length) {
        const [next, ms] = timed(() => sliceInput(run, analysed[k + 1]));
        prepared = next;
        preprocessMs += ms;
      }
      const prediction = await predicting;
      postprocessMs += timed(() => {
        const finding = slices[index];
        finding.probability = prediction.sliceProbability;
        const sliceTumour = sliceMask(run, prediction, head);
        if (!sliceTumour) return;
        let area = 0;
        for (let p = 0; p < sliceTumour.length; p++) area += sliceTumour[p];
        finding.tumourAreaPx = area;
        mask.set(index, sliceTumour);
      })[1];
    }

    const tumourVoxels = slices.reduce((sum, s) => sum + s.tumourAreaPx, 0);
    // the grid alone, never the voxels: an answer must not keep the upload's memory
    const { dims, spacingMm, affine, affineSource, datatype, niftiHeader } = flairVolume;
    const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
    const geometry = { dims, spacingMm, affine, affineSource, datatype, niftiHeader };
    const [report, reportMs] = timed(() => buildVolumeReport(mask, geometry, head));
    const finished = performance.now();
    return {
      geometry,
      series: volumes.series,
      lossyCompression: volumes.lossyCompression,
      axes,
      axisDescription: describeSliceAxis(axes),
      grid,
      modalities: t1cVolume ? 'FLAIR + T1c' : 'FLAIR',
      slices,
      tumourVoxels,
      tumourVolumeMl: tumourVoxels * voxelMl,
      tumourSlices: slices.filter((s) => s.tumourAreaPx > 0).length,
      mask,
      flairSlice: (index) => flair(index, new Uint8Array(grid.width * grid.height)),
      thresholds: { slice: thresholds.slice, mask: thresholds.mask },
      model: { name: model.manifest.model.name, version: model.manifest.model.version },
      guard,
      report,
      head,
      timingsMs: {
        read: read - started, guard: guard.ms, preprocess: preprocessMs, inference: inferenceMs, postprocess: postprocessMs, report: reportMs,
        total: finished - started,
      },
    };
  });
}
