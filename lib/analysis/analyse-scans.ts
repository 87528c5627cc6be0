import { analyseVolume, type VolumeAnalysis, type VolumeOptions } from './analyse-volume';

/** What a volume form or request holds once checked (lib/validation/upload.ts). */
export interface VolumeUploads {
  flair: Uint8Array[];
  t1c?: Uint8Array;
  /** An earlier scan of the same patient, for the follow-up. */
  baseline?: Uint8Array[];
  force: boolean;
}

/** The scan, and the earlier scan of the same patient when one was sent, one after the other. */
export interface ScanAnalyses {
  analysis: VolumeAnalysis;
  baseline: VolumeAnalysis | null;
}

const BASELINE_LABEL = 'The earlier scan (baseline)';

export async function analyseScans(upload: VolumeUploads, options: Omit<VolumeOptions, 'force' | 'label'> = {}): Promise<ScanAnalyses> {
  const analysis = await analyseVolume({ flair: upload.flair, t1c: upload.t1c }, { ...options, force: upload.force });
  const baseline = upload.baseline ? await analyseVolume({ flair: upload.baseline }, { ...options, force: upload.force, label: BASELINE_LABEL }) : null;
  return { analysis, baseline };
}
