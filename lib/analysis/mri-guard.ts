import { performance } from 'node:perf_hooks';
import { named, UploadError } from '../errors';
import type { Letterbox } from '../imaging/letterbox';
import { certainVerdict, guardInput } from '../imaging/mri-likeness';
import { loadGuardModel, type GuardScores } from '../model/guard-model';

// Is the upload a brain MRI slice, and the kind the tumour model reads? A few certain checks, then the learned score.

/**
 * axial-flair: what the model reads; other-mri: MRI, but T1/T1c alone or another plane; blank: black all over, a slice
 * with nothing in it (answered); not-mri: flagged; refused: certainly no slice.
 */
export type GuardVerdict = 'axial-flair' | 'other-mri' | 'blank' | 'not-mri' | 'refused';

export interface GuardReport {
  verdict: GuardVerdict;
  /** The probability that the picture is not a brain MRI (0..1); null when it was refused before the classifier. */
  score: number | null;
  scores: GuardScores | null;
  /** What the guard saw, for a person. */
  reason: string;
  /** A person may have it analysed anyway (force). */
  overrulable: boolean;
  /** It was flagged and analysed anyway because the request said so. */
  forced: boolean;
  thresholds: { notMri: number; otherMri: number };
  model: { name: string; version: string };
  ms: number;
}

/** The guard's 422: the picture is not (or does not look like) a brain MRI slice; carries what the guard saw. */
export class NotBrainMriError extends UploadError {
  constructor(message: string, readonly guard: GuardReport) {
    super(message, 422);
    this.name = 'NotBrainMriError';
  }
}

export const isNotBrainMriError = (error: unknown): error is NotBrainMriError => named(error, 'NotBrainMriError');

const score = (p: number) => p.toFixed(2);

const OTHER_MRI_WARNING =
  'This looks like an MRI slice other than axial FLAIR (T1 or T1c alone, or a sagittal or coronal plane). The model was trained on axial FLAIR slices and is less reliable here.';
const FORCED_WARNING =
  'You chose to analyse a picture that the guard takes for something other than a brain MRI slice. The answer means nothing unless it is one.';

function reasonFor(verdict: GuardVerdict, scores: GuardScores, thresholds: GuardReport['thresholds']): string {
  if (verdict === 'not-mri') return `its not-MRI score is ${score(scores.notMri)} (pictures from ${score(thresholds.notMri)} are flagged)`;
  if (verdict === 'other-mri') return `it looks like an MRI slice that is not axial FLAIR (score ${score(scores.otherMri)})`;
  return `it looks like an axial FLAIR slice (not-MRI score ${score(scores.notMri)})`;
}

/** The guard's view of the letterboxed upload (the colours as sent). `force` overrules a flag, never a certain refusal. */
export async function judgeUpload(rgb: Uint8Array, box: Letterbox, force = false): Promise<GuardReport> {
  const started = performance.now();
  const guard = await loadGuardModel();
  const { thresholds } = guard.manifest;
  const model = { name: guard.manifest.model.name, version: guard.manifest.model.version };
  const certain = certainVerdict(rgb, box);
  if (certain) return { ...certain, score: null, scores: null, overrulable: false, forced: false, thresholds, model, ms: performance.now() - started };
  const scores = await guard.classify(guardInput(rgb, box.size, guard.inputSize));
  const verdict: GuardVerdict =
    scores.notMri >= thresholds.notMri ? 'not-mri' : scores.otherMri >= thresholds.otherMri ? 'other-mri' : 'axial-flair';
  return {
    verdict,
    score: scores.notMri,
    scores,
    reason: reasonFor(verdict, scores, thresholds),
    overrulable: verdict === 'not-mri',
    forced: verdict === 'not-mri' && force,
    thresholds,
    model,
    ms: performance.now() - started,
  };
}

/** The warning a 200 answer carries, or null. */
export function guardWarning(report: GuardReport): string | null {
  if (report.forced) return FORCED_WARNING;
  return report.verdict === 'other-mri' ? OTHER_MRI_WARNING : null;
}

/** The message of a 422: what the guard saw, and how to overrule it when that is possible. */
export function refusalMessage(report: GuardReport): string {
  if (!report.overrulable) return `Nothing in this picture can be analysed: ${report.reason}.`;
  return `This does not look like a brain MRI slice: ${report.reason}. If it is one, you can have it analysed anyway.`;
}
