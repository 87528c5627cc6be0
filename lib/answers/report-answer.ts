import type { VolumeAnalysis } from '../analysis/analyse-volume';
import { compareScans } from '../report/follow-up';
import type { VolumeReport } from '../report/report';
import type { FollowUpAnswer, ReportAnswer } from './report-schema';

/** The report as a program reads it: every figure, and no picture point (an internal of the page and the PDF). */
export function reportBody(report: VolumeReport): ReportAnswer {
  return {
    tumourVolumeMl: report.tumourVolumeMl,
    headVolumeMl: report.headVolumeMl,
    tumourShareOfHead: report.tumourShareOfHead,
    lesions: report.lesions,
    multifocal: report.multifocal,
    laterality: report.laterality,
    lateralityNote: report.lateralityNote,
    bidimensional: report.bidimensional,
    sumOfProductsMm2: report.sumOfProductsMm2,
  };
}

/** The change since the earlier scan, or null when none was sent. */
export function followUpBody(analysis: VolumeAnalysis, baseline: VolumeAnalysis | null): FollowUpAnswer | null {
  return baseline ? compareScans(baseline.report, analysis.report) : null;
}
