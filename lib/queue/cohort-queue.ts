import { setTimeout as sleep } from 'node:timers/promises';
import { FlowProducer, Queue, type Job } from 'bullmq';
import { CSV_COLUMNS, errorRow, type CohortRow } from '../cohort/analyse-scan';
import type { Scan } from '../cohort/find-scans';
import type { QueueConnection } from './redis-url';
import { COHORT_QUEUE, SCAN_JOB_OPTIONS, SCAN_QUEUE, scanJobId, type CohortJob, type ScanJob } from './scan-jobs';

// The analyse command's side of the queue: a cohort goes in as one flow, and its rows are read back from the jobs
// themselves, never from the event stream (which Redis trims), so results finished while analyse was away still count.

export interface Cohort {
  folder: string;
  out: string;
  masks: string | null;
}

export interface QueueCounts {
  queued: number;
  active: number;
  done: number;
  failed: number;
  workers: number | null;
}

// How many jobs one pass reads, and the pause between passes that found nothing new
const READ_BATCH = 200;
const POLL_MS = 500;
const CHANGE_WAIT_MS = 5000;
const EVENTS_KEPT = 100;

/** A job's CSV row: its return value, or for a job that failed on every try, an error row saying so. */
function rowOf(job: Job, scan: Scan): CohortRow {
  if (job.returnvalue && typeof job.returnvalue === 'object') {
    return Object.fromEntries(CSV_COLUMNS.map((column) => [column, String(job.returnvalue[column] ?? '')])) as CohortRow;
  }
  return errorRow(scan, '', `failed on the workers after ${job.attemptsMade} attempts: ${job.failedReason}`).row;
}

export class CohortQueue {
  private constructor(private readonly scans: Queue, private readonly cohorts: Queue, private readonly flows: FlowProducer) {}

  static async open({ connection }: QueueConnection, onError: (error: Error) => void): Promise<CohortQueue> {
    // nothing here reads the event stream, and its completed events carry rows (file paths): keep few
    const streams = { events: { maxLen: EVENTS_KEPT } };
    const queue = new CohortQueue(new Queue(SCAN_QUEUE, { connection, streams }), new Queue(COHORT_QUEUE, { connection, streams }), new FlowProducer({ connection }));
    queue.scans.on('error', onError);
    queue.cohorts.on('error', onError);
    queue.flows.on('error', onError);
    await Promise.all([queue.scans.waitUntilReady(), queue.cohorts.waitUntilReady(), queue.flows.waitUntilReady()]);
    return queue;
  }

  /** Queues the scans not already queued, as one flow: a parent for the cohort, a child per scan. Returns every scan's job id. */
  async enqueue(cohort: Cohort, scans: Scan[]): Promise<{ jobs: Map<string, Scan>; queued: number }> {
    const jobs = new Map(scans.map((scan) => [scanJobId(scan, cohort.masks), scan]));
    const existing = await Promise.all([...jobs.keys()].map((id) => this.scans.getJob(id)));
    const fresh = [...jobs].filter((_, i) => !existing[i]);
    await this.addFlow(cohort, fresh);
    return { jobs, queued: fresh.length };
  }

  private async addFlow(cohort: Cohort, entries: Array<[string, Scan]>): Promise<void> {
    if (entries.length === 0) return;
    const data: CohortJob = { folder: cohort.folder, out: cohort.out, scans: entries.length };
    await this.flows.add({
      name: 'cohort',
      queueName: COHORT_QUEUE,
      data,
      children: entries.map(([jobId, scan]) => ({ name: 'scan', queueName: SCAN_QUEUE, data: { scan, masks: cohort.masks } satisfies ScanJob, opts: { ...SCAN_JOB_OPTIONS, jobId } })),
    });
  }

  /**
   * Reads the jobs until each has a row, handing every row over as it is found; a job removed before its row was read is
   * queued again. Returns early, with rows still to come, once `stopped()` says so.
   */
  async collect(cohort: Cohort, jobs: Map<string, Scan>, onRow: (row: CohortRow) => void, onPass: (active: number) => void, stopped: () => boolean): Promise<void> {
    const outstanding = new Map(jobs);
    while (outstanding.size && !stopped()) {
      const batch = [...outstanding].slice(0, READ_BATCH);
      const found = await Promise.all(batch.map(([id]) => this.scans.getJob(id)));
      const vanished: Array<[string, Scan]> = [];
      let finished = 0;
      batch.forEach(([id, scan], i) => {
        const job = found[i];
        outstanding.delete(id);
        if (!job) vanished.push([id, scan]);
        else if (job.finishedOn) {
          onRow(rowOf(job, scan));
          finished++;
        } else outstanding.set(id, scan); // still to do: to the back of the line
      });
      for (const [id, scan] of vanished) outstanding.set(id, scan);
      await this.addFlow(cohort, vanished);
      onPass(await this.scans.getActiveCount());
      if (!finished && !stopped()) await sleep(POLL_MS);
    }
  }

  /** Removes the cohort's parents, and with them their scans: run once every row is in the CSV, so nothing is lost. */
  async removeCohort(cohort: Cohort): Promise<number> {
    const parents = (await this.cohorts.getJobs(['waiting-children', 'wait', 'active', 'delayed', 'prioritized', 'completed', 'failed']))
      .filter((job) => job.data?.folder === cohort.folder && job.data?.out === cohort.out);
    let removed = 0;
    for (const parent of parents) {
      // a worker may be summing the parent up this moment: it is locked for that long
      for (const started = Date.now(); Date.now() - started < CHANGE_WAIT_MS; await sleep(POLL_MS)) {
        try {
          await parent.remove();
          removed++;
          break;
        } catch {
          // locked; try again
        }
      }
    }
    await this.scans.trimEvents(0); // the rows in the completed events go with the jobs
    return removed;
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.scans.getJobCounts('wait', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
    // CLIENT LIST may be disabled on a managed Redis
    const workers = await this.scans.getWorkersCount().catch(() => null);
    return {
      queued: counts.wait + counts.delayed + counts.prioritized + counts['waiting-children'],
      active: counts.active,
      done: counts.completed,
      failed: counts.failed,
      workers,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.scans.close(), this.cohorts.close(), this.flows.close()]);
  }
}
