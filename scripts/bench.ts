/**
 * Latency, throughput and memory of the production server, over HTTP on loopback, as ratios measured in one run.
 *
 *   npm run bench [-- --seconds 8] [-- --flood-seconds 30] [-- --cpu-prof DIR] [-- --cohort-volumes 8] [-- --cohort-only]
 *
 * Builds if .next is missing, starts `next start` on a free port, and measures the model alone in this process (the
 * served configuration, and one thread for comparison), the JSON API and the form's server action with a 256 x 256
 * slice at concurrency 1, 4 and 16, a 240 x 240 x 155 volume at concurrency 1, then a mixed flood: 8 clients sending
 * the largest allowed volume and 8 sending slices while /api/health is timed. It prints the ratios of the lean-path
 * targets and the flood's figures; the last line is one JSON object with all of them. Then the cohort command on copies of
 * the BRATS volume, in process and through the queue (a redis-server of its own): one worker, two one-thread workers, one
 * two-thread worker, and the queue's wait per job on an idle worker (--cohort-volumes 0 leaves it out, --cohort-only runs
 * only that).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiFormData, BOUNDARY, fixture, multipartBody, postApi, postSliceForm, sliceActionId, sliceFormRequest, type UploadFile } from '../testkit/client';
import { largestVolumeBody, mixedFlood, type FloodReport } from '../testkit/mixed-flood';
import { processMemory, startServer, type ServerProcess } from '../testkit/server-process';
import { chooseReadings, channelsFor } from '../lib/analysis/readings';
import { decodeImage } from '../lib/formats/open-image';
import { letterbox } from '../lib/imaging/letterbox';
import { toModelInput } from '../lib/imaging/normalise';
import { letterboxPixels } from '../lib/imaging/raster';
import { createTumourModelUncached, type TumourModel } from '../lib/model/tumour-model';
import { pauseTraining } from '../testkit/pause-training';
import { queueBench, type QueueBench } from '../testkit/queue-bench';
import { redisMissing } from '../testkit/redis-server';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const SECONDS = Number(option('--seconds') ?? 8);
const FLOOD_SECONDS = Number(option('--flood-seconds') ?? 30);
const CPU_PROFILE_DIR = option('--cpu-prof');
const COHORT_VOLUMES = Number(option('--cohort-volumes') ?? 8);
const CONCURRENCIES = [1, 4, 16];
const slice: UploadFile = { name: 'tumour-flair.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) };

interface Run {
  door: string;
  concurrency: number;
  latenciesMs: number[];
  errors: number;
  seconds: number;
  inferenceMs: number[];
  peakRssMb: number;
}

const quantile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);
const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

/** `concurrency` clients each sending one request after another for `seconds`; a request that is not a right answer is an error. */
async function load(server: ServerProcess, door: string, concurrency: number, seconds: number, send: () => Promise<{ ok: boolean; inferenceMs?: number }>): Promise<Run> {
  const run: Run = { door, concurrency, latenciesMs: [], errors: 0, seconds: 0, inferenceMs: [], peakRssMb: 0 };
  const sampler = setInterval(() => (run.peakRssMb = Math.max(run.peakRssMb, processMemory(server.pid).rssMb)), 100);
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < stopAt) {
      const sent = performance.now();
      try {
        const answer = await send();
        run.latenciesMs.push(performance.now() - sent);
        if (!answer.ok) run.errors++;
        if (answer.inferenceMs !== undefined) run.inferenceMs.push(answer.inferenceMs);
      } catch {
        run.errors++;
      }
    }
  }));
  run.seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  run.peakRssMb = Math.max(run.peakRssMb, processMemory(server.pid).rssMb);
  return run;
}

const viaApi = (server: ServerProcess) => async () => {
  const response = await postApi(server.url, apiFormData(slice));
  const body = await response.json();
  return { ok: response.status === 200 && body.label === 'Tumor', inferenceMs: body.timingsMs?.inference as number | undefined };
};

const viaForm = (server: ServerProcess, actionId: string) => async () => {
  const { status, outcome } = await postSliceForm(server.url, actionId, sliceFormRequest(slice));
  return { ok: status === 200 && outcome.status === 'done' && outcome.labels[0] === 'Tumor' };
};

