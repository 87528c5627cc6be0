import { axisNames } from '../volume/axes';
import { writeNiftiMask } from '../formats/nifti-write';
import { overlayRgba } from '../imaging/overlay';
import { encodeGreyJpeg, encodePng } from '../imaging/raster';
import type { SliceFinding, VolumeAnalysis } from '../analysis/analyse-volume';
import type { VolumeGeometry } from '../volume/scalar-volume';
import { displayNifti, lesionCentreMm } from './display-copy';
import { volumeGuardBody } from './guard-answer';
import { keyPictures, type KeyPicture } from './key-pictures';
import type { FollowUpAnswer, ReportAnswer } from './report-schema';
import { followUpBody, reportBody } from './report-answer';
import type { VolumeAnswer } from './volume-schema';

// The volume analysis as the API sends it (its shape is volume-schema.ts) and as the result page shows it.

// The page shows at most this many slice pictures (2-3 kB each): every Nth slice with head, plus the one with the most tumour
const MAX_FRAMES = 80;
const FRAME_DISPLAY_WIDTH = 360;

/** The predicted mask as a .nii.gz on the upload's grid. */
export function maskNiftiGz(analysis: VolumeAnalysis): Promise<Buffer> {
  return writeNiftiMask(analysis.geometry, analysis.mask.planes());
}

const analysedSlices = (analysis: VolumeAnalysis) => analysis.slices.filter((s) => s.analysed);

function axisBody(analysis: VolumeAnalysis): VolumeAnswer['axis'] {
  return {
    index: analysis.axes.normal,
    name: axisNames[analysis.axes.normal],
    description: analysis.axisDescription,
    superiorIncreases: analysis.axes.superiorIncreases,
    affine: analysis.geometry.affineSource,
  };
}

/**
 * `baseline`: the earlier scan of the same patient, when one was sent, for the follow-up; `display`: add the scan's display
 * copy for a viewer (asked for by the client, so that others do not wait for it).
 */
export async function volumeApiBody(analysis: VolumeAnalysis, baseline: VolumeAnalysis | null = null, { display = false } = {}): Promise<VolumeAnswer> {
  return {
    tumourVolumeMl: analysis.tumourVolumeMl,
    tumourSlices: analysis.tumourSlices,
    // only slices with head in them were run through the model
    slices: analysedSlices(analysis).map(({ index, probability, tumourAreaPx }) => ({ index, probability, tumourAreaPx })),
    sliceCount: analysis.grid.count,
    shape: analysis.geometry.dims,
    spacingMm: analysis.geometry.spacingMm,
    axis: axisBody(analysis),
    modalities: analysis.modalities,
    datatype: analysis.geometry.datatype,
    // where the FLAIR volume came from: a NIfTI file, or a DICOM series (by number, modality and slice count only)
    source: analysis.series ? 'dicom' : 'nifti',
    series: analysis.series,
    lossyCompression: analysis.lossyCompression,
    thresholds: analysis.thresholds,
    maskNiftiBase64: (await maskNiftiGz(analysis)).toString('base64'),
    displayNiftiBase64: display ? (await displayNifti(analysis)).toString('base64') : null,
    model: analysis.model,
    guard: volumeGuardBody(analysis.guard),
    warning: analysis.guard.warning,
    report: reportBody(analysis.report),
    followUp: followUpBody(analysis, baseline),
    timingsMs: analysis.timingsMs,
  };
}

/** The key pictures through the largest lesion's centre, or none. */
export function lesionPictures(analysis: VolumeAnalysis): Promise<KeyPicture[]> {
  const centre = analysis.report.largestLesionCentre;
  return centre ? keyPictures(analysis, centre) : Promise.resolve([]);
}

interface SliceFrame {
  index: number;
  imageSrc: string;
  overlaySrc: string | null;
  probability: number;
  tumourAreaPx: number;
}

export interface ChartPoint {
  index: number;
  probability: number;
  tumourAreaPx: number;
}

/** What the browser's 3-plane viewer loads beside the scan it may already hold. */
export interface ViewerInput {
  maskNiftiBase64: string;
  /** The scan's display copy (display-copy.ts), when the page was asked for one: the browser holds no NIfTI of a DICOM series. */
  displayNiftiBase64: string | null;
  /** The largest lesion's centre in RAS+ mm, where the crosshair starts; null without a lesion. */
  startMm: [number, number, number] | null;
}

export interface VolumeView {
  tumourVolumeMl: number;
  tumourSlices: number;
  sliceCount: number;
  analysedSlices: number;
  geometry: Pick<VolumeGeometry, 'dims' | 'spacingMm' | 'affineSource' | 'datatype'>;
  axisDescription: string;
  modalities: string;
  series: VolumeAnalysis['series'];
  lossyCompression: boolean;
  threshold: number;
  superiorIncreases: boolean;
  chart: ChartPoint[];
  frames: SliceFrame[];
  /** The frame shown first: the slice with the most tumour, or the one with the most head when there is none. */
  startIndex: number;
  frameStep: number;
  frameWidth: number;
  frameHeight: number;
  download: { href: string; fileName: string; kilobytes: number };
  model: { name: string; version: string };
  /** The volume guard's warning (another sequence, or a forced volume), or null; and what it saw, in a sentence. */
  warning: string | null;
  guardReason: string;
  guardVersion: string;
  report: ReportAnswer;
  /** Axial, coronal and sagittal pictures through the largest lesion's centre; none when there is no lesion. */
  keyPictures: Array<Omit<KeyPicture, 'png'> & { src: string }>;
  followUp: FollowUpAnswer | null;
  viewer: ViewerInput;
  totalSeconds: number;
  inferenceSeconds: number;
  /** The page's example that this answers, by name, or null for an upload. */
  example: string | null;
}

