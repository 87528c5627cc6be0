import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';
import { modelsDirectory, readManifest, type ModelManifest } from '../manifest';

// The only module that imports onnxruntime-node. Raw tensors stay here; callers get plain arrays.

export interface SlicePrediction {
  /** Tumour probability per pixel of the square model input, row-major. */
  maskProbability: Float32Array;
  /** Calibrated probability that the slice shows tumour. */
  sliceProbability: number;
}

export interface TumourModel {
  manifest: ModelManifest;
  inputSize: number;
  predict(input: Float32Array, count: number): Promise<SlicePrediction[]>;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const fromEnv = (name: string) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
};

/**
 * Worker threads with a session each; 0 (the default) keeps one session on the main thread. onnxruntime-node runs a
 * session synchronously on its thread, so workers keep the event loop free and let inferences overlap. Measured on
 * these 2 cores at concurrency 16: 0 workers 36 requests/s and 265 MB; 1 worker 37 and 350 MB; 2 workers 41 and
 * 436 MB (past the 400 MB budget). So the main thread by default, INFERENCE_WORKERS=2 where memory allows.
 */
export function inferenceWorkers(): number {
  return fromEnv('INFERENCE_WORKERS') ?? 0;
}

/** Threads of one session: every core (the model runs 1.4x faster on 2 threads than on 1: 17 ms against 24). */
export function inferenceThreads(): number {
  return fromEnv('INFERENCE_THREADS') ?? Math.max(1, os.availableParallelism());
}

/**
 * Waiting slices that run together as one batch. 1 by default: a batch of 4 takes 14 ms a slice against 17 ms alone
 * (2 threads, quiet machine), but the session's memory grows with the batch, about 130 MB at 4 (INFERENCE_BATCH=4).
 */
export function inferenceBatch(): number {
  return fromEnv('INFERENCE_BATCH') ?? 1;
}

/** Inferences worth handing to the model at once: one on the main thread, else enough for every worker to fill a batch. */
export function inferenceSlots(): number {
  return inferenceWorkers() > 0 ? inferenceWorkers() * inferenceBatch() : 1;
}

function sessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Spinning threads would steal the cores that decoding and rendering need between inferences.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

interface Outputs {
  masks: Float32Array;
  slices: Float32Array;
}

function toPredictions({ masks, slices }: Outputs, count: number, area: number): SlicePrediction[] {
  const predictions: SlicePrediction[] = [];
  for (let i = 0; i < count; i++) predictions.push({ maskProbability: masks.slice(i * area, (i + 1) * area), sliceProbability: slices[i] });
  return predictions;
}

function readVerifiedModel(directory: string): { manifest: ModelManifest; bytes: Buffer } {
  const manifest = readManifest(directory);
  const file = path.join(directory, manifest.model.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new ModelUnavailableError(`The model file ${file} named in models/manifest.json is missing.`);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.model.sha256) {
    throw new ModelUnavailableError(`${file} does not match the sha256 in models/manifest.json; re-export the model.`);
  }
  return { manifest, bytes };
}

/** A session on the calling thread: the server's default, and what the old design made for every request. */
async function createInThreadModel(directory: string): Promise<TumourModel> {
  const { manifest, bytes } = readVerifiedModel(directory);
  // imported here only: a server with worker sessions never maps the native library on its main thread
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, sessionOptions(inferenceThreads()));
  const size = manifest.normalisation.resize.size;
  return {
    manifest,
    inputSize: size,
    async predict(input, count) {
      const feeds = { [manifest.input.name]: new ort.Tensor('float32', input, [count, 3, size, size]) };
      const outputs = await session.run(feeds);
      const result = { masks: outputs[manifest.outputs.mask.name].data as Float32Array, slices: outputs[manifest.outputs.slice.name].data as Float32Array };
      const predictions = toPredictions(result, count, size * size);
      for (const tensor of Object.values(outputs)) tensor.dispose();
      return predictions;
    },
  };
}

