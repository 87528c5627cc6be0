/**
 * The cohort command: every scan under a folder through the server's own code, one CSV row each.
 *
 *   npm run analyse -- <folder> --out results.csv [--masks <dir>] [--queue redis://HOST:PORT]
 *   npm run analyse -- --queue redis://HOST:PORT --status
 *
 * Scans: each PNG, JPEG, TIFF or WebP picture, each NIfTI file (.nii, .nii.gz), each DICOM series (files grouped by
 * SeriesInstanceUID wherever they lie; a lone DICOM image is read as a slice). A bad file becomes a row with its error.
 * Stop it any time (Ctrl-C): run the same command again and it skips every scan already in the CSV.
 * With --queue the scans go to a Redis queue and any number of workers (npm run worker) analyse them (docs/deploy.md);
 * without it everything runs in this process, and no Redis is needed.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { analyseScan } from '../lib/cohort/analyse-scan';
import { findScans } from '../lib/cohort/find-scans';
import { writeMask } from '../lib/cohort/mask-file';
import { openResults } from '../lib/cohort/results-csv';
import { loadTumourModel } from '../lib/model/tumour-model';
import { CohortQueue } from '../lib/queue/cohort-queue';
import { queueConnection, refusedAccess, type QueueConnection } from '../lib/queue/redis-url';

interface Options {
  folder: string;
  out: string;
  masks?: string;
  queue?: string;
  status: boolean;
}

const USAGE = 'usage: npm run analyse -- <folder> --out results.csv [--masks <dir>] [--queue redis://HOST:PORT]\n       npm run analyse -- --queue redis://HOST:PORT --status';

function parseArguments(argv: string[]): Options {
  const options: Partial<Options> = { status: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') options.out = argv[++i];
    else if (argv[i] === '--masks') options.masks = argv[++i];
    else if (argv[i] === '--queue') options.queue = argv[++i];
    else if (argv[i] === '--status') options.status = true;
    else if (argv[i] === '--help' || argv[i] === '-h') throw new Error(USAGE);
    else if (!argv[i].startsWith('--') && !options.folder) options.folder = argv[i];
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  if (options.status) {
    if (!options.queue) throw new Error(`--status reads the queue: give it with --queue\n${USAGE}`);
    return options as Options;
  }
  if (!options.folder || !options.out) throw new Error(USAGE);
  if (!statSync(options.folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${options.folder} is not a folder\n${USAGE}`);
  return options as Options;
}

const minutes = (ms: number) => ms / 60000;

function progressBar(format: string) {
  return new cliProgress.SingleBar({ format, hideCursor: true, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
}

/** Ctrl-C: stop after what is in hand; the same command again resumes. */
function stopOnInterrupt(message: string): () => boolean {
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
    console.error(`\n${message}`);
  });
  return () => stopping;
}

function scansUnder(options: Options) {
  const found = findScans(options.folder, (file) => new Uint8Array(readFileSync(file)));
  const results = openResults(options.out);
  const todo = found.scans.filter((scan) => !results.done.has(scan.name));
  return { ...found, results, todo, already: found.scans.length - todo.length };
}

