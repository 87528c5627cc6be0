import type { GuardReport } from '../analysis/mri-guard';
import type { VolumeGuardReport } from '../analysis/volume-guard';
import type { GuardAnswer, VolumeGuardAnswer } from './guard-schema';

/** The guard's answer as a program reads it, on every 200 and 422 of the slice API (its timing stays inside). */
export function guardBody(report: GuardReport): GuardAnswer {
  return {
    verdict: report.verdict,
    score: report.score,
    scores: report.scores,
    reason: report.reason,
    overrulable: report.overrulable,
    forced: report.forced,
    thresholds: report.thresholds,
    model: report.model,
  };
}

/** The volume guard's answer, on every 200 and 422 of the volume API (the synthetic-volume bypass is never an upload's). */
export function volumeGuardBody(report: VolumeGuardReport): VolumeGuardAnswer {
  return {
    verdict: report.verdict,
    refusedAs: report.refusedAs,
    reason: report.reason,
    overrulable: report.overrulable,
    forced: report.forced,
    slicesJudged: report.slicesJudged,
    scores: report.scores,
    thresholds: report.thresholds,
    model: report.model,
  };
}
