import os from 'node:os';
import path from 'node:path';
import { modelsDirectory, readManifest, type ModelManifest } from './manifest';
import { readVerifiedModel, sessionOptions } from './model-file';
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

/** Threads of one session: every core (the model runs faster on 2 threads than on 1; docs/performance.md). */
function inferenceThreads(): number {
  return fromEnv('INFERENCE_THREADS') ?? Math.max(1, os.availableParallelism());
}

function toPredictions({ masks, slices }: RawOutputs, count: number, area: number): SlicePrediction[] {
  const predictions: SlicePrediction[] = [];
  // views, not copies: each run's outputs arrive in fresh buffers of their own
  for (let i = 0; i < count; i++) predictions.push({ maskProbability: masks.subarray(i * area, (i + 1) * area), sliceProbability: slices[i] });
  return predictions;
}

/**
 * One session with every core, in a worker thread (inference-thread.ts) so that the event loop stays free. Two
 * single-thread sessions in two workers served fewer requests with more memory (docs/performance.md), so there is one.
 */
async function createModel(directory: string): Promise<TumourModel> {
  const manifest = readManifest(directory);
  const bytes = readVerifiedModel(path.join(directory, manifest.model.file), manifest.model.sha256, 'models/manifest.json', 're-export the model');
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
