import { performance } from 'node:perf_hooks';
import { UploadError } from '../errors';
import { MIN_IMAGE_SIDE } from '../limits';
import type { Normalisation } from '../manifest';
import { chooseSliceAxes, describeSliceAxis, type SliceAxes } from '../volume/axes';
import { toEightBit } from '../volume/intensity';
import { readNiftiVolume, type AffineSource, type NiftiDatatype, type NiftiVolume } from '../volume/nifti-read';
import { maskOnSlice, planeToBox } from '../volume/resample';
import { readSlice, sliceGrid, writeSlice, type SliceGrid } from '../volume/slices';
import type { MaskGrid } from '../volume/nifti-write';
import { letterbox, type Letterbox } from '../imaging/letterbox';
import { histogram, scaleFromHistogram, toModelInput } from '../imaging/normalise';
import { loadTumourModel, type SlicePrediction, type TumourModel } from '../model/tumour-model';
import { analysisQueue } from './work-queue';

export interface VolumeUpload {
  flair: Uint8Array;
  t1c?: Uint8Array;
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
  shape: [number, number, number];
  spacingMm: [number, number, number];
  datatype: NiftiDatatype;
  affineSource: AffineSource;
  axes: SliceAxes;
  axisDescription: string;
  grid: SliceGrid;
  modalities: 'FLAIR' | 'FLAIR + T1c';
  slices: SliceFinding[];
  tumourVoxels: number;
  tumourVolumeMl: number;
  tumourSlices: number;
  /** 1 = predicted tumour, in the upload's voxel order. */
  mask: Uint8Array;
  /** The FLAIR volume as the model saw it (8-bit, before scaling), for pictures. */
  flairPixels: Uint8Array;
  maskGrid: MaskGrid;
  thresholds: { slice: number; mask: number };
  model: { name: string; version: string };
  batchSize: number;
  timingsMs: { read: number; preprocess: number; inference: number; postprocess: number; total: number };
}

// Slices per session.run. Measured on 2 cores: 1-2 a run were fastest per slice, 4 about 15% slower, 8-16 up to 2x slower
// (activations outgrow the cache); small batches also let slice requests in between.
const DEFAULT_BATCH_SIZE = 2;

function checkSameGrid(flair: NiftiVolume, t1c: NiftiVolume): void {
  if (flair.dims.some((n, d) => n !== t1c.dims[d])) {
    throw new UploadError(`The T1c volume is ${t1c.dims.join('×')} voxels but the FLAIR volume is ${flair.dims.join('×')}; they must be on the same grid (resample the T1c onto the FLAIR first).`, 422);
  }
  const tolerance = 0.5 * Math.min(...flair.spacingMm);
  const apart = flair.affine.slice(0, 3).some((row, r) => row.some((value, c) => Math.abs(value - t1c.affine[r][c]) > (c === 3 ? tolerance : 0.05 * tolerance)));
  if (apart) {
    throw new UploadError('The T1c volume lies differently in space from the FLAIR volume (their affines differ); register and resample it onto the FLAIR grid first.', 422);
  }
}

/** One scale per channel for the whole volume, by the manifest's rule over the histogram of every slice. */
function volumeScales(flair: Uint8Array, t1c: Uint8Array | undefined, rule: Normalisation): [number, number, number] {
  const flairScale = scaleFromHistogram(histogram(flair), rule);
  return [flairScale, flairScale, t1c ? scaleFromHistogram(histogram(t1c), rule) : flairScale];
}

/** Each slice's head area, one pass over the head mask. */
function headAreas(head: Uint8Array, grid: SliceGrid): number[] {
  const slice = new Uint8Array(grid.width * grid.height);
  return Array.from({ length: grid.count }, (_, index) => {
    readSlice(head, grid, index, slice);
    let n = 0;
    for (let i = 0; i < slice.length; i++) n += slice[i];
    return n;
  });
}

interface Channels {
  flair: Uint8Array;
  t1c?: Uint8Array;
}

interface Run {
  model: TumourModel;
  grid: SliceGrid;
  box: Letterbox;
  toBox: (plane: Uint8Array, into: Uint8Array) => Uint8Array;
  channels: Channels;
  scales: [number, number, number];
}

/** Interleaved T1, FLAIR, T1c pixels of one slice in the model's square; a missing T1 or T1c is FLAIR, as in training. */
function boxedSlice(run: Run, index: number): Uint8Array {
  const { grid, box, channels } = run;
  const plane = new Uint8Array(grid.width * grid.height);
  const area = box.size * box.size;
  const flair = run.toBox(readSlice(channels.flair, grid, index, plane), new Uint8Array(area));
  const t1c = channels.t1c ? run.toBox(readSlice(channels.t1c, grid, index, plane), new Uint8Array(area)) : flair;
  const pixels = new Uint8Array(area * 3);
  for (let i = 0; i < area; i++) {
    pixels[i * 3] = flair[i];
    pixels[i * 3 + 1] = flair[i];
    pixels[i * 3 + 2] = t1c[i];
  }
  return pixels;
}

function batchInput(run: Run, indices: number[]): Float32Array {
  const plane = 3 * run.box.size * run.box.size;
  const input = new Float32Array(indices.length * plane);
  indices.forEach((index, i) => toModelInput(boxedSlice(run, index), run.model.manifest.normalisation, run.scales, input.subarray(i * plane, (i + 1) * plane)));
  return input;
}

