import path from 'node:path';
import { Worker } from 'node:worker_threads';

// One worker thread decodes compressed DICOM frames with the kept codecs (codec-worker.cjs), one frame at a time. It
// starts on the first compressed frame, not before; a frame past its time limit terminates it, and any codec failure
// recycles it, so that a codec left in a bad state never decodes the next file.

export type WorkerCodec = 'jpeg-lossless' | 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000';

export interface DecodedFrame {
  /** Samples as the codec gives them: 1 or 2 bytes each, little endian. */
  pixels: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  components: number;
}

/** A frame the codec refused, or one it did not finish within the time limit. */
export class CodecFailure extends Error {
  constructor(message: string, readonly timedOut: boolean) {
    super(message);
    this.name = 'CodecFailure';
  }
}

// FRAME_DECODE_LIMIT_S (default 2): a 512×512 frame decodes in milliseconds; seconds mean a codestream made to be slow
const requestedLimit = Number(process.env.FRAME_DECODE_LIMIT_S ?? 2);
export const FRAME_DECODE_LIMIT_MS = (Number.isFinite(requestedLimit) && requestedLimit > 0 ? requestedLimit : 2) * 1000;

// A codec's WebAssembly memory grows to its largest frame and never shrinks: after a frame larger than this (a 2048×2048
// 16-bit slice on /predict) the thread is ended, so that the memory is given back rather than held outside the budget
const LARGE_FRAME_BYTES = 8 * 1024 * 1024;

// Beside this file; the standalone build carries it (next.config.ts, scripts/build-standalone.sh)
const WORKER_FILE = path.join(process.cwd(), 'lib', 'codecs', 'codec-worker.cjs');

interface Reply {
  id: number;
  error?: string;
  pixels?: Uint8Array;
  width?: number;
  height?: number;
  bitsPerSample?: number;
  components?: number;
}

interface CodecThread {
  worker: Worker | null;
  nextId: number;
  /** Frames wait for the one before them: the time limit is the codec's, not the queue's. */
  queue: Promise<unknown>;
}

// One per process: Next bundles each route apart, and every bundle must share this thread
const globalForCodecs = globalThis as unknown as { __codecThread?: CodecThread };
const thread = (globalForCodecs.__codecThread ??= { worker: null, nextId: 0, queue: Promise.resolve() });

function recycle(worker: Worker): void {
  if (thread.worker === worker) thread.worker = null;
  void worker.terminate();
}

function startWorker(): Worker {
  // the codecs' memory is WebAssembly's, outside this heap; the worker's own JavaScript needs little
  const worker = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 } });
  worker.unref();
  worker.on('error', () => recycle(worker));
  worker.on('exit', () => thread.worker === worker && (thread.worker = null));
  return worker;
}

function decodeOne(codec: WorkerCodec, stream: Uint8Array, bytesPerSample: number): Promise<DecodedFrame> {
  const worker = (thread.worker ??= startWorker());
  const id = thread.nextId++;
  return new Promise<DecodedFrame>((resolve, reject) => {
    const finish = (failure?: CodecFailure, frame?: DecodedFrame) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      worker.unref();
      if (failure || frame!.pixels.length > LARGE_FRAME_BYTES) recycle(worker);
      if (failure) reject(failure);
      else resolve(frame!);
    };
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      if (reply.error !== undefined) return finish(new CodecFailure(reply.error, false));
      finish(undefined, { pixels: reply.pixels!, width: reply.width!, height: reply.height!, bitsPerSample: reply.bitsPerSample!, components: reply.components! });
    };
    const onExit = (code: number) => finish(new CodecFailure(`the codec thread stopped (exit code ${code})`, false));
    const timer = setTimeout(() => finish(new CodecFailure(`no answer within ${FRAME_DECODE_LIMIT_MS / 1000} s`, true)), FRAME_DECODE_LIMIT_MS);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.ref();
    // a copy handed over: the caller's bytes are a view of the whole upload
    const own = stream.slice();
    worker.postMessage({ id, codec, stream: own, bytesPerSample }, [own.buffer]);
  });
}

/** Decodes one compressed frame in the codec thread; rejects with a CodecFailure, never hangs past the time limit. */
export function decodeFrame(codec: WorkerCodec, stream: Uint8Array, bytesPerSample: number): Promise<DecodedFrame> {
  const result = thread.queue.then(() => decodeOne(codec, stream, bytesPerSample));
  thread.queue = result.catch(() => undefined);
  return result;
}
