import { performance } from 'node:perf_hooks';
import { named, UploadError } from '../errors';
import { letterbox } from '../imaging/letterbox';
import { guardInput } from '../imaging/mri-likeness';
import { loadGuardModel, type GuardModel, type GuardScores } from '../model/guard-model';
import { readManifest } from '../model/manifest';
import { sliceReader, type IntensityWindow } from '../volume/intensity';
import { planeToBox } from '../volume/resample';
import type { ScalarVolume } from '../volume/scalar-volume';
import type { SliceGrid } from '../volume/slices';
import { estimateHeadAreas, fewIntegerValues, valueShares } from '../volume/volume-census';

// Is the volume a brain MRI, and the kind the tumour model reads (axial FLAIR)? Decided once for the whole volume, before
// any measurement: certain refusals from its values (a label map or mask, a CT, no head), then the slice guard's scores
// on axial slices spread through the head, each class's median over them (measured by scripts/measure-volume-guard.ts).

/** axial-flair: analysed; other-mri: analysed with a warning; not-mri: 422 unless forced; refused: 422, never analysed. */
type VolumeVerdict = 'axial-flair' | 'other-mri' | 'not-mri' | 'refused';
/** What a refused volume is. */
type VolumeRefusal = 'label-map' | 'mask' | 'ct' | 'no-head';

export interface VolumeGuardReport {
  verdict: VolumeVerdict;
  /** Set when the verdict is refused. */
  refusedAs: VolumeRefusal | null;
  /** What the guard saw, for a person. */
  reason: string;
  /** For an answered volume the model was not made for (another sequence, or forced), else null. */
  warning: string | null;
  /** A person may have it analysed anyway (force): only a not-MRI verdict. */
  overrulable: boolean;
  /** It was judged not an MRI and analysed anyway because the request said so. */
  forced: boolean;
  /** The volume was not judged: an internal synthetic volume (the warm-up, tests), never an upload. */
  skipped: boolean;
  /** The axial slices the guard read (indices along the slice axis). */
  slicesJudged: number[];
  /** The slice guard's class probabilities over those slices: each class's median, and the slices each class won. */
  scores: { median: GuardScores; votes: { axialFlair: number; otherMri: number; notMri: number } } | null;
  /** The medians from which a volume is not MRI, or another MRI sequence. */
  thresholds: { notMri: number; otherMri: number };
  model: { name: string; version: string };
  ms: number;
}

/** The volume guard's 422: refused outright (a label map, a mask, a CT, no head) or not an MRI; carries the report. */
export class VolumeRefusedError extends UploadError {
  constructor(message: string, readonly guard: VolumeGuardReport) {
    super(message, 422);
    this.name = 'VolumeRefusedError';
  }
}

export const isVolumeRefusedError = (error: unknown): error is VolumeRefusedError => named(error, 'VolumeRefusedError');

// A label map or mask holds a few whole numbers (BRATS' labels: 5 values); no MRI holds as few. A map of more regions
// (FreeSurfer's, ~45) is beyond this check, left to the slice guard.
const MAX_LABELS = 16;
// Hounsfield units: air is -1000, fat -100, water 0. No MRI value (magnitudes, or z-scores within a few units of 0) lies
// this low: not one voxel of the LGG and BRATS volumes measured does; ...
const CT_AIR_LEVEL = -500;
// ... and a head CT's field of view always holds air around the head: even a round head touching all four sides of a
// square field leaves its corners, 21% of every slice, in air. 5% leaves room for a field cropped to the skull.
const CT_AIR_SHARE = 0.05;
// ... and most of what is not air is soft tissue, within -100..100 HU (fat, water, brain; bone is the rest). An MRI stored
// on a scale that puts its background that low (z-scores times 1,000 as int16) spreads its head over thousands.
const CT_SOFT_TISSUE: [number, number] = [-100, 100];
const CT_SOFT_TISSUE_SHARE = 0.4;
// A slice with fewer head voxels than this holds no head to judge (analyse-volume skips slices below the manifest's
// minForegroundPixels, 64, too).
const MIN_HEAD_PIXELS = 64;
// The slices judged: this many, evenly spread over the middle 60% of the slices with head (the ends are the skull's top
// and the neck, where sequences look most alike).
const JUDGED_SLICES = 12;
const MIDDLE = [0.2, 0.8] as const;
// A volume whose slices' median other-MRI score reaches this is another sequence. Chosen on validation volumes only by
// scripts/measure-volume-guard.ts: halfway between the highest FLAIR volume (0.50) and the lowest T1c volume (0.91).
const OTHER_MRI_MEDIAN = 0.7;

