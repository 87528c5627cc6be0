import { readFileSync } from 'node:fs';
import { analyseSlice } from '../analysis/analyse-slice';
import { analyseVolume } from '../analysis/analyse-volume';
import { maskNiftiGz } from '../answers/volume-answer';
import { isModelUnavailableError } from '../errors';
import { encodePng } from '../imaging/raster';
import type { Scan } from './find-scans';

// One scan through the server's own code (analyseSlice, analyseVolume) -> one CSV row, and its mask if asked for.

export const CSV_COLUMNS = ['file', 'kind', 'label', 'probability', 'tumour_ml', 'tumour_px', 'slices_with_tumour', 'model_version', 'error'] as const;
export type CohortRow = Record<(typeof CSV_COLUMNS)[number], string>;

export interface ScanResult {
  row: CohortRow;
  /** The predicted mask: a .nii.gz for volumes, a PNG (0/255) for pictures; null for an error row. */
  mask: { bytes: Uint8Array; extension: '.nii.gz' | '.png' } | null;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

function errorRow(scan: Scan, modelVersion: string, message: string): ScanResult {
  return { row: { file: scan.name, kind: scan.kind, label: '', probability: '', tumour_ml: '', tumour_px: '', slices_with_tumour: '', model_version: modelVersion, error: message }, mask: null };
}

/** Never throws for a bad scan: it becomes an error row. A missing model is not the scan's fault and is thrown on. */
export async function analyseScan(scan: Scan, modelVersion: string, withMask: boolean): Promise<ScanResult> {
  if (scan.problem) return errorRow(scan, modelVersion, scan.problem);
  try {
    const files = scan.files.map((file) => new Uint8Array(readFileSync(file)));
    if (scan.kind === 'image' || scan.kind === 'dicom-image') {
      const analysis = await analyseSlice({ flair: files[0], reading: 'auto' });
      const { result } = analysis;
      const mask = withMask ? await encodePng(result.mask ?? new Uint8Array(analysis.width * analysis.height), { width: analysis.width, height: analysis.height, channels: 1 }) : null;
      return {
        row: {
          file: scan.name, kind: scan.kind, label: result.label, probability: fixed(result.probability, 4), tumour_ml: '',
          tumour_px: String(result.tumourAreaPx), slices_with_tumour: '', model_version: analysis.model.version, error: '',
        },
        mask: mask ? { bytes: mask, extension: '.png' } : null,
      };
    }
    const analysis = await analyseVolume({ flair: files });
    const probability = Math.max(0, ...analysis.slices.filter((s) => s.analysed).map((s) => s.probability));
    return {
      row: {
        file: scan.name, kind: scan.kind, label: analysis.tumourSlices > 0 ? 'Tumor' : 'No Tumor', probability: fixed(probability, 4),
        tumour_ml: fixed(analysis.tumourVolumeMl, 2), tumour_px: '', slices_with_tumour: String(analysis.tumourSlices),
        model_version: analysis.model.version, error: '',
      },
      mask: withMask ? { bytes: await maskNiftiGz(analysis), extension: '.nii.gz' } : null,
    };
  } catch (error) {
    if (isModelUnavailableError(error)) throw error;
    // an expected refusal keeps its message; anything else is reported by its kind, never with the file's content
    const message = error instanceof Error ? error.message : String(error);
    return errorRow(scan, modelVersion, (error as { status?: number })?.status ? message : `unexpected error: ${message}`);
  }
}
