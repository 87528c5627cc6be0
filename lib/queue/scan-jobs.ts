import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Scan } from '../cohort/find-scans';

// What travels through Redis: a job per scan (its files' paths, never their bytes) in SCAN_QUEUE, under a parent job
// per cohort in COHORT_QUEUE that completes when its scans do. Results come back as each job's return value: a CSV row.

export const SCAN_QUEUE = 'cohort-scans';
export const COHORT_QUEUE = 'cohorts';

const scanSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['image', 'nifti', 'dicom-series', 'dicom-image', 'link']),
  files: z.array(z.string().min(1)).min(1),
  problem: z.string().optional(),
});

export const scanJobSchema = z.object({ scan: scanSchema, masks: z.string().nullable() });
export type ScanJob = z.infer<typeof scanJobSchema>;

export interface CohortJob {
  folder: string;
  out: string;
  scans: number;
}

/**
 * A scan's job id: its files' paths, sizes and modification times when it was queued (and where its mask goes). The same
 * unchanged scan queued again is the same job, so a resumed cohort never queues it twice; a changed file is a new job.
 */
export function scanJobId(scan: Scan, masks: string | null): string {
  const files = scan.files.map((file) => {
    const stats = statSync(file, { throwIfNoEntry: false });
    return [file, stats?.size ?? -1, stats?.mtimeMs ?? -1];
  });
  return createHash('sha256').update(JSON.stringify({ files, masks })).digest('hex');
}

export const SCAN_JOB_OPTIONS: JobsOptions = {
  // a transient failure (Redis gone, the model's thread stopped, a file not yet visible on a worker) is tried again
  attempts: 4,
  backoff: { type: 'exponential', delay: 2000 },
  // a failed scan must not hold its cohort's parent back: analyse writes the failure as an error row
  ignoreDependencyOnFailure: true,
  // results stay in Redis until analyse has written them, and are removed with their cohort after that
  removeOnComplete: false,
  removeOnFail: false,
};
