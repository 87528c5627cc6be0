import path from 'node:path';
import { ModelUnavailableError } from '../errors';
import { modelsDirectory, readGuardManifest, readManifest, type GuardManifest } from './manifest';
import { readVerifiedModel, sessionOptions } from './model-file';

// The guard's classifier (models/guard.onnx, written by training/guard_train.py with models/guard.json). Like
// inference-thread.ts, the only other module that loads onnxruntime-node: callers get probabilities, never tensors. It
// runs on the event loop: its networks are small enough to take a few milliseconds there (docs/performance.md).

/** How likely the picture is each kind of thing; the three add up to 1. */
export interface GuardScores {
  axialFlair: number;
  otherMri: number;
  notMri: number;
}

export interface GuardModel {
  manifest: GuardManifest;
  /** Side of the square input (64): the model square averaged over cells. */
  inputSize: number;
  classify(input: Float32Array): Promise<GuardScores>;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';

/** The guard averages the model square over cells of whole pixels: its input side must divide the square. */
export function checkGuardSide(square: number, side: number): void {
  if (!Number.isInteger(square / side)) {
    throw new ModelUnavailableError(`The guard's input side ${side} does not divide the model square ${square}: re-export the guard.`);
  }
}

async function createGuardModel(directory: string): Promise<GuardModel> {
  const manifest = readGuardManifest(directory);
  checkGuardSide(readManifest(directory).input.shape[2], manifest.input.shape[2]);
  const bytes = readVerifiedModel(path.join(directory, manifest.model.file), manifest.model.sha256, 'models/guard.json', 're-export the guard');
  const ort = await import('onnxruntime-node');
  // one thread is enough for networks this small; a second would compete with the inference threads
  const session = await ort.InferenceSession.create(bytes, sessionOptions(1));
  const size = manifest.input.shape[2];
  return {
    manifest,
    inputSize: size,
    async classify(input) {
      const outputs = await session.run({ [manifest.input.name]: new ort.Tensor('float32', input, [1, 3, size, size]) });
      const probabilities = outputs[manifest.output.name].data as Float32Array;
      const scores = { axialFlair: probabilities[0], otherMri: probabilities[1], notMri: probabilities[2] };
      for (const tensor of Object.values(outputs)) tensor.dispose();
      return scores;
    },
  };
}

const globalForGuard = globalThis as unknown as { __guardModel?: Promise<GuardModel> };

/** One guard session per process, created on first use; concurrent first requests share the load. */
export function loadGuardModel(): Promise<GuardModel> {
  globalForGuard.__guardModel ??= createGuardModel(modelsDirectory()).catch((error) => {
    globalForGuard.__guardModel = undefined; // a fixed deployment can retry
    throw error;
  });
  return globalForGuard.__guardModel;
}
