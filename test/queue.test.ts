import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { CSV_COLUMNS } from '../lib/cohort/analyse-scan';
import { SCAN_QUEUE } from '../lib/queue/scan-jobs';
import { runScript, startWorker, stopWorkers, until, type Running } from '../testkit/cohort-processes';
import { smallSeries } from '../testkit/dicom-fixtures';
import { makeNifti } from '../testkit/nifti-synthetic';
import { redisMissing, startRedis, type RedisProcess } from '../testkit/redis-server';

// The cohort command through a real Redis (a redis-server of the test's own) and real worker processes: the same rows as
// in process, one row per file through a killed worker, a Redis restart and a stopped analyse, and the work spread.

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = redisMissing() ?? false;
// Short locks, so that a killed worker's scan goes back to the queue in seconds rather than BullMQ's 30 (the same code)
const TEST_LOCK_SECONDS = '3';

const fixture = (name: string) => path.join(root, existsSync(path.join(root, 'e2e/fixtures', name)) ? 'e2e/fixtures' : 'test/fixtures', name);
const PICTURES = [
  'tumour-flair.png', 'no-tumour-flair.png', 't1c-slice.png', 'tumour-tight-crop.png', 'blank-end-slice.png', 'tumour-layered.png', 'no-tumour-layered.png',
  'not-mri-camera.png', 'not-mri-planet.jpg', 'not-mri-text.png', 'flair-upright.png', 'flair-16bit.png', 'flair-exif-rotated.jpg', 'layered-cmyk.jpg',
];
const VOLUME = 'brats-pat0001-flair.nii.gz';

function newFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'queue-cohort-'));
}

/** 20 scans: 14 pictures, 3 NIfTI volumes (one a real head), a DICOM series, and 2 broken files. */
function mixedCohort(): string {
  const folder = newFolder();
  mkdirSync(path.join(folder, 'slices'));
  mkdirSync(path.join(folder, 'volumes'));
  mkdirSync(path.join(folder, 'patient-a', 'flair'), { recursive: true });
  for (const name of PICTURES) copyFileSync(fixture(name), path.join(folder, 'slices', name));
  for (const name of [VOLUME, 'nifti-coronal-int16-scaled.nii.gz', 'nifti-bigendian-float64.nii']) copyFileSync(fixture(name), path.join(folder, 'volumes', name));
  smallSeries().forEach((file, k) => writeFileSync(path.join(folder, 'patient-a', 'flair', `IM${k}`), file));
  writeFileSync(path.join(folder, 'slices', 'broken.png'), 'this is not a picture');
  writeFileSync(path.join(folder, 'volumes', 'truncated.nii.gz'), makeNifti({ dims: [64, 64, 6], gzip: true }).subarray(0, 200));
  return folder;
}

/** `count` pictures, named apart (the same bytes at two paths are two scans), and optionally the real head. */
function pictureCohort(count: number, withVolume = false): string {
  const folder = newFolder();
  for (let i = 0; i < count; i++) copyFileSync(fixture(PICTURES[i % PICTURES.length]), path.join(folder, `${String(i).padStart(2, '0')}-${PICTURES[i % PICTURES.length]}`));
  if (withVolume) copyFileSync(fixture(VOLUME), path.join(folder, VOLUME));
  return folder;
}

async function startTestWorker(redis: RedisProcess): Promise<Running> {
  return startWorker(redis.url, ['--lock-seconds', TEST_LOCK_SECONDS]);
}

const analyseArgs = (folder: string, out: string, queue?: string, masks?: string) => [folder, '--out', out, ...(queue ? ['--queue', queue] : []), ...(masks ? ['--masks', masks] : [])];

async function analyse(folder: string, out: string, queue?: string, masks?: string): Promise<string> {
  const run = runScript('analyse', analyseArgs(folder, out, queue, masks));
  const code = await run.exited;
  assert.equal(code, 0, run.output());
  return run.output();
}

/** The CSV's rows as objects, in file order. */
function csvRows(file: string): Array<Record<string, string>> {
  // the fixtures' values hold no newlines; quoted commas are the only quoting to undo
  const [header, ...body] = readFileSync(file, 'utf8').trim().split('\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, CSV_COLUMNS.length));
  assert.deepEqual(header, [...CSV_COLUMNS]);
  return body.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i]]))).sort((a, b) => a.file.localeCompare(b.file));
}

function assertOneRowPerFile(rows: Array<Record<string, string>>, count: number): void {
  const files = rows.map((row) => row.file);
  assert.equal(new Set(files).size, files.length, `a file has two rows: ${files.join(', ')}`);
  assert.equal(files.length, count);
}