// The worker: one session, one inference at a time, outputs copied out and handed over without a second copy.
// Plain CommonJS evaluated in the worker, so that no bundler has to know about a separate file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require('onnxruntime-node');
const { model, options, names } = workerData;
ort.InferenceSession.create(model, options).then((session) => {
  parentPort.on('message', async ({ input, dims }) => {
    try {
      const outputs = await session.run({ [names.input]: new ort.Tensor('float32', input, dims) });
      const masks = Float32Array.from(outputs[names.mask].data);
      const slices = Float32Array.from(outputs[names.slice].data);
      for (const tensor of Object.values(outputs)) tensor.dispose();
      parentPort.postMessage({ masks, slices }, [masks.buffer, slices.buffer]);
    } catch (error) {
      parentPort.postMessage({ error: String(error && error.message || error) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (error) => parentPort.postMessage({ error: String(error && error.message || error) }));
`;

interface Job {
  input: Float32Array;
  dims: number[];
  resolve(outputs: Outputs): void;
  reject(error: Error): void;
}

interface InferenceWorker {
  worker: Worker;
  /** The jobs in its current run: several waiting slices go through the model as one batch. */
  jobs: Job[];
}



/** Each job's share of a batched run's outputs. */
function split({ masks, slices }: Outputs, jobs: Job[]) {
  const area = masks.length / slices.length;
  let at = 0;
  for (const job of jobs) {
    const n = job.dims[0];
    job.resolve({ masks: masks.subarray(at * area, (at + n) * area), slices: slices.subarray(at, at + n) });
    at += n;
  }
}

/** Sessions in worker threads; a job waits for the first free one. */
class WorkerPool {
  private readonly maxBatch = inferenceBatch();
  private readonly idle: InferenceWorker[] = [];
  private readonly waiting: Job[] = [];
  private alive = 0;

  private constructor() {}

  static async start(manifest: ModelManifest, bytes: Buffer, workers: number, threads: number): Promise<WorkerPool> {
    const pool = new WorkerPool();
    const names = { input: manifest.input.name, mask: manifest.outputs.mask.name, slice: manifest.outputs.slice.name };
    await Promise.all(Array.from({ length: workers }, () => pool.spawn(new Uint8Array(bytes), sessionOptions(threads), names)));
    return pool;
  }

  private spawn(model: Uint8Array, options: InferenceSession.SessionOptions, names: Record<string, string>): Promise<void> {
    return new Promise((ready, failed) => {
      // the worker's own JavaScript is a few lines: a small heap is plenty
      const resourceLimits = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };
      const slot: InferenceWorker = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { model, options, names }, resourceLimits }), jobs: [] };
      let started = false;
      slot.worker.on('message', (message: { ready?: true; error?: string } & Partial<Outputs>) => {
        if (!started) {
          started = true;
          if (message.error) return failed(new ModelUnavailableError(`The model could not be loaded: ${message.error}`));
          this.alive++;
          this.release(slot);
          return ready();
        }
        const jobs = slot.jobs;
        slot.jobs = [];
        if (message.error) for (const job of jobs) job.reject(new Error(`Inference failed: ${message.error}`));
        else split(message as Outputs, jobs);
        this.release(slot);
      });
      const stopped = (reason: string) => {
        if (!started) {
          started = true;
          return failed(new ModelUnavailableError(`The inference worker could not start: ${reason}`));
        }
        this.alive--;
        for (const job of slot.jobs) job.reject(new ModelUnavailableError(`The inference worker stopped: ${reason}`));
        slot.jobs = [];
        if (this.alive === 0) for (const job of this.waiting.splice(0)) job.reject(new ModelUnavailableError('No inference worker is running.'));
      };
      slot.worker.on('error', (error) => stopped(error.message));
      slot.worker.on('exit', (code) => stopped(`exit code ${code}`));
    });
  }

  private release(slot: InferenceWorker) {
    const first = this.waiting.shift();
    if (!first) {
      slot.worker.unref(); // an idle pool does not keep a script that loaded the model from exiting
      return void this.idle.push(slot);
    }
    const jobs = [first];
    let count = first.dims[0];
    while (this.waiting.length && count + this.waiting[0].dims[0] <= this.maxBatch) {
      const next = this.waiting.shift()!;
      jobs.push(next);
      count += next.dims[0];
    }
    // one fresh buffer for the run (an input may be a view into a larger batch), handed over rather than copied again
    const input = new Float32Array(jobs.reduce((n, job) => n + job.input.length, 0));
    let offset = 0;
    for (const job of jobs) {
      input.set(job.input, offset);
      offset += job.input.length;
    }
    slot.jobs = jobs;
    slot.worker.ref();
    slot.worker.postMessage({ input, dims: [count, ...first.dims.slice(1)] }, [input.buffer]);
  }

  run(input: Float32Array, dims: number[]): Promise<Outputs> {
    if (this.alive === 0) return Promise.reject(new ModelUnavailableError('No inference worker is running.'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, dims, resolve, reject });
      const slot = this.idle.pop();
      if (slot) this.release(slot);
    });
  }

  get running(): boolean {
    return this.alive > 0;
  }
}

async function createPooledModel(directory: string): Promise<TumourModel & { pool: WorkerPool }> {
  const { manifest, bytes } = readVerifiedModel(directory);
  const pool = await WorkerPool.start(manifest, bytes, inferenceWorkers(), inferenceThreads());
  const size = manifest.normalisation.resize.size;
  return {
    manifest,
    inputSize: size,
    pool,
    async predict(input, count) {
      return toPredictions(await pool.run(input, [count, 3, size, size]), count, size * size);
    },
  };
}

const globalForModel = globalThis as unknown as { __tumourModel?: Promise<TumourModel & { pool?: WorkerPool }> };

/** One model per process, created on first use; concurrent first requests share the same load. */
export async function loadTumourModel(): Promise<TumourModel> {
  const current = globalForModel.__tumourModel;
  // a pool whose workers all died is replaced on the next request
  if (current && (await current.catch(() => null))?.pool?.running === false && globalForModel.__tumourModel === current) {
    globalForModel.__tumourModel = undefined;
  }
  const create = inferenceWorkers() > 0 ? createPooledModel : createInThreadModel;
  globalForModel.__tumourModel ??= create(modelsDirectory()).catch((error) => {
    globalForModel.__tumourModel = undefined; // a fixed deployment can retry
    throw error;
  });
  return globalForModel.__tumourModel;
}

/** For benchmarks: a fresh session on the calling thread, as the old design made on every request. */
export function createTumourModelUncached(directory = modelsDirectory()): Promise<TumourModel> {
  return createInThreadModel(directory);
}