async function volumeRoute(server: ServerProcess): Promise<boolean> {
  return (await fetch(`${server.url}/api/volume`, { method: 'POST' })).status !== 404;
}

const volumeSlicesAnalysed: number[] = [];
const viaVolumeApi = (server: ServerProcess) => async () => {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(readFileSync(fixture('brats-pat0001-flair.nii.gz')))]), 'brats-pat0001-flair.nii.gz');
  const response = await fetch(`${server.url}/api/volume`, { method: 'POST', body: form });
  const body = await response.json();
  if (response.status === 200) volumeSlicesAnalysed.push(body.slices.length);
  return { ok: response.status === 200 };
};

/** The model's input for the fixture, prepared exactly as analyseSlice prepares it. */
async function fixtureInput(model: TumourModel): Promise<Float32Array> {
  const image = await decodeImage(slice.buffer);
  const box = letterbox(image.width, image.height, model.inputSize);
  const [reading] = chooseReadings(image, false, 'auto');
  const pixels = await letterboxPixels(channelsFor(reading, image), image.width, image.height, box);
  return toModelInput(pixels, model.manifest.normalisation);
}

async function medianInferenceMs(model: TumourModel, input: Float32Array): Promise<number> {
  for (let i = 0; i < 5; i++) await model.predict(input, 1);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const started = performance.now();
    await model.predict(input, 1);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function modelAlone(): Promise<{ inferenceMs: number; oneThreadMs: number; loadAndInferMs: number[] }> {
  const model = await createTumourModelUncached();
  const input = await fixtureInput(model);
  const inferenceMs = await medianInferenceMs(model, input);
  await model.close();
  process.env.INFERENCE_THREADS = '1';
  const oneThread = await createTumourModelUncached();
  const oneThreadMs = await medianInferenceMs(oneThread, input);
  await oneThread.close();
  delete process.env.INFERENCE_THREADS;
  // the old Flask design: a new session for every request, then one inference
  const loadAndInferMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const fresh = await createTumourModelUncached();
    await fresh.predict(input, 1);
    loadAndInferMs.push(performance.now() - started);
    await fresh.close();
  }
  return { inferenceMs, oneThreadMs, loadAndInferMs };
}

function ensureBuild() {
  if (existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) return;
  console.log('No production build in .next: building (next build)...');
  execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

function row(run: Run) {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    rps: run.latenciesMs.length / run.seconds,
  };
}

function queueWait(bench: QueueBench) {
  const sorted = [...bench.overheadMs].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), jobs: sorted.length };
}

async function cohortFigures(): Promise<QueueBench | undefined> {
  if (COHORT_VOLUMES <= 0) return undefined;
  const missing = redisMissing();
  if (missing) {
    console.log(`\ncohort through the queue: not measured, ${missing}`);
    return undefined;
  }
  const bench = await queueBench(COHORT_VOLUMES);
  const wait = queueWait(bench);
  const perMinute = (x: number) => `${x.toFixed(1)}/min`;
  console.log(`\ncohort of ${bench.volumes} BRATS volumes (240x240x155), scans per minute as the command reports them`);
  console.log(`  in process ${perMinute(bench.inProcessPerMinute)}; through the queue, one worker ${perMinute(bench.oneWorkerPerMinute)}: ${(100 * bench.oneWorkerPerMinute / bench.inProcessPerMinute).toFixed(0)}% of in process (target >= 90%)`);
  console.log(`  two one-thread workers ${perMinute(bench.twoOneThreadWorkersPerMinute)}, one two-thread worker ${perMinute(bench.oneTwoThreadWorkerPerMinute)}`);
  console.log(`  queue wait per job on an idle worker (enqueue to start, ${wait.jobs} jobs): p50 ${ms(wait.p50)} ms, p99 ${ms(wait.p99)} ms`);
  return bench;
}