async function withRedis(options: Parameters<typeof startRedis>[0], body: (redis: RedisProcess) => Promise<void>): Promise<void> {
  const redis = await startRedis(options);
  try {
    await body(redis);
  } finally {
    await redis.remove();
  }
}

/** Every file under a folder by its path in it, with its bytes. */
function filesUnder(folder: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => [path.relative(folder, path.join(entry.parentPath, entry.name)), readFileSync(path.join(entry.parentPath, entry.name))]));
}

test('two workers write the same rows and masks as the command in process: one row per file, the password never shown', { skip, timeout: 240_000 }, async () => {
  const password = 'zz-queue-secret-4219';
  await withRedis({ password }, async (redis) => {
    const folder = mixedCohort();
    const [inProcess, queued] = ['in-process', 'queued'].map((way) => `${folder}-${way}`);
    const workers = [await startTestWorker(redis), await startTestWorker(redis)];
    try {
      const [, queueOutput] = await Promise.all([analyse(folder, `${inProcess}.csv`, undefined, inProcess), analyse(folder, `${queued}.csv`, redis.url, queued)]);
      assert.match(queueOutput, /20 scans under .*20 queued now, 0 queued before/);
      const expected = csvRows(`${inProcess}.csv`), got = csvRows(`${queued}.csv`);
      assertOneRowPerFile(got, 20);
      assert.deepEqual(got, expected);
      assert.ok(expected.some((row) => row.kind === 'dicom-series') && expected.filter((row) => row.error).length >= 2);
      assert.ok(expected.some((row) => row.file === `volumes/${VOLUME}` && row.label === 'Tumor' && !row.error));
      // the workers wrote the masks, the same as in process, one per scan with a result
      const masks = filesUnder(queued);
      assert.deepEqual(masks, filesUnder(inProcess));
      assert.equal(Object.keys(masks).length, expected.filter((row) => !row.error).length);
      for (const worker of workers) assert.match(worker.output(), / scan [0-9a-f]{12}: /);
      const everything = [queueOutput, ...workers.map((worker) => worker.output()), readFileSync(`${queued}.csv`, 'utf8')].join('\n');
      assert.ok(!everything.includes(password), 'the password was printed');
    } finally {
      await stopWorkers(workers);
    }
  });
});

const openQueue = (redis: RedisProcess) => new Queue(SCAN_QUEUE, { connection: { url: redis.url, maxRetriesPerRequest: null } });

/** The id of the job analysing the real head, once a worker has it in hand. */
async function volumeInHand(queue: Queue): Promise<string> {
  let id = '';
  await until('a worker to take the volume', async () => {
    id = (await queue.getActive()).find((job) => job.data.scan.kind === 'nifti')?.id ?? '';
    return Boolean(id);
  });
  return id;
}

const dataRows = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length - 1 : 0);

test('a worker killed with kill -9 in the middle of a volume gives it back: another worker finishes the cohort, one row per file', { skip, timeout: 180_000 }, async () => {
  await withRedis({}, async (redis) => {
    const folder = pictureCohort(2, true), out = `${folder}.csv`;
    const queue = openQueue(redis);
    const workers = [await startTestWorker(redis)];
    const run = runScript('analyse', analyseArgs(folder, out, redis.url));
    try {
      const volumeJob = await volumeInHand(queue);
      await sleep(1000);
      workers[0].child.kill('SIGKILL');
      await workers[0].exited;
      workers.push(await startTestWorker(redis));
      assert.equal(await run.exited, 0, run.output());
      const rows = csvRows(out);
      assertOneRowPerFile(rows, 3);
      assert.deepEqual(rows.map((row) => [row.label, row.error]), [['Tumor', ''], ['No Tumor', ''], ['Tumor', '']]);
      // the dead worker never finished the volume; the second one did
      assert.ok(!workers[0].output().includes(`scan ${volumeJob.slice(0, 12)}:`), workers[0].output());
      assert.match(workers[1].output(), new RegExp(`scan ${volumeJob.slice(0, 12)}: Tumor`));
    } finally {
      await queue.close();
      await stopWorkers(workers);
    }
  });
});

test('Redis stopped for 5 s in the middle of a volume and started again (append-only file): the cohort completes, one row per file', { skip, timeout: 180_000 }, async () => {
  await withRedis({ appendOnly: true }, async (redis) => {
    const folder = pictureCohort(6, true), out = `${folder}.csv`;
    const queue = openQueue(redis);
    const workers = [await startTestWorker(redis)];
    const run = runScript('analyse', analyseArgs(folder, out, redis.url));
    try {
      await volumeInHand(queue);
      await queue.close();
      await redis.stop();
      await sleep(5000);
      await redis.start();
      assert.equal(await run.exited, 0, run.output());
      const rows = csvRows(out);
      assertOneRowPerFile(rows, 7);
      assert.ok(rows.every((row) => row.sha256.length === 64));
      assert.equal(rows.find((row) => row.file === VOLUME)?.label, 'Tumor');
      assert.equal(workers[0].child.exitCode, null, 'the worker survived the restart');
    } finally {
      await stopWorkers(workers);
    }
  });
});