/** A slice's prediction -> its 0/1 tumour mask at the slice's size, kept inside the head; null when there is none. */
function sliceMask(run: Run, prediction: SlicePrediction, head: Uint8Array): Uint8Array | null {
  const { thresholds } = run.model.manifest;
  // the same rule as a single slice: no mask on a slice the model calls No Tumor
  if (prediction.sliceProbability < thresholds.slice) return null;
  if (!prediction.maskProbability.some((p) => p >= thresholds.mask)) return null;
  const mask = maskOnSlice(prediction.maskProbability, run.box, run.grid.width, run.grid.height, thresholds.mask);
  for (let i = 0; i < mask.length; i++) mask[i] &= head[i];
  return mask;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** NIfTI upload -> axial slices along the superior-inferior axis -> model in batches -> tumour mask and volume. */
export async function analyzeVolume(upload: VolumeUpload, options: { batchSize?: number } = {}): Promise<VolumeAnalysis> {
  const release = analysisQueue.admit();
  try {
    const started = performance.now();
    const model = await loadTumourModel();
    const flairVolume = readNiftiVolume(upload.flair, 'The FLAIR volume');
    const t1cVolume = upload.t1c ? readNiftiVolume(upload.t1c, 'The T1c volume') : undefined;
    if (t1cVolume) checkSameGrid(flairVolume, t1cVolume);
    const axes = chooseSliceAxes(flairVolume.affine);
    const grid = sliceGrid(flairVolume.dims, flairVolume.spacingMm, axes);
    if (grid.width < MIN_IMAGE_SIDE || grid.height < MIN_IMAGE_SIDE) {
      throw new UploadError(`The FLAIR volume's axial slices are ${grid.width}×${grid.height} voxels, too small to analyse (at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}).`, 422);
    }
    const read = performance.now();

    const flair = toEightBit(flairVolume.voxels);
    const channels: Channels = { flair: flair.pixels, t1c: t1cVolume ? toEightBit(t1cVolume.voxels).pixels : undefined };
    const { normalisation, thresholds } = model.manifest;
    // the letterbox keeps the slice's shape in millimetres, so anisotropic pixels are not squashed
    const box = letterbox(grid.width * grid.columnSpacingMm, grid.height * grid.rowSpacingMm, model.inputSize);
    const toBox = planeToBox(grid.width, grid.height, box);
    const run: Run = { model, grid, box, toBox, channels, scales: volumeScales(channels.flair, channels.t1c, normalisation) };
    const areas = headAreas(flair.head, grid);
    const slices: SliceFinding[] = areas.map((headAreaPx, index) => ({
      index, headAreaPx, analysed: headAreaPx >= normalisation.minForegroundPixels, probability: 0, tumourAreaPx: 0,
    }));
    if (!slices.some((s) => s.analysed)) {
      throw new UploadError('The FLAIR volume is blank: no slice has enough voxels that differ from the background to analyse.', 422);
    }
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const batches = chunks(slices.filter((s) => s.analysed).map((s) => s.index), batchSize);

    const mask = new Uint8Array(flair.pixels.length);
    const headSlice = new Uint8Array(grid.width * grid.height);
    let inferenceMs = 0, postprocessMs = 0;
    let preprocessMs = performance.now() - read;
    const timed = <T>(work: () => T): [T, number] => {
      const from = performance.now();
      return [work(), performance.now() - from];
    };
    let [input, firstMs] = timed(() => batchInput(run, batches[0]));
    preprocessMs += firstMs;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b], batchInputs = input;
      const predicting = analysisQueue.run(async () => {
        const started = performance.now();
        const out = await model.predict(batchInputs, batch.length);
        inferenceMs += performance.now() - started;
        return out;
      });
      // prepare the next batch while the model works on this one
      if (b + 1 < batches.length) {
        const [next, ms] = timed(() => batchInput(run, batches[b + 1]));
        input = next;
        preprocessMs += ms;
      }
      const predictions = await predicting;
      postprocessMs += timed(() => {
        for (const [i, index] of batch.entries()) {
          const finding = slices[index];
          finding.probability = predictions[i].sliceProbability;
          const sliceTumour = sliceMask(run, predictions[i], readSlice(flair.head, grid, index, headSlice));
          if (!sliceTumour) continue;
          for (let p = 0; p < sliceTumour.length; p++) finding.tumourAreaPx += sliceTumour[p];
          writeSlice(mask, grid, index, sliceTumour);
        }
      })[1];
    }

    const tumourVoxels = slices.reduce((sum, s) => sum + s.tumourAreaPx, 0);
    const voxelMl = (flairVolume.spacingMm[0] * flairVolume.spacingMm[1] * flairVolume.spacingMm[2]) / 1000;
    const finished = performance.now();
    return {
      shape: flairVolume.dims,
      spacingMm: flairVolume.spacingMm,
      datatype: flairVolume.datatype,
      affineSource: flairVolume.affineSource,
      axes,
      axisDescription: describeSliceAxis(axes),
      grid,
      modalities: t1cVolume ? 'FLAIR + T1c' : 'FLAIR',
      slices,
      tumourVoxels,
      tumourVolumeMl: tumourVoxels * voxelMl,
      tumourSlices: slices.filter((s) => s.tumourAreaPx > 0).length,
      mask,
      flairPixels: flair.pixels,
      maskGrid: { dims: flairVolume.dims, header: flairVolume.header, littleEndian: flairVolume.littleEndian },
      thresholds: { slice: thresholds.slice, mask: thresholds.mask },
      model: { name: model.manifest.model.name, version: model.manifest.model.version },
      batchSize,
      timingsMs: { read: read - started, preprocess: preprocessMs, inference: inferenceMs, postprocess: postprocessMs, total: finished - started },
    };
  } finally {
    release();
  }
}