function startSlice(analysed: SliceFinding[]): number {
  const byTumour = analysed.reduce((best, s) => (s.tumourAreaPx > best.tumourAreaPx ? s : best), analysed[0]);
  if (byTumour.tumourAreaPx > 0) return byTumour.index;
  return analysed.reduce((best, s) => (s.headAreaPx > best.headAreaPx ? s : best), analysed[0]).index;
}

async function frame(analysis: VolumeAnalysis, finding: SliceFinding): Promise<SliceFrame> {
  const { grid } = analysis;
  const flair = analysis.flairSlice(finding.index);
  const jpeg = await encodeGreyJpeg(flair, grid.width, grid.height);
  let overlaySrc: string | null = null;
  if (finding.tumourAreaPx > 0) {
    const mask = analysis.mask.slice(finding.index)!;
    const png = await encodePng(overlayRgba(mask, grid.width, grid.height), { width: grid.width, height: grid.height, channels: 4 });
    overlaySrc = `data:image/png;base64,${png.toString('base64')}`;
  }
  return {
    index: finding.index,
    imageSrc: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
    overlaySrc,
    probability: finding.probability,
    tumourAreaPx: finding.tumourAreaPx,
  };
}

/**
 * A download name from the upload's name: "pat1_flair.nii.gz" -> "pat1_flair-tumour-mask.nii.gz". A DICOM series is named
 * by its series number alone: exports often name files and zips after the patient.
 */
function maskFileName(uploadName?: string, series?: VolumeAnalysis['series']): string {
  if (series) return `dicom-series-${series.seriesNumber ?? 'unnumbered'}-tumour-mask.nii.gz`;
  const stem = (uploadName ?? '').replace(/\.nii(\.gz)?$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  return `${stem || 'volume'}-tumour-mask.nii.gz`;
}

/** `display`: add the scan's display copy for the viewer (the page asks for a DICOM series). */
export async function volumeView(analysis: VolumeAnalysis, options: { uploadName?: string; baseline?: VolumeAnalysis | null; display?: boolean; example?: string | null } = {}): Promise<VolumeView> {
  const analysed = analysedSlices(analysis);
  const startIndex = startSlice(analysed);
  const frameStep = Math.max(1, Math.ceil(analysed.length / MAX_FRAMES));
  const chosen = analysed.filter((s, i) => i % frameStep === 0 || s.index === startIndex);
  const frames = await Promise.all(chosen.map((finding) => frame(analysis, finding)));
  const mask = await maskNiftiGz(analysis);
  const { grid } = analysis;
  const aspect = (grid.height * grid.rowSpacingMm) / (grid.width * grid.columnSpacingMm);
  return {
    tumourVolumeMl: analysis.tumourVolumeMl,
    tumourSlices: analysis.tumourSlices,
    sliceCount: grid.count,
    analysedSlices: analysed.length,
    geometry: { dims: analysis.geometry.dims, spacingMm: analysis.geometry.spacingMm, affineSource: analysis.geometry.affineSource, datatype: analysis.geometry.datatype },
    axisDescription: analysis.axisDescription,
    modalities: analysis.modalities,
    series: analysis.series,
    lossyCompression: analysis.lossyCompression,
    threshold: analysis.thresholds.slice,
    superiorIncreases: analysis.axes.superiorIncreases,
    chart: analysed.map(({ index, probability, tumourAreaPx }) => ({ index, probability, tumourAreaPx })),
    frames,
    startIndex,
    frameStep,
    frameWidth: FRAME_DISPLAY_WIDTH,
    frameHeight: Math.round(FRAME_DISPLAY_WIDTH * aspect),
    download: { href: `data:application/gzip;base64,${mask.toString('base64')}`, fileName: maskFileName(options.uploadName, analysis.series), kilobytes: Math.ceil(mask.length / 1024) },
    model: analysis.model,
    warning: analysis.guard.warning,
    guardReason: analysis.guard.reason,
    guardVersion: analysis.guard.model.version,
    report: reportBody(analysis.report),
    keyPictures: (await lesionPictures(analysis)).map(({ png, ...picture }) => ({ ...picture, src: `data:image/png;base64,${png.toString('base64')}` })),
    followUp: followUpBody(analysis, options.baseline ?? null),
    viewer: {
      maskNiftiBase64: mask.toString('base64'),
      displayNiftiBase64: options.display ? (await displayNifti(analysis)).toString('base64') : null,
      startMm: lesionCentreMm(analysis),
    },
    totalSeconds: analysis.timingsMs.total / 1000,
    inferenceSeconds: analysis.timingsMs.inference / 1000,
    example: options.example ?? null,
  };
}
