import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';
import { modelsDirectory, readManifest, type ModelManifest } from '../manifest';
import { startInferenceThread, type RawOutputs } from './inference-thread';

// The tumour model's manifest, checks and session; raw tensors stay in inference-thread.ts, callers get plain arrays.

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
  /** Stops the model's thread (for a script that made its own, uncached). */
  close(): Promise<void>;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const fromEnv = (name: string) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
};

/** Threads of one session: every core (the model runs 1.4x faster on 2 threads than on 1: 17 ms against 24). */
export function inferenceThreads(): number {
  return fromEnv('INFERENCE_THREADS') ?? Math.max(1, os.availableParallelism());
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

function toPredictions({ masks, slices }: RawOutputs, count: number, area: number): SlicePrediction[] {
  const predictions: SlicePrediction[] = [];
  // views, not copies: each run's outputs arrive in fresh buffers of their own
  for (let i = 0; i < count; i++) predictions.push({ maskProbability: masks.subarray(i * area, (i + 1) * area), sliceProbability: slices[i] });
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

/**
 * One session with every core, in a worker thread (inference-thread.ts) so that the event loop stays free. Measured
 * against two single-thread sessions in two workers (same run, 16 clients): 13.5 against 11.3 requests/s and 301
 * against 453 MB, so there is one.
 */
async function createModel(directory: string): Promise<TumourModel> {
  const { manifest, bytes } = readVerifiedModel(directory);
  const names = { input: manifest.input.name, mask: manifest.outputs.mask.name, slice: manifest.outputs.slice.name };
  const thread = await startInferenceThread(bytes, sessionOptions(inferenceThreads()), names);
  const size = manifest.normalisation.resize.size;
  return {
    manifest,
    inputSize: size,
    async predict(input, count) {
      return toPredictions(await thread.run(input, [count, 3, size, size]), count, size * size);
    },
    close: () => thread.close(),
  };
}

const globalForModel = globalThis as unknown as { __tumourModel?: Promise<TumourModel> };

/** One model per process, created on first use; concurrent first requests share the same load. */
export async function loadTumourModel(): Promise<TumourModel> {
  globalForModel.__tumourModel ??= createModel(modelsDirectory()).catch((error) => {
    globalForModel.__tumourModel = undefined; // a fixed deployment can retry
    throw error;
  });
  return globalForModel.__tumourModel;
}

/** For benchmarks: a fresh session, as the old design made on every request. */
export function createTumourModelUncached(directory = modelsDirectory()): Promise<TumourModel> {
  return createModel(directory);
}
