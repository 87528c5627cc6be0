import type { VolumeAnalysis } from '../analysis/analyse-volume';
import type { KeyPicture } from './key-pictures';
import { CONTENT_BOTTOM, CONTENT_WIDTH, COLOURS, createDocument, footers, MARGIN, noticeBox, REGULAR, sectionHeading, textAt } from './pdf/document';
import { drawPictureRow } from './pdf/picture-row';
import * as words from './pdf/report-words';
import { drawSliceChart } from './pdf/slice-chart';
import { drawTable, type Column } from './pdf/table';
import { followUpBody, reportBody } from './report-answer';
import type { FollowUpAnswer, ReportAnswer } from './report-schema';
import { lesionPictures } from './volume-answer';

// The volume report as a PDF of at most two A4 pages: the figures, the lesions, the RANO measure, the key pictures, the
// tumour per slice and, with an earlier scan, the change since. Nothing that names the patient or the file: no file
// name, no NIfTI description, no DICOM tag but the series number.

const TITLE = 'Brain MRI tumour report';
const CREATOR = 'Brain Tumor Detector';
const MAX_LESION_ROWS = 8;
const PICTURE_SIDE = 150;

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Label: value pairs in two columns; returns the y below them. */
function facts(doc: PDFKit.PDFDocument, pairs: Array<[string, string]>, y: number, columns = 2): number {
  const columnWidth = CONTENT_WIDTH / columns, labelWidth = 62;
  let rowTop = y;
  for (let i = 0; i < pairs.length; i += columns) {
    let rowBottom = rowTop;
    pairs.slice(i, i + columns).forEach(([label, value], c) => {
      const x = MARGIN + c * columnWidth;
      textAt(doc, label, x, rowTop, { size: 8.5, colour: COLOURS.muted, width: labelWidth });
      rowBottom = Math.max(rowBottom, textAt(doc, value, x + labelWidth, rowTop, { size: 8.5, width: columnWidth - labelWidth - 8 }));
    });
    rowTop = rowBottom + 3;
  }
  return rowTop;
}

function header(doc: PDFKit.PDFDocument, analysis: VolumeAnalysis, baseline: VolumeAnalysis | null, analysedAt: Date): number {
  textAt(doc, CREATOR, MARGIN, MARGIN + 5, { size: 8.5, colour: COLOURS.muted, align: 'right' });
  let y = textAt(doc, TITLE, MARGIN, MARGIN, { size: 18, bold: true }) + 6;
  y = noticeBox(doc, 'The figures are a model\'s prediction on the FLAIR volume, not a radiologist\'s reading. Not a medical device.', y, 'notice', words.RESEARCH_NOTICE) + 10;
  const [sx, sy, sz] = analysis.geometry.spacingMm;
  y = facts(doc, [
    ['Analysed', utc(analysedAt)],
    ['Source', words.sourceName(analysis.series)],
    ['Model', `${analysis.model.name} v${analysis.model.version}`],
    ['Guard', `${analysis.guard.model.name} v${analysis.guard.model.version}`],
    ['Read as', analysis.modalities === 'FLAIR' ? 'FLAIR alone' : 'FLAIR and T1c'],
    ['Earlier scan', baseline ? words.sourceName(baseline.series) : 'none sent'],
  ], y);
  y = facts(doc, [
    ['Grid', `${analysis.geometry.dims.join(' × ')} voxels of ${sx.toFixed(2)} × ${sy.toFixed(2)} × ${sz.toFixed(2)} mm`],
    ['Guard saw', analysis.guard.reason],
  ], y, 1);
  if (analysis.guard.warning) y = noticeBox(doc, analysis.guard.warning, y + 4, 'warning', 'Warning:') + 4;
  if (baseline?.guard.warning) y = noticeBox(doc, baseline.guard.warning, y + 4, 'warning', 'Earlier scan:') + 4;
  return y + 8;
}

