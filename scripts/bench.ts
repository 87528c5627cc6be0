/**
 * Latency, throughput and memory of the production server, over HTTP on loopback.
 *
 *   npm run bench [-- --seconds 8] [-- --cpu-prof DIR]
 *
 * Builds if .next is missing, starts `next start` on a free port, and measures the JSON API and the form's server
 * action with a 256 x 256 slice at concurrency 1, 4 and 16, a volume at concurrency 1 when /api/volume exists, the
 * model alone in this process, and the old design's cost of loading the model for every request. The last line is
 * one JSON object for the concurrency-16 API run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiFormData, fixture, postApi, postSliceForm, sliceActionId, sliceFormRequest, type UploadFile } from '../e2e/client';
import { processMemory, startServer, type ServerProcess } from '../e2e/server-process';
import { chooseReadings, channelsFor } from '../lib/analysis/readings';
import { decodeImage } from '../lib/imaging/decode';
import { letterbox } from '../lib/imaging/letterbox';
import { toModelInput } from '../lib/imaging/normalise';
import { letterboxPixels } from '../lib/imaging/raster';
import { createTumourModelUncached, type TumourModel } from '../lib/model/tumour-model';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const SECONDS = Number(option('--seconds') ?? 8);
const CPU_PROFILE_DIR = option('--cpu-prof');
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

const viaVolumeApi = (server: ServerProcess) => async () => {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(readFileSync(fixture('brats-pat0001-flair.nii.gz')))]), 'brats-pat0001-flair.nii.gz');
  const response = await fetch(`${server.url}/api/volume`, { method: 'POST', body: form });
  await response.arrayBuffer();
  return { ok: response.status === 200 };
};

/** The model's input for the fixture, prepared exactly as analyzeSlice prepares it. */
async function fixtureInput(model: TumourModel): Promise<Float32Array> {
  const image = await decodeImage(slice.buffer);
  const box = letterbox(image.width, image.height, model.inputSize);
  const [reading] = chooseReadings(image, false, 'auto');
  const pixels = await letterboxPixels(channelsFor(reading, image), image.width, image.height, box);
  return toModelInput(pixels, model.manifest.normalisation);
}

async function modelAlone(): Promise<{ inferenceMs: number; loadAndInferMs: number[] }> {
  const model = await createTumourModelUncached();
  const input = await fixtureInput(model);
  for (let i = 0; i < 5; i++) await model.predict(input, 1);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const started = performance.now();
    await model.predict(input, 1);
    times.push(performance.now() - started);
  }
  // the old Flask design: a new session for every request, then one inference
  const loadAndInferMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const fresh = await createTumourModelUncached();
    await fresh.predict(input, 1);
    loadAndInferMs.push(performance.now() - started);
  }
  return { inferenceMs: median(times), loadAndInferMs };
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

async function main() {
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

  const serverInferenceMs = median(runs.filter((r) => r.door === 'API' && r.concurrency === 1).flatMap((r) => r.inferenceMs));
  console.log(`\nserver: next start, one process; ${SECONDS} s a run; slice ${slice.name} (256x256 PNG); machine: ${(await import('node:os')).availableParallelism()} cores`);
  console.log('door        conc   requests   p50 ms   p95 ms   p99 ms      rps   errors   peak RSS MB');
  for (const run of runs) {
    const r = row(run);
    console.log(`${run.door.padEnd(11)} ${String(run.concurrency).padStart(4)} ${String(run.latenciesMs.length).padStart(10)} ${ms(r.p50).padStart(8)} ${ms(r.p95).padStart(8)} ${ms(r.p99).padStart(8)} ${r.rps.toFixed(1).padStart(8)} ${String(run.errors).padStart(8)} ${run.peakRssMb.toFixed(0).padStart(13)}`);
  }
  if (!volumeAvailable) console.log('volume API: /api/volume does not exist in this build; not measured');
  const c1 = row(runs.find((r) => r.door === 'API' && r.concurrency === 1)!);
  const c16run = runs.find((r) => r.door === 'API' && r.concurrency === 16)!;
  const c16 = row(c16run);
  console.log(`\nmodel alone (in-process, median of 40): ${ms(alone.inferenceMs)} ms; inside the server at concurrency 1: ${ms(serverInferenceMs)} ms`);
  console.log(`not inference at concurrency 1 (API): ${ms(c1.p50 - serverInferenceMs)} ms of ${ms(c1.p50)} ms p50 = ${((100 * (c1.p50 - serverInferenceMs)) / c1.p50).toFixed(0)}%`);
  console.log(`old design, a new session per request (create + one inference): median ${ms(median(alone.loadAndInferMs))} ms (${alone.loadAndInferMs.map(ms).join(', ')})`);
  const slicePeakMb = Math.max(...runs.filter((r) => r.door !== 'volume API').map((r) => r.peakRssMb));
  console.log(`peak RSS of the server: ${slicePeakMb.toFixed(0)} MB over the slice runs, ${peakRssMb.toFixed(0)} MB over everything (VmHWM)`);
  console.log(`targets: p50 < 40 ms at concurrency 1 (${ms(c1.p50)}); rps at 16 >= ${(0.8 * 1000 / alone.inferenceMs).toFixed(1)} (80% of 1000/model_ms) (${c16.rps.toFixed(1)}); errors 0 (${runs.reduce((n, r) => n + r.errors, 0)}); RSS < 400 MB (${slicePeakMb.toFixed(0)})`);
  console.log(JSON.stringify({
    p50_ms: +c16.p50.toFixed(1), p95_ms: +c16.p95.toFixed(1), p99_ms: +c16.p99.toFixed(1), rps: +c16.rps.toFixed(1),
    concurrency: 16, errors: c16run.errors, rss_mb: Math.round(c16run.peakRssMb), model_ms: +alone.inferenceMs.toFixed(1),
  }));
}

await main();
