import type { Plane } from '../key-pictures';
import type { FollowUpAnswer, ReportAnswer } from '../report-schema';

// The report's words and numbers, one wording for the result page (app/ui/volume/) and the PDF (volume-pdf.ts).

export const RESEARCH_NOTICE = 'A research tool, not a diagnosis.';
export const FOLLOW_UP_CAVEAT =
  'A change category by RANO 2.0 thresholds on the FLAIR tumour, not a response assessment: no confirmation scan, no nadir, no contrast-enhancing measure. The scans are not registered to each other.';
export const FOLLOW_UP_THRESHOLDS =
  'By volume: progression from +40%, partial response from −65%, complete response under 0.1 mL. By the sum of products: progression from +25%, partial response from −50%.';
export const RANO_SOURCE = 'Wen et al., J Clin Oncol 2023, RANO 2.0';
export const RANO_NOTE = 'The two largest lesions, each on the axial slice where it is largest; measurable when both diameters are at least 10 mm.';
export const VOLUME_NOTE = 'The volume counts the voxels the model marks as tumour, times the voxel size.';

export const ml = (value: number) => `${value.toFixed(1)} mL`;
export const mm = (value: number) => `${value.toFixed(1)} mm`;
export const mm2 = (value: number) => `${Math.round(value).toLocaleString('en')} mm²`;
export const share = (value: number) => `${(value * 100).toFixed(1)}%`;
const signed = (value: number, digits: number) => `${value < 0 ? '−' : value > 0 ? '+' : ''}${Math.abs(value).toFixed(digits)}`;
/** A change: "+1.2 mL", "−3.4 mL", and "0.0 mL" for none (to the shown precision). */
const changeMl = (value: number) => `${Math.abs(value) < 0.05 ? '0.0' : signed(value, 1)} mL`;
const changePercent = (value: number | null) => (value === null ? 'none before' : `${Math.abs(value) < 0.05 ? '0.0' : signed(value, 1)}%`);

/** RAS+ mm from the file's origin, which need not be the head's centre: a negative x is not the left side. */
export const position = (centre: [number, number, number]) => centre.map((value) => value.toFixed(1).replace('-', '−')).join(', ');

export const extent = ({ leftRight, anteriorPosterior, craniocaudal }: ReportAnswer['lesions'][number]['extentMm']) =>
  `${leftRight.toFixed(0)} × ${anteriorPosterior.toFixed(0)} × ${craniocaudal.toFixed(0)}`;

const lesionCount = (count: number) => (count === 1 ? '1 lesion' : `${count} lesions`);

/** "2 lesions of at least 0.1 mL; multifocal (…)", or none. */
export function lesionSummary(report: ReportAnswer): string {
  if (report.lesions.length === 0) return 'none of at least 0.1 mL';
  return `${lesionCount(report.lesions.length)} of at least 0.1 mL; ${report.multifocal ? 'multifocal (lesions at least 5 mm apart)' : 'unifocal'}`;
}

/** Which side, or why it cannot be told. */
export function lateralitySentence(report: ReportAnswer): string {
  const { laterality } = report;
  if (!laterality) return report.lateralityNote ?? 'not told';
  const sides = `left ${share(laterality.left)}, right ${share(laterality.right)}`;
  return `${sides}; ${laterality.crossesMidline ? 'crosses the midline' : 'does not cross the midline'}`;
}

/** The label of a lesion in the tables, by size. */
export const lesionName = (index: number) => `Lesion ${index + 1}`;

interface FollowUpRow {
  measure: string;
  before: string;
  now: string;
  change: string;
  category: string;
}

export function followUpRows(followUp: FollowUpAnswer, report: ReportAnswer): FollowUpRow[] {
  return [
    {
      measure: 'Tumour volume', before: ml(followUp.baselineVolumeMl), now: ml(report.tumourVolumeMl),
      change: `${changeMl(followUp.changeMl)} (${changePercent(followUp.changePercent)})`, category: followUp.volumetricCategory,
    },
    {
      measure: 'Sum of products', before: mm2(followUp.baselineSumOfProductsMm2), now: mm2(report.sumOfProductsMm2),
      change: changePercent(followUp.productChangePercent), category: followUp.bidimensionalCategory,
    },
  ];
}

export const planeName = (plane: Plane) => plane[0].toUpperCase() + plane.slice(1);

/** Where the volume came from: a NIfTI file, or a DICOM series by its number only (never a file name or another tag). */
export const sourceName = (series: { seriesNumber: number | null } | null) =>
  series ? `DICOM series ${series.seriesNumber ?? '(no series number)'}` : 'NIfTI volume';
