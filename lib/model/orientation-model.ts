import path from 'node:path';
import { ModelUnavailableError } from '../errors';
import { modelsDirectory, readGuardManifest, readOrientationManifest, type OrientationManifest } from './manifest';
import { readVerifiedModel, sessionOptions } from './model-file';

// The orientation reader (models/orientation.onnx, written by training/orientation_train.py with models/orientation.json):
// which way up an uploaded slice is. It reads the guard's own input and, like the guard, runs on the event loop.

export interface OrientationModel {
  manifest: OrientationManifest;
  /** The five class probabilities: upright, turned 90, 180 and 270 degrees counter-clockwise, do not turn. */
  read(input: Float32Array): Promise<Float32Array>;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';

async function createOrientationModel(directory: string): Promise<OrientationModel> {
  const manifest = readOrientationManifest(directory);
  const guardSide = readGuardManifest(directory).input.shape[2];
  const side = manifest.input.shape[2];
  if (side !== guardSide) throw new ModelUnavailableError(`The orientation reader reads ${side}-pixel inputs and the guard ${guardSide}: export both from the same arrays.`);
  const bytes = readVerifiedModel(path.join(directory, manifest.model.file), manifest.model.sha256, 'models/orientation.json', 're-export it');
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, sessionOptions(1));
  return {
    manifest,
    async read(input) {
      const outputs = await session.run({ [manifest.input.name]: new ort.Tensor('float32', input, [1, 3, side, side]) });
      const probabilities = Float32Array.from(outputs[manifest.output.name].data as Float32Array);
      for (const tensor of Object.values(outputs)) tensor.dispose();
      return probabilities;
    },
  };
}

const globalForOrientation = globalThis as unknown as { __orientationModel?: Promise<OrientationModel> };

/** One session per process, created on first use; concurrent first requests share the load. */
export function loadOrientationModel(): Promise<OrientationModel> {
  globalForOrientation.__orientationModel ??= createOrientationModel(modelsDirectory()).catch((error) => {
    globalForOrientation.__orientationModel = undefined;
    throw error;
  });
  return globalForOrientation.__orientationModel;
}
