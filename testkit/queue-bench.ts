import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { CohortQueue } from '../lib/queue/cohort-queue';
import { queueConnection } from '../lib/queue/redis-url';
import { SCAN_QUEUE } from '../lib/queue/scan-jobs';
import { fixture } from './client';
import { runScript, startWorker, stopWorkers, until, type Running } from './cohort-processes';
import { startRedis } from './redis-server';

// The cohort command in process and through the queue on the same files, and the queue's own cost per job, measured
// with the commands a person runs and a redis-server of the bench's own.

export interface QueueBench {
  volumes: number;
  inProcessPerMinute: number;
  oneWorkerPerMinute: number;
  twoOneThreadWorkersPerMinute: number;
  oneTwoThreadWorkerPerMinute: number;
  /** Enqueue to start, on an idle worker: each job's processedOn less its timestamp, both Redis-side records. */
  overheadMs: number[];
}

/** The cohort command's own figure: scans per minute from its first scan to its last, model loading left out. */
async function analyseRate(folder: string, out: string, queue?: string): Promise<number> {
  const run = runScript('analyse', [folder, '--out', out, ...(queue ? ['--queue', queue] : [])]);
  if ((await run.exited) !== 0) throw new Error(run.output());
  const rate = /([\d.]+) scans per minute/.exec(run.output());
  if (!rate) throw new Error(`no rate in: ${run.output()}`);
  return Number(rate[1]);
}

async function withWorkers<T>(starting: Array<Promise<Running>>, body: () => Promise<T>): Promise<T> {
  const workers = await Promise.all(starting);
  try {
    return await body();
  } finally {
    await stopWorkers(workers);
  }
}

/** `count` unreadable files queued one at a time: how long each waits for an idle worker to start it. */
async function overheadPerJob(url: string, count: number): Promise<number[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'queue-overhead-'));
  const cohort = { folder, out: path.join(folder, 'unused.csv'), masks: null };
  const cohortQueue = await CohortQueue.open(queueConnection(url), () => {});
  const scans = new Queue(SCAN_QUEUE, { connection: { url, maxRetriesPerRequest: null } });
  const overhead: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const file = path.join(folder, `${i}.png`);
      writeFileSync(file, 'not a picture');
      const { jobs } = await cohortQueue.enqueue(cohort, [{ name: `${i}.png`, kind: 'image', files: [file] }]);
      const id = [...jobs.keys()][0];
      let started = NaN;
      await until('the job to finish', async () => {
        const job = await scans.getJob(id);
        started = job?.finishedOn ? job.processedOn! - job.timestamp : NaN;
        return Boolean(job?.finishedOn);
      }, 30_000);
      overhead.push(started);
    }
    await cohortQueue.removeCohort(cohort);
  } finally {
    await Promise.all([cohortQueue.close(), scans.close()]);
  }
  return overhead;
}

export async function queueBench(volumes: number, overheadJobs = 40): Promise<QueueBench> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'queue-bench-'));
  for (let i = 0; i < volumes; i++) copyFileSync(fixture('brats-pat0001-flair.nii.gz'), path.join(folder, `head-${i}.nii.gz`));
  const out = (name: string) => `${folder}-${name}.csv`;
  const redis = await startRedis();
  try {
    const inProcessPerMinute = await analyseRate(folder, out('in-process'));
    const oneWorkerPerMinute = await withWorkers([startWorker(redis.url)], () => analyseRate(folder, out('one-worker'), redis.url));
    const oneThread = { INFERENCE_THREADS: '1' };
    const twoOneThreadWorkersPerMinute = await withWorkers([startWorker(redis.url, [], oneThread), startWorker(redis.url, [], oneThread)], () => analyseRate(folder, out('two-workers'), redis.url));
    const oneTwoThreadWorkerPerMinute = await withWorkers([startWorker(redis.url, [], { INFERENCE_THREADS: '2' })], () => analyseRate(folder, out('two-threads'), redis.url));
    const overheadMs = await withWorkers([startWorker(redis.url)], () => overheadPerJob(redis.url, overheadJobs));
    return { volumes, inProcessPerMinute, oneWorkerPerMinute, twoOneThreadWorkersPerMinute, oneTwoThreadWorkerPerMinute, overheadMs };
  } finally {
    await redis.remove();
  }
}