const FORCED_WARNING = 'You chose to analyse a volume that the guard takes for something other than a brain MRI. The answer means nothing unless it is one.';

const OTHER_MRI_WARNING =
  'This volume looks like an MRI sequence other than FLAIR (T1 or T1c, most likely). The model was trained on axial FLAIR and is less reliable here.';

const globalForGuard = globalThis as unknown as { __modelSquare?: number };
/** The side of the tumour model's square: the guard reads a slice letterboxed into it, as it reads an upload. */
function modelSquare(): number {
  return (globalForGuard.__modelSquare ??= readManifest().input.shape[2]);
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The certain refusals: what the values alone settle. Cheap: each stops early on an ordinary MRI. */
function certainRefusal(volume: ScalarVolume, headAreas: number[]): { refusedAs: VolumeRefusal; reason: string } | null {
  const labels = fewIntegerValues(volume, MAX_LABELS);
  if (labels && labels.length === 2) {
    return { refusedAs: 'mask', reason: `it is a mask, not a scan: its voxels hold only the values ${labels.join(' and ')}` };
  }
  if (labels && labels.length > 2) {
    return { refusedAs: 'label-map', reason: `it is a label map (a segmentation), not a scan: its voxels hold only the ${labels.length} whole numbers ${labels.join(', ')}` };
  }
  const shares = valueShares(volume, CT_AIR_LEVEL, CT_SOFT_TISSUE);
  if (shares.below >= CT_AIR_SHARE && shares.withinOfRest >= CT_SOFT_TISSUE_SHARE) {
    return {
      refusedAs: 'ct',
      reason: `it looks like a CT scan: ${percent(shares.below)} of its voxels are below ${CT_AIR_LEVEL} (Hounsfield units: air) and ${percent(shares.withinOfRest)} of the rest lie within ${CT_SOFT_TISSUE[0]} to ${CT_SOFT_TISSUE[1]} (soft tissue)`,
    };
  }
  if (!headAreas.some((area) => area >= MIN_HEAD_PIXELS)) {
    return { refusedAs: 'no-head', reason: labels ? 'it is blank: one value everywhere' : 'no slice has enough voxels that differ from the background to hold a head' };
  }
  return null;
}

/** Up to JUDGED_SLICES of the slices with head, evenly spread over the middle of them. */
function slicesToJudge(headAreas: number[]): number[] {
  const withHead = headAreas.flatMap((area, index) => (area >= MIN_HEAD_PIXELS ? [index] : []));
  const from = Math.floor(MIDDLE[0] * withHead.length), to = Math.max(from + 1, Math.ceil(MIDDLE[1] * withHead.length));
  const middle = withHead.slice(from, to);
  const count = Math.min(JUDGED_SLICES, middle.length);
  if (count === 1) return middle;
  return [...new Set(Array.from({ length: count }, (_, i) => middle[Math.round((i * (middle.length - 1)) / (count - 1))]))];
}

/** Each judged slice as the slice guard reads an upload: grey, letterboxed into the model square, averaged to its input. */
async function scoreSlices(volume: ScalarVolume, window: IntensityWindow, grid: SliceGrid, indices: number[], guard: GuardModel): Promise<GuardScores[]> {
  const size = modelSquare();
  const box = letterbox(grid.width * grid.columnSpacingMm, grid.height * grid.rowSpacingMm, size);
  const toBox = planeToBox(grid.width, grid.height, box);
  const read = sliceReader(volume, window, grid);
  const plane = new Uint8Array(grid.width * grid.height), boxed = new Uint8Array(size * size), rgb = new Uint8Array(size * size * 3);
  const scores: GuardScores[] = [];
  for (const index of indices) {
    toBox(read(index, plane), boxed);
    for (let i = 0, j = 0; i < boxed.length; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = boxed[i];
    scores.push(await guard.classify(guardInput(rgb, size, guard.inputSize)));
  }
  return scores;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b), middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** `label` names the scan when it is not the one being measured (the earlier scan of a follow-up). */
function refusalMessage(report: VolumeGuardReport, label?: string): string {
  if (!report.overrulable) return `${label ?? 'This volume'} cannot be analysed: ${report.reason}. Send the FLAIR MRI volume itself.`;
  return `${label ?? 'This'} does not look like a brain MRI volume: ${report.reason}. If it is one, you can have it analysed anyway.`;
}

/**
 * The guard's view of a volume, on the axial slices the volume path cuts (grid) windowed as the model will see them
 * (window). Throws VolumeRefusedError for a refused volume and for a not-MRI one unless `force`; otherwise returns the
 * report, whose `warning` an answer must show. `skipGuard` judges nothing: only the app's own synthetic volumes (the
 * warm-up, tests) pass it, as a direct argument: no form or API field is parsed into it.
 */
export async function judgeVolume(
  volume: ScalarVolume, grid: SliceGrid, window: IntensityWindow, options: { force?: boolean; skipGuard?: boolean; label?: string } = {},
): Promise<VolumeGuardReport> {
  const started = performance.now();
  const guard = await loadGuardModel();
  const model = { name: guard.manifest.model.name, version: guard.manifest.model.version };
  const thresholds = { notMri: guard.manifest.thresholds.notMri, otherMri: OTHER_MRI_MEDIAN };
  const report = (fields: Partial<VolumeGuardReport> & Pick<VolumeGuardReport, 'verdict' | 'reason'>): VolumeGuardReport => ({
    refusedAs: null, warning: null, overrulable: false, forced: false, skipped: false, slicesJudged: [], scores: null, thresholds, model,
    ...fields, ms: performance.now() - started,
  });
  if (options.skipGuard) return report({ verdict: 'axial-flair', reason: 'not judged: a volume the app made itself', skipped: true });

  const headAreas = estimateHeadAreas(volume, window, grid, Math.max(1, Math.floor(Math.min(grid.width, grid.height) / 64)));
  const certain = certainRefusal(volume, headAreas);
  if (certain) {
    const refused = report({ verdict: 'refused', ...certain });
    throw new VolumeRefusedError(refusalMessage(refused, options.label), refused);
  }

  const slicesJudged = slicesToJudge(headAreas);
  const sliceScores = await scoreSlices(volume, window, grid, slicesJudged, guard);
  // each slice's class as the slice guard would call it, for the person reading the reason
  const sliceThresholds = guard.manifest.thresholds;
  const classOf = ({ notMri, otherMri }: GuardScores) => (notMri >= sliceThresholds.notMri ? 'notMri' : otherMri >= sliceThresholds.otherMri ? 'otherMri' : 'axialFlair');
  const votes = { axialFlair: 0, otherMri: 0, notMri: 0 };
  for (const slice of sliceScores) votes[classOf(slice)]++;
  const pick = (key: keyof GuardScores) => median(sliceScores.map((slice) => slice[key]));
  const scores = { median: { axialFlair: pick('axialFlair'), otherMri: pick('otherMri'), notMri: pick('notMri') }, votes };
  const judged = `${slicesJudged.length} axial slices`;

  // not an MRI: most of the judged slices flagged, as a single slice is flagged
  if (scores.median.notMri >= thresholds.notMri) {
    const reason = `${votes.notMri} of its ${judged} look like something other than a brain MRI (median not-MRI score ${scores.median.notMri.toFixed(2)}, flagged from ${thresholds.notMri.toFixed(2)})`;
    const flagged = report({ verdict: 'not-mri', reason, overrulable: true, forced: Boolean(options.force), slicesJudged, scores });
    if (!options.force) throw new VolumeRefusedError(refusalMessage(flagged, options.label), flagged);
    return { ...flagged, warning: FORCED_WARNING };
  }
  if (scores.median.otherMri >= thresholds.otherMri) {
    const reason = `its ${judged} look like an MRI sequence other than FLAIR (median other-MRI score ${scores.median.otherMri.toFixed(2)}, warned from ${thresholds.otherMri.toFixed(2)})`;
    return report({ verdict: 'other-mri', reason, warning: OTHER_MRI_WARNING, slicesJudged, scores });
  }
  const reason = `its ${judged} look like axial FLAIR (median other-MRI score ${scores.median.otherMri.toFixed(2)}, not-MRI ${scores.median.notMri.toFixed(2)})`;
  return report({ verdict: 'axial-flair', reason, slicesJudged, scores });
}