test('analyse stopped with Ctrl-C and run again: the cohort completes, nothing queued twice, no row twice, nothing left in Redis', { skip, timeout: 180_000 }, async () => {
  await withRedis({}, async (redis) => {
    const folder = pictureCohort(10, true), out = `${folder}.csv`;
    const workers = [await startTestWorker(redis)];
    try {
      const first = runScript('analyse', analyseArgs(folder, out, redis.url));
      await until('the first row', () => dataRows(out) >= 1);
      first.child.kill('SIGINT');
      assert.equal(await first.exited, 130, first.output());
      assert.match(first.output(), /11 queued now, 0 queued before/);
      const again = await analyse(folder, out, redis.url);
      const [, already, before] = /(\d+) already in .*: 0 queued now, (\d+) queued before/.exec(again) ?? [];
      assert.ok(Number(already) >= 1 && Number(before) === 11 - Number(already), again);
      assertOneRowPerFile(csvRows(out), 11);
      const queue = openQueue(redis);
      // every row is in the CSV: the cohort's jobs, and the paths in them, are gone from Redis
      assert.deepEqual(Object.values(await queue.getJobCounts()).filter(Boolean), []);
      await queue.close();
    } finally {
      await stopWorkers(workers);
    }
  });
});

test('50 scans, 3 workers started after they were queued: every worker takes scans; --status counts the queue', { skip, timeout: 180_000 }, async () => {
  await withRedis({}, async (redis) => {
    const folder = pictureCohort(50), out = `${folder}.csv`;
    const queue = openQueue(redis);
    // held until all three are up: the first worker to load its model would otherwise finish before the others start
    await queue.pause();
    const run = runScript('analyse', analyseArgs(folder, out, redis.url));
    const workers: Running[] = [];
    try {
      await until('the cohort to be queued', () => /50 queued now/.test(run.output()));
      const status = runScript('analyse', ['--queue', redis.url, '--status']);
      assert.equal(await status.exited, 0, status.output());
      assert.match(status.output(), /: 50 queued, 0 active, 0 done \(results not yet in a CSV\), 0 failed; 0 workers connected/);
      workers.push(...(await Promise.all([startTestWorker(redis), startTestWorker(redis), startTestWorker(redis)])));
      await queue.resume();
      assert.equal(await run.exited, 0, run.output());
      assertOneRowPerFile(csvRows(out), 50);
      const taken = workers.map((worker) => worker.output().match(/ scan [0-9a-f]{12}: /g)?.length ?? 0);
      assert.ok(taken.every((count) => count > 0), `scans taken by each worker: ${taken.join(', ')}`);
      assert.equal(taken.reduce((a, b) => a + b), 50);
    } finally {
      await queue.close();
      await stopWorkers(workers);
    }
  });
});

test('a scan its worker cannot see is tried again after a backoff and gets its real row; a job no worker can read fails at once', { skip, timeout: 120_000 }, async () => {
  await withRedis({}, async (redis) => {
    const folder = pictureCohort(1), out = `${folder}.csv`;
    const file = path.join(folder, readdirSync(folder)[0]);
    const queue = openQueue(redis);
    const run = runScript('analyse', analyseArgs(folder, out, redis.url));
    const workers: Running[] = [];
    try {
      await until('the cohort to be queued', () => /1 queued now/.test(run.output()));
      renameSync(file, `${file}.away`); // as if the shared folder were not yet mounted on the worker's machine
      workers.push(await startTestWorker(redis));
      await until('a first attempt to fail', async () => (await queue.getDelayed()).length === 1);
      const [delayed] = await queue.getDelayed();
      assert.equal(delayed.attemptsMade, 1);
      assert.match(delayed.failedReason, /^1 of the scan's 1 files are not at their path on .+: the cohort folder must be shared at the same path on every worker$/);
      renameSync(`${file}.away`, file);
      assert.equal(await run.exited, 0, run.output());
      assert.deepEqual(csvRows(out).map((row) => [row.label, row.error]), [['Tumor', '']]);

      const unreadable = await queue.add('scan', { scan: { name: 'from another version' } }, { attempts: 4, backoff: { type: 'exponential', delay: 2000 } });
      await until('the job to fail', () => unreadable.isFailed());
      const failed = (await queue.getJob(unreadable.id!))!;
      assert.equal(failed.attemptsMade, 1);
      assert.match(failed.failedReason, /^not a scan job of this version/);
    } finally {
      await queue.close();
      await stopWorkers(workers);
    }
  });
});
