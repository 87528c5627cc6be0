import { existsSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { analyseScan, type CohortRow } from '../cohort/analyse-scan';
import { isModelUnavailableError } from '../errors';
import { writeMask } from '../cohort/mask-file';
import { loadTumourModel } from '../model/tumour-model';
import { refusedAccess, type QueueConnection } from './redis-url';
import { COHORT_QUEUE, SCAN_QUEUE, scanJobSchema, type CohortJob } from './scan-jobs';

// A worker: one scan at a time from the queue, through the same lib/ code as the server and the in-process command.
// The model runs in its own thread (lib/model/inference-thread.ts), so the event loop renews the job's lock throughout a
// long volume; a worker that dies loses its lock, and another worker takes the scan again (BullMQ's stalled-job check).

export interface WorkerOptions {
  /** How long a scan's lock lasts without renewal: a dead worker's scan goes to another after about twice this. */
  lockMs: number;
  log(line: string): void;
  /** Redis refused the password, or the model stopped: this worker cannot go on. */
  fatal(message: string): void;
}

export interface ScanWorker {
  name: string;
  /** Finishes the scan in hand, then disconnects. */
  close(): Promise<void>;
}

async function scanProcessor(modelVersion: string, job: Job, fatal: (message: string) => void): Promise<CohortRow> {
  const parsed = scanJobSchema.safeParse(job.data);
  // a job this code cannot read would fail the same way on every try and every worker
  if (!parsed.success) throw new UnrecoverableError(`not a scan job of this version: ${parsed.error.issues[0]?.message}`);
  const { scan, masks } = parsed.data;
  const missing = scan.problem ? 0 : scan.files.filter((file) => !existsSync(file)).length;
  // another worker may see the folder: this one is tried again, and the scan fails only if none does (no path is printed)
  if (missing) throw new Error(`${missing} of the scan's ${scan.files.length} files are not at their path on ${os.hostname()}: the cohort folder must be shared at the same path on every worker`);
  try {
    const { row, mask } = await analyseScan(scan, modelVersion, masks !== null);
    if (mask && masks) writeMask(masks, scan, mask);
    return row;
  } catch (error) {
    // a worker without its model would fail every scan after this one: it stops, and the scan goes to another try
    if (isModelUnavailableError(error)) fatal((error as Error).message);
    throw error;
  }
}

/** A cohort's parent runs once every scan is done: it counts them, so its return value sums the cohort up. */
async function cohortProcessor(job: Job<CohortJob>): Promise<{ scans: number; errors: number; failed: number }> {
  const rows = Object.values(await job.getChildrenValues<CohortRow>());
  const failed = Object.keys(await job.getIgnoredChildrenFailures()).length;
  return { scans: rows.length + failed, errors: rows.filter((row) => row.error).length, failed };
}

export async function startScanWorker(queue: QueueConnection, options: WorkerOptions): Promise<ScanWorker> {
  const model = await loadTumourModel(); // a worker without its model stops here, before it takes a scan
  const name = `${os.hostname()}:${process.pid}`;
  const common = { connection: queue.connection, name, lockDuration: options.lockMs, stalledInterval: options.lockMs };
  // one scan at a time: the model's session already uses every core; a scan given back three times fails
  const scans = new Worker(SCAN_QUEUE, (job) => scanProcessor(model.manifest.model.version, job, options.fatal), { ...common, concurrency: 1, maxStalledCount: 3 });
  const cohorts = new Worker(COHORT_QUEUE, cohortProcessor, { ...common, concurrency: 1 });
  const started = new Map<string, number>();
  let lastError = '';
  scans.on('active', (job) => started.set(job.id!, performance.now()));
  scans.on('completed', (job, row: CohortRow) => {
    const seconds = ((performance.now() - (started.get(job.id!) ?? performance.now())) / 1000).toFixed(1);
    started.delete(job.id!);
    // the job id, not the file: paths may carry patient names
    options.log(`${name} scan ${job.id!.slice(0, 12)}: ${row.error ? 'error row' : row.label} in ${seconds} s`);
  });
  scans.on('failed', (job, error) => options.log(`${name} scan ${job?.id?.slice(0, 12)}: attempt ${job?.attemptsMade} failed: ${error.message}`));
  for (const worker of [scans, cohorts]) {
    worker.on('error', (error) => {
      const refused = refusedAccess(error, queue.shown);
      if (refused) return options.fatal(refused);
      // Redis going away repeats the same error on every reconnect: say it once
      if (error.message !== lastError) options.log(`${name}: ${error.message}`);
      lastError = error.message;
    });
  }
  await Promise.all([scans.waitUntilReady(), cohorts.waitUntilReady()]);
  return {
    name,
    close: async () => {
      await Promise.all([scans.close(), cohorts.close()]);
    },
  };
}
