import type { GuardReport } from '../analysis/mri-guard';
import type { GuardAnswer } from './guard-schema';

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