function figures(doc: PDFKit.PDFDocument, report: ReportAnswer, y: number): number {
  y = sectionHeading(doc, 'Figures', y);
  textAt(doc, 'Tumour volume', MARGIN, y, { size: 8.5, colour: COLOURS.muted });
  textAt(doc, words.ml(report.tumourVolumeMl), MARGIN, y + 12, { size: 20, bold: true, colour: report.tumourVolumeMl > 0 ? COLOURS.red : COLOURS.teal, width: 140 });
  const x = MARGIN + 150, labelWidth = 95;
  let row = y;
  for (const [label, value] of [
    ['Head volume', `${words.ml(report.headVolumeMl)} (the head mask, skull included where the scan has it)`],
    ['Share of the head', words.share(report.tumourShareOfHead)],
    ['Lesions', words.lesionSummary(report)],
    ['Laterality', words.lateralitySentence(report)],
  ]) {
    textAt(doc, label, x, row, { size: 8.5, colour: COLOURS.muted, width: labelWidth });
    row = textAt(doc, value, x + labelWidth, row, { size: 8.5, width: CONTENT_WIDTH - 150 - labelWidth }) + 3;
  }
  return Math.max(row, y + 40) + 8;
}

const LESION_COLUMNS: Column[] = [
  { header: 'Lesion', width: 70 }, { header: 'Volume', width: 70, align: 'right' },
  { header: 'Centre x, y, z (RAS mm)', width: 191, align: 'right' }, { header: 'Extent L-R × A-P × S-I (mm)', width: 180, align: 'right' },
];

function lesionTable(doc: PDFKit.PDFDocument, report: ReportAnswer, y: number): number {
  y = sectionHeading(doc, 'Lesions', y);
  if (report.lesions.length === 0) return textAt(doc, 'No lesion of at least 0.1 mL.', MARGIN, y) + 10;
  const shown = report.lesions.slice(0, MAX_LESION_ROWS);
  y = drawTable(doc, LESION_COLUMNS, shown.map((lesion, i) => [words.lesionName(i), words.ml(lesion.volumeMl), words.position(lesion.centroidMm), words.extent(lesion.extentMm)]), y);
  const rest = report.lesions.slice(MAX_LESION_ROWS);
  if (rest.length > 0) {
    y = textAt(doc, `and ${rest.length} smaller, ${words.ml(rest.reduce((sum, lesion) => sum + lesion.volumeMl, 0))} together.`, MARGIN, y + 3, { size: 8, colour: COLOURS.muted });
  }
  return y + 12;
}

const RANO_COLUMNS: Column[] = [
  { header: 'Lesion', width: 70 }, { header: 'Axial slice', width: 70, align: 'right' }, { header: 'Longest', width: 86, align: 'right' },
  { header: 'Perpendicular', width: 95, align: 'right' }, { header: 'Product', width: 100, align: 'right' }, { header: 'Measurable', width: 90, align: 'right' },
];

function ranoTable(doc: PDFKit.PDFDocument, report: ReportAnswer, y: number): number {
  y = sectionHeading(doc, 'RANO bidimensional measure', y);
  if (report.bidimensional.length === 0) return textAt(doc, 'No lesion to measure.', MARGIN, y) + 10;
  y = drawTable(doc, RANO_COLUMNS, report.bidimensional.map((m, i) => [
    words.lesionName(i), String(m.sliceIndex), words.mm(m.longestMm), words.mm(m.perpendicularMm), words.mm2(m.productMm2), m.measurable ? 'yes' : 'no',
  ]), y);
  y = textAt(doc, `Sum of products (measurable lesions): ${words.mm2(report.sumOfProductsMm2)}`, MARGIN, y + 4, { size: 9, bold: true });
  return textAt(doc, words.RANO_NOTE, MARGIN, y + 2, { size: 7.5, colour: COLOURS.muted }) + 12;
}

function pictureSection(doc: PDFKit.PDFDocument, pictures: KeyPicture[], y: number): number {
  y = sectionHeading(doc, 'Key pictures through the largest lesion\'s centre', y);
  if (pictures.length === 0) return textAt(doc, 'No lesion: no key pictures.', MARGIN, y) + 10;
  y = textAt(doc, 'FLAIR with the predicted tumour in red; the patient\'s right on the left of the axial and coronal pictures, as radiologists read them.', MARGIN, y, { size: 7.5, colour: COLOURS.muted }) + 4;
  return drawPictureRow(doc, pictures, y, CONTENT_WIDTH, PICTURE_SIDE) + 10;
}

/** The height the picture section needs, to decide whether it fits on the first page. */
const PICTURE_SECTION_HEIGHT = 22 + 14 + 20 + PICTURE_SIDE + 22 + 10;

