import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';

// What both models need before a session: their bytes, checked against their manifest, and the same session options.

/** A model file's bytes, refused when missing or when they are not the ones its manifest names. */
export function readVerifiedModel(file: string, expectedSha256: string, manifestName: string, remedy: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new ModelUnavailableError(`The model file ${file} named in ${manifestName} is missing.`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== expectedSha256) {
    throw new ModelUnavailableError(`${file} does not match the sha256 in ${manifestName}; ${remedy}.`);
  }
  return bytes;
}

export function sessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Spinning threads would steal the cores that decoding and rendering need between inferences.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}
