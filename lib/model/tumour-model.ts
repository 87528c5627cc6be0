import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
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

export function inferenceThreads(): number {
  const fromEnv = Number(process.env.INFERENCE_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, os.availableParallelism());
}

async function createModel(directory: string): Promise<TumourModel> {
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
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: inferenceThreads(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Spinning threads would steal the cores that decoding and rendering need between inferences.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const size = manifest.normalisation.resize.size;
  const area = size * size;

  return {
    manifest,
    inputSize: size,
    async predict(input, count) {
      const feeds = { [manifest.input.name]: new ort.Tensor('float32', input, [count, 3, size, size]) };
      const outputs = await session.run(feeds);
      const masks = outputs[manifest.outputs.mask.name].data as Float32Array;
      const slices = outputs[manifest.outputs.slice.name].data as Float32Array;
      const predictions: SlicePrediction[] = [];
      for (let i = 0; i < count; i++) {
        predictions.push({ maskProbability: masks.slice(i * area, (i + 1) * area), sliceProbability: slices[i] });
      }
      for (const tensor of Object.values(outputs)) tensor.dispose();
      return predictions;
    },
  };
}

const globalForModel = globalThis as unknown as { __tumourModel?: Promise<TumourModel> };

/** One model per process, created on first use; concurrent first requests share the same load. */
export function loadTumourModel(): Promise<TumourModel> {
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
