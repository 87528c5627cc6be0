import { performance } from 'node:perf_hooks';
import { loadTumourModel, type TumourModel } from '../model/tumour-model';
import { inferenceGate } from '../runtime/inference-gate';

/**
 * An analysis's turn: admitted before any costly work (or refused, 503, when too many wait), with the model loaded, and
 * its place given back however it ends. `started` is when the turn began, for the answer's timings.
 */
export async function withTumourModel<T>(work: (model: TumourModel, started: number) => Promise<T>): Promise<T> {
  const release = inferenceGate.admit();
  try {
    const started = performance.now();
    return await work(await loadTumourModel(), started);
  } finally {
    release();
  }
}