function chartSection(doc: PDFKit.PDFDocument, analysis: VolumeAnalysis, y: number): number {
  y = sectionHeading(doc, 'Tumour per slice', y);
  const slices = analysis.slices.filter((s) => s.analysed);
  y = textAt(doc, `The model was run on the ${slices.length} of ${analysis.grid.count} axial slices with head in them; tumour on ${analysis.tumourSlices}.`, MARGIN, y, { size: 8, colour: COLOURS.muted }) + 6;
  return drawSliceChart(doc, { slices, sliceCount: analysis.grid.count, threshold: analysis.thresholds.slice, superiorIncreases: analysis.axes.superiorIncreases }, MARGIN, y, CONTENT_WIDTH, 190) + 12;
}

const FOLLOW_UP_COLUMNS: Column[] = [
  { header: 'Measure', width: 100 }, { header: 'Earlier scan', width: 85, align: 'right' }, { header: 'This scan', width: 85, align: 'right' },
  { header: 'Change', width: 126, align: 'right' }, { header: 'Category', width: 115, align: 'right' },
];

function followUpSection(doc: PDFKit.PDFDocument, followUp: FollowUpAnswer, report: ReportAnswer, y: number): number {
  y = sectionHeading(doc, 'Follow-up: the change since the earlier scan', y);
  y = noticeBox(doc, words.FOLLOW_UP_CAVEAT, y, 'notice') + 8;
  y = drawTable(doc, FOLLOW_UP_COLUMNS, words.followUpRows(followUp, report).map((row) => [row.measure, row.before, row.now, row.change, row.category]), y);
  y = textAt(doc, words.FOLLOW_UP_THRESHOLDS, MARGIN, y + 4, { size: 7.5, colour: COLOURS.muted });
  return textAt(doc, `Source: ${words.RANO_SOURCE}.`, MARGIN, y + 2, { size: 7.5, colour: COLOURS.muted }) + 12;
}

const NOTES = [
  words.VOLUME_NOTE,
  'Lesions are the 26-connected pieces of the predicted mask of at least 0.1 mL; multifocal means two lesions at least 5 mm apart, surface to surface.',
  'Laterality splits the tumour at the plane through the head\'s centre, across the left-right axis of the file\'s orientation. Lesion centres are in the file\'s RAS coordinates (x to the patient\'s right, y to the front, z up), from its origin, which need not be the head\'s centre.',
  `RANO bidimensional measure: ${words.RANO_SOURCE}.`,
];

/** How it was measured, as much as the page has room for: the report never runs onto a third page. */
function notes(doc: PDFKit.PDFDocument, y: number): void {
  if (y + 60 > CONTENT_BOTTOM) return;
  y = sectionHeading(doc, 'How it was measured', y);
  for (const note of NOTES) {
    doc.font(REGULAR).fontSize(8);
    if (y + doc.heightOfString(`• ${note}`, { width: CONTENT_WIDTH, lineGap: 1.5 }) > CONTENT_BOTTOM) return;
    y = textAt(doc, `• ${note}`, MARGIN, y, { size: 8, colour: COLOURS.muted }) + 3;
  }
}

/** The report's pages, drawn with the key pictures already made. */
async function drawReport(analysis: VolumeAnalysis, baseline: VolumeAnalysis | null, pictures: KeyPicture[], analysedAt: Date): Promise<Buffer> {
  const { doc, bytes } = createDocument({ title: TITLE, creator: CREATOR, created: analysedAt });
  const report = reportBody(analysis.report);
  let y = header(doc, analysis, baseline, analysedAt);
  y = figures(doc, report, y);
  y = lesionTable(doc, report, y);
  y = ranoTable(doc, report, y);
  const picturesFirst = y + PICTURE_SECTION_HEIGHT <= CONTENT_BOTTOM;
  if (picturesFirst) y = pictureSection(doc, pictures, y);
  doc.addPage();
  y = MARGIN;
  if (!picturesFirst) y = pictureSection(doc, pictures, y);
  y = chartSection(doc, analysis, y);
  const followUp = followUpBody(analysis, baseline);
  if (followUp) y = followUpSection(doc, followUp, report, y);
  notes(doc, y);
  footers(doc, `${CREATOR} · ${words.RESEARCH_NOTICE.replace(/\.$/, '')} · ${utc(analysedAt)}`);
  doc.end();
  return bytes;
}

/** `baseline`: the earlier scan of the same patient, for the follow-up; `analysedAt`: when (the PDF's date, in UTC). */
export async function volumePdf(analysis: VolumeAnalysis, baseline: VolumeAnalysis | null, analysedAt = new Date()): Promise<Buffer> {
  return drawReport(analysis, baseline, await lesionPictures(analysis), analysedAt);
}
