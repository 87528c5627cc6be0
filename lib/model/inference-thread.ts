import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';

// onnxruntime-node runs a session synchronously on the thread that calls it (its async run is a setImmediate around a
// blocking call). On the event loop that held /api/health for seconds under load, so the session lives in one worker
// thread: the same session with the same threads, and the event loop only posts inputs and receives outputs.

export interface OutputNames {
  input: string;
  mask: string;
  slice: string;
}

export interface RawOutputs {
  masks: Float32Array;
  slices: Float32Array;
}

// How much lower the model's threads run than the event loop (INFERENCE_NICE, 0-19): on a busy machine requests are
// read, refused and answered first, and the model takes what is left: 5 kept /api/health quicker in the mixed flood for
// a little throughput (docs/performance.md).
const requestedNice = Number(process.env.INFERENCE_NICE ?? 5);
const INFERENCE_NICE = Number.isInteger(requestedNice) && requestedNice >= 0 && requestedNice <= 19 ? requestedNice : 5;

// The worker's own file, beside this one; the standalone build carries it (next.config.ts, scripts/build-standalone.sh)
const WORKER_FILE = path.join(process.cwd(), 'lib', 'model', 'inference-worker.cjs');

interface Pending {
  resolve(outputs: RawOutputs): void;
  reject(error: Error): void;
}

export interface InferenceThread {
  run(input: Float32Array, dims: number[]): Promise<RawOutputs>;
  close(): Promise<void>;
}

/** Starts the worker and loads the model in it; resolves once the session is ready. */
export function startInferenceThread(model: Uint8Array, options: InferenceSession.SessionOptions, names: OutputNames): Promise<InferenceThread> {
  return new Promise((ready, failed) => {
    // the worker's own JavaScript is a few lines: a small heap is plenty (the session's memory is native)
    const resourceLimits = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 };
    const worker = new Worker(WORKER_FILE, { workerData: { model, options, names, nice: INFERENCE_NICE }, resourceLimits });
    const pending = new Map<number, Pending>();
    let nextId = 0, started = false, stoppedBecause: string | undefined;

    const stopped = (reason: string) => {
      stoppedBecause ??= reason;
      if (!started) {
        started = true;
        return failed(new ModelUnavailableError(`The model could not be loaded: ${reason}`));
      }
      for (const job of pending.values()) job.reject(new ModelUnavailableError(`The inference thread stopped: ${reason}`));
      pending.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    worker.on('message', (reply: { id?: number; ready?: true; error?: string } & Partial<RawOutputs>) => {
      if (!started) {
        if (reply.error) return stopped(reply.error);
        started = true;
        worker.unref(); // an idle model does not keep a script from exiting
        return ready(thread);
      }
      const job = pending.get(reply.id!);
      if (!job) return;
      pending.delete(reply.id!);
      if (pending.size === 0) worker.unref();
      if (reply.error) job.reject(new Error(`Inference failed: ${reply.error}`));
      else job.resolve({ masks: reply.masks!, slices: reply.slices! });
    });

    const thread: InferenceThread = {
      run(input, dims) {
        if (stoppedBecause) return Promise.reject(new ModelUnavailableError(`The inference thread stopped: ${stoppedBecause}`));
        return new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          worker.ref();
          // a copy made here and handed over (not cloned there): a caller may reuse its input, and this thread's allocator
          // keeps the memory (freed per thread, the worker's own allocations piled up in the mixed flood)
          const own = input.slice();
          worker.postMessage({ id, input: own, dims }, [own.buffer]);
        });
      },
      async close() {
        await worker.terminate();
      },
    };
  });
}