async function inProcess(options: Options) {
  const model = await loadTumourModel(); // a missing model stops the run here, not as an error row per scan
  const { scans, skipped, results, todo, already } = scansUnder(options);
  console.error(`${scans.length} scans under ${options.folder} (${skipped} other files skipped); ${already} already in ${options.out}, ${todo.length} to analyse with ${model.manifest.model.name} v${model.manifest.model.version}.`);

  const bar = progressBar('{bar} {value}/{total} scans | {rate} scans/min | ETA {eta_formatted} | {scan}');
  const started = performance.now();
  let analysed = 0, errors = 0;
  const stopped = stopOnInterrupt('Stopping after the scan in hand; run the same command again to resume.');
  bar.start(scans.length, already, { rate: '-', scan: '' });
  for (const scan of todo) {
    if (stopped()) break;
    bar.update({ scan: scan.name.slice(-50) });
    const { row, mask } = await analyseScan(scan, model.manifest.model.version, Boolean(options.masks));
    if (mask && options.masks) writeMask(options.masks, scan, mask);
    results.append(row);
    analysed++;
    if (row.error) errors++;
    bar.increment({ rate: (analysed / minutes(performance.now() - started)).toFixed(1) });
  }
  bar.stop();
  const elapsed = performance.now() - started;
  console.error(`Analysed ${analysed} scans (${errors} with errors) in ${(elapsed / 1000).toFixed(1)} s: ${analysed ? (analysed / minutes(elapsed)).toFixed(1) : '0'} scans per minute. Results in ${options.out}${options.masks ? `, masks in ${options.masks}` : ''}.`);
  if (stopped()) process.exitCode = 130;
}

async function openQueue(connection: QueueConnection): Promise<CohortQueue> {
  let lastError = '';
  return CohortQueue.open(connection, (error) => {
    const refused = refusedAccess(error, connection.shown);
    if (refused) {
      console.error(refused);
      process.exit(1);
    }
    // Redis going away repeats the same error on every reconnect: say it once
    if (error.message !== lastError) console.error(`\nThe queue at ${connection.shown}: ${error.message}; waiting for it to come back.`);
    lastError = error.message;
  });
}

async function throughQueue(options: Options, connection: QueueConnection) {
  const { scans, skipped, results, todo, already } = scansUnder(options);
  // workers on other machines see the same files at the same absolute paths
  const cohort = { folder: path.resolve(options.folder), out: path.resolve(options.out), masks: options.masks ? path.resolve(options.masks) : null };
  const queue = await openQueue(connection);
  const stopped = stopOnInterrupt('Stopping: the workers go on with the queued scans, and the same command again writes what they finish.');
  const { jobs, queued } = await queue.enqueue(cohort, todo);
  console.error(`${scans.length} scans under ${options.folder} (${skipped} other files skipped); ${already} already in ${options.out}, ${todo.length} to analyse through the queue at ${connection.shown}: ${queued} queued now, ${todo.length - queued} queued before.`);

  const bar = progressBar('{bar} {value}/{total} scans | {errors} errors | {active} in progress | {rate} scans/min | ETA {eta_formatted}');
  const started = performance.now();
  let written = 0, errors = 0;
  bar.start(scans.length, already, { rate: '-', errors: 0, active: '-' });
  await queue.collect(cohort, jobs, (row) => {
    if (!results.append(row)) return; // delivered twice: one row per file and content
    written++;
    if (row.error) errors++;
    bar.increment({ errors, rate: (written / minutes(performance.now() - started)).toFixed(1) });
  }, (active) => bar.update({ active }), stopped);
  bar.stop();
  const elapsed = performance.now() - started;
  console.error(`Wrote ${written} rows (${errors} with errors) in ${(elapsed / 1000).toFixed(1)} s: ${written ? (written / minutes(elapsed)).toFixed(1) : '0'} scans per minute across the workers. Results in ${options.out}${options.masks ? `, masks in ${options.masks}` : ''}.`);
  if (stopped()) {
    process.exitCode = 130;
  } else {
    await queue.removeCohort(cohort); // every row is in the CSV: the paths and results leave Redis
  }
  await queue.close();
}

async function printStatus(connection: QueueConnection) {
  const queue = await openQueue(connection);
  const counts = await queue.counts();
  console.log(`${connection.shown}: ${counts.queued} queued, ${counts.active} active, ${counts.done} done (results not yet in a CSV), ${counts.failed} failed; ${counts.workers ?? 'unknown'} workers connected.`);
  await queue.close();
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (!options.queue) return inProcess(options);
  const connection = queueConnection(options.queue);
  return options.status ? printStatus(connection) : throughQueue(options, connection);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