const cohortJson = (bench: QueueBench | undefined) => bench && {
  volumes: bench.volumes, in_process_per_minute: bench.inProcessPerMinute, one_worker_per_minute: bench.oneWorkerPerMinute,
  one_worker_of_in_process: +(bench.oneWorkerPerMinute / bench.inProcessPerMinute).toFixed(3),
  two_one_thread_workers_per_minute: bench.twoOneThreadWorkersPerMinute, one_two_thread_worker_per_minute: bench.oneTwoThreadWorkerPerMinute,
  queue_wait_p50_ms: queueWait(bench).p50, queue_wait_p99_ms: queueWait(bench).p99,
};

async function main() {
  if (process.argv.includes('--cohort-only')) {
    console.log(JSON.stringify({ cohort: cohortJson(await cohortFigures()) }));
    return;
  }
  ensureBuild();
  // the model alone first, while nothing else runs on the cores
  const alone = await modelAlone();

  const server = await startServer({ nodeArgs: CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`] : [] });
  const runs: Run[] = [];
  let volumeAvailable = false;
  let peakRssMb = 0;
  try {
    const actionId = await sliceActionId(server.url);
    await load(server, 'warm-up', 4, 3, viaApi(server));
    await load(server, 'warm-up', 4, 2, viaForm(server, actionId));
    for (const concurrency of CONCURRENCIES) {
      runs.push(await load(server, 'API', concurrency, SECONDS, viaApi(server)));
      runs.push(await load(server, 'form', concurrency, SECONDS, viaForm(server, actionId)));
    }
    volumeAvailable = await volumeRoute(server);
    if (volumeAvailable) runs.push(await load(server, 'volume API', 1, Math.max(SECONDS, 10), viaVolumeApi(server)));
  } finally {
    peakRssMb = processMemory(server.pid).peakRssMb;
    await server.stop();
  }
  // the flood on a fresh server, so that its peak is its own
  let flood: FloodReport | undefined;
  if (FLOOD_SECONDS > 0) {
    const floodServer = await startServer();
    try {
      const sliceBody = multipartBody([{ name: 'flair', filename: slice.name, contentType: slice.mimeType, data: slice.buffer }], BOUNDARY);
      flood = await mixedFlood(floodServer, { seconds: FLOOD_SECONDS, volumeClients: 8, sliceClients: 8, volumeBody: await largestVolumeBody(), sliceBody });
    } finally {
      await floodServer.stop();
    }
  }

  const serverInferenceMs = median(runs.filter((r) => r.door === 'API' && r.concurrency === 1).flatMap((r) => r.inferenceMs));
  console.log(`\nserver: next start, one process; ${SECONDS} s a run; slice ${slice.name} (256x256 PNG); machine: ${(await import('node:os')).availableParallelism()} cores`);
  console.log('door        conc   requests   p50 ms   p95 ms   p99 ms      rps   errors   peak RSS MB');
  for (const run of runs) {
    const r = row(run);
    console.log(`${run.door.padEnd(11)} ${String(run.concurrency).padStart(4)} ${String(run.latenciesMs.length).padStart(10)} ${ms(r.p50).padStart(8)} ${ms(r.p95).padStart(8)} ${ms(r.p99).padStart(8)} ${r.rps.toFixed(1).padStart(8)} ${String(run.errors).padStart(8)} ${run.peakRssMb.toFixed(0).padStart(13)}`);
  }
  if (!volumeAvailable) console.log('volume API: /api/volume does not exist in this build; not measured');
  const c1 = row(runs.find((r) => r.door === 'API' && r.concurrency === 1)!);
  const form1 = row(runs.find((r) => r.door === 'form' && r.concurrency === 1)!);
  const c16run = runs.find((r) => r.door === 'API' && r.concurrency === 16)!;
  const c16 = row(c16run);
  const volumeRun = runs.find((r) => r.door === 'volume API');
  const slicePeakMb = Math.max(...runs.filter((r) => r.door !== 'volume API').map((r) => r.peakRssMb));
  const ceiling = 1000 / alone.inferenceMs; // one session with every core, as served
  const ratios = {
    api_not_inference: (c1.p50 - serverInferenceMs) / c1.p50,
    form_not_inference: (form1.p50 - serverInferenceMs) / form1.p50,
    api_c16_of_ceiling: c16.rps / ceiling,
    volume_wall_of_model: volumeRun && volumeSlicesAnalysed.length
      ? median(volumeRun.latenciesMs) / (median(volumeSlicesAnalysed) * alone.inferenceMs) : NaN,
  };
  const percent = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '-');
  console.log(`\nmodel alone (in-process, median of 40): ${ms(alone.inferenceMs)} ms with ${(await import('node:os')).availableParallelism()} threads (served), ${ms(alone.oneThreadMs)} ms with 1; inside the server at concurrency 1: ${ms(serverInferenceMs)} ms`);
  console.log(`old design, a new session per request (create + one inference): median ${ms(median(alone.loadAndInferMs))} ms (${alone.loadAndInferMs.map(ms).join(', ')})`);
  console.log('\nratio                                                        measured   target');
  console.log(`API, concurrency 1: share of p50 that is not inference        ${percent(ratios.api_not_inference).padStart(8)}   <= 25%`);
  console.log(`form, concurrency 1: share of p50 that is not inference       ${percent(ratios.form_not_inference).padStart(8)}   <= 35%`);
  console.log(`API, concurrency 16: requests/s of the model's ceiling        ${percent(ratios.api_c16_of_ceiling).padStart(8)}   >= 85%   (${c16.rps.toFixed(1)} of ${ceiling.toFixed(1)}/s)`);
  console.log(`volume (240x240x155): wall time over slices x model_ms         ${Number.isFinite(ratios.volume_wall_of_model) ? ratios.volume_wall_of_model.toFixed(2) : '-'}x   <= 1.1x`);
  console.log(`peak RSS, slices / with volumes                               ${slicePeakMb.toFixed(0)} / ${peakRssMb.toFixed(0)} MB   <= 300 / 450 MB`);
  if (flood) {
    console.log(`\nmixed flood, ${flood.seconds.toFixed(0)} s: 8 clients of the largest volume (512x512x300 int16) and 8 of slices`);
    console.log(`  answered: ${flood.volumesPerMinute.toFixed(1)} volumes/min, ${flood.slicesPerMinute.toFixed(0)} slices/min; told to retry (503): ${flood.volumes.busy} volume and ${flood.slices.busy} slice requests; other: ${JSON.stringify({ ...flood.volumes.other, ...flood.slices.other })}`);
    console.log(`  /api/health p99 ${ms(flood.healthP99Ms)} ms (max ${ms(flood.healthMaxMs)}, target <= 500); event loop delay max ${ms(flood.eventLoopMaxMs)} ms; peak RSS ${flood.peakRssMb.toFixed(0)} MB (target <= 600)`);
  }
  const cohort = await cohortFigures();
  console.log(JSON.stringify({
    p50_ms: +c16.p50.toFixed(1), p95_ms: +c16.p95.toFixed(1), p99_ms: +c16.p99.toFixed(1), rps: +c16.rps.toFixed(1),
    concurrency: 16, errors: c16run.errors, rss_mb: Math.round(c16run.peakRssMb), model_ms: +alone.inferenceMs.toFixed(1),
    model_ms_one_thread: +alone.oneThreadMs.toFixed(1), api_c1_p50_ms: +c1.p50.toFixed(1), form_c1_p50_ms: +form1.p50.toFixed(1),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number.isFinite(v) ? +v.toFixed(3) : null])),
    peak_rss_slices_mb: Math.round(slicePeakMb), peak_rss_all_mb: Math.round(peakRssMb),
    flood: flood && { seconds: +flood.seconds.toFixed(0), volumes_per_minute: +flood.volumesPerMinute.toFixed(1), slices_per_minute: +flood.slicesPerMinute.toFixed(0),
      health_p99_ms: +flood.healthP99Ms.toFixed(0), event_loop_max_ms: flood.eventLoopMaxMs, peak_rss_mb: Math.round(flood.peakRssMb), volumes: flood.volumes, slices: flood.slices },
    cohort: cohortJson(cohort),
  }));
}

// a training run on this machine would take the cores being measured: paused for the run, continued however it ends
const resumeTraining = pauseTraining();
try {
  await main();
} finally {
  resumeTraining();
}
