import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { analyseSlice } from '../analysis/analyse-slice';
import { analyseVolume } from '../analysis/analyse-volume';
import { maskNiftiGz } from '../answers/volume-answer';
import { isModelUnavailableError, isServerBusyError } from '../errors';
import { encodePng } from '../imaging/raster';
import type { VolumeReport } from '../report/report';
import { memoryBudget } from '../runtime/memory-budget';
import type { Scan } from './find-scans';

// One scan through the server's own code (analyseSlice, analyseVolume) -> one CSV row, and its mask if asked for.

// The report's scalar figures are columns of their own (lib/report/); sha256 is of the scan's bytes, its files in order.
export const CSV_COLUMNS = [
  'file', 'sha256', 'kind', 'label', 'probability', 'tumour_ml', 'head_ml', 'tumour_share_of_head', 'lesions', 'largest_lesion_ml',
  'multifocal', 'left_share', 'right_share', 'crosses_midline', 'sum_of_products_mm2', 'tumour_px', 'slices_with_tumour', 'guard', 'warning',
  'model_version', 'error',
] as const;
export type CohortRow = Record<(typeof CSV_COLUMNS)[number], string>;

export interface ScanResult {
  row: CohortRow;
  /** The predicted mask: a .nii.gz for volumes, a PNG (0/255) for pictures; null for an error row. */
  mask: { bytes: Uint8Array; extension: '.nii.gz' | '.png' } | null;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const EMPTY_ROW = Object.fromEntries(CSV_COLUMNS.map((column) => [column, ''])) as CohortRow;

function sha256(files: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file);
  return hash.digest('hex');
}

export function errorRow(scan: Scan, modelVersion: string, message: string, files: Uint8Array[] | null = null): ScanResult {
  return { row: { ...EMPTY_ROW, file: scan.name, sha256: files ? sha256(files) : '', kind: scan.kind, model_version: modelVersion, error: message }, mask: null };
}

/** The report's figures; a share or side left empty where the report has none (no tumour, no orientation). */
function reportColumns(report: VolumeReport): Partial<CohortRow> {
  const { laterality } = report;
  return {
    head_ml: fixed(report.headVolumeMl, 2), tumour_share_of_head: fixed(report.tumourShareOfHead, 4), lesions: String(report.lesions.length),
    largest_lesion_ml: report.lesions.length ? fixed(report.lesions[0].volumeMl, 2) : '', multifocal: String(report.multifocal),
    left_share: laterality ? fixed(laterality.left, 3) : '', right_share: laterality ? fixed(laterality.right, 3) : '',
    crosses_midline: laterality ? String(laterality.crossesMidline) : '', sum_of_products_mm2: fixed(report.sumOfProductsMm2, 1),
  };
}

/**
 * Never throws for a bad scan: it becomes an error row. A missing model or a full memory budget is not the scan's fault
 * and is thrown on. The scan is admitted by the server's memory budget: its files first, then what decoding will take.
 */
export async function analyseScan(scan: Scan, modelVersion: string, withMask: boolean): Promise<ScanResult> {
  if (scan.problem) return errorRow(scan, modelVersion, scan.problem);
  let files: Uint8Array[] | null = null;
  const memory = memoryBudget.reserve();
  try {
    memory.grow(scan.files.reduce((bytes, file) => bytes + statSync(file).size, 0));
    files = scan.files.map((file) => new Uint8Array(readFileSync(file)));
    if (scan.kind === 'image' || scan.kind === 'dicom-image') {
      const analysis = await analyseSlice({ flair: files[0], reading: 'auto' }, { memory });
      const { result } = analysis;
      const mask = withMask ? await encodePng(result.mask ?? new Uint8Array(analysis.width * analysis.height), { width: analysis.width, height: analysis.height, channels: 1 }) : null;
      return {
        row: {
          ...EMPTY_ROW, file: scan.name, sha256: sha256(files), kind: scan.kind, label: result.label, probability: fixed(result.probability, 4),
          tumour_px: String(result.tumourAreaPx), guard: analysis.guard.verdict, warning: analysis.warning ?? '', model_version: analysis.model.version,
        },
        mask: mask ? { bytes: mask, extension: '.png' } : null,
      };
    }
    const analysis = await analyseVolume({ flair: files }, { memory });
    const probability = Math.max(0, ...analysis.slices.filter((s) => s.analysed).map((s) => s.probability));
    return {
      row: {
        ...EMPTY_ROW, ...reportColumns(analysis.report), file: scan.name, sha256: sha256(files), kind: scan.kind,
        label: analysis.tumourSlices > 0 ? 'Tumor' : 'No Tumor', probability: fixed(probability, 4), tumour_ml: fixed(analysis.tumourVolumeMl, 2),
        slices_with_tumour: String(analysis.tumourSlices), guard: analysis.guard.verdict, warning: analysis.guard.warning ?? '',
        model_version: analysis.model.version,
      },
      mask: withMask ? { bytes: await maskNiftiGz(analysis), extension: '.nii.gz' } : null,
    };
  } catch (error) {
    if (isModelUnavailableError(error) || isServerBusyError(error)) throw error;
    // an expected refusal keeps its message; anything else is reported by its kind, never with the file's content
    const message = error instanceof Error ? error.message : String(error);
    return errorRow(scan, modelVersion, (error as { status?: number })?.status ? message : `unexpected error: ${message}`, files);
  } finally {
    memory.release();
  }
}
