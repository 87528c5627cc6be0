// @ts-check
// The tumour model's session in a worker thread (inference-thread.ts starts it): the event loop only posts inputs and
// receives outputs. CommonJS in a file of its own, loaded by path at run time, so that no bundler has to know about it.
const { parentPort, workerData } = require('node:worker_threads');
const ort = require('onnxruntime-node');

require('node:v8').setFlagsFromString('--expose-gc');
/** @type {(options: { type: 'minor' | 'major' }) => void} */
const collect = require('node:vm').runInNewContext('gc');

/** @type {{ model: Uint8Array, options: import('onnxruntime-node').InferenceSession.SessionOptions, names: { input: string, mask: string, slice: string }, nice: number }} */
const { model, options, names, nice } = workerData;
if (!parentPort) throw new Error('inference-worker.cjs runs only as a worker thread');
const port = parentPort;

// Linux keeps a nice value per thread, and the session's threads inherit this one's: the event loop wins the cores
if (nice) try { require('node:os').setPriority(0, nice); } catch {}

/** @param {unknown} error */
const message = (error) => String((error instanceof Error && error.message) || error);

ort.InferenceSession.create(model, options).then((session) => {
  port.on('message', async (/** @type {{ id: number, input: Float32Array<ArrayBuffer>, dims: number[] }} */ { id, input, dims }) => {
    try {
      const outputs = await session.run({ [names.input]: new ort.Tensor('float32', input, dims) });
      // the outputs' own buffers are handed over, not copied: nothing of a run stays in this thread's memory
      const masks = /** @type {Float32Array<ArrayBuffer>} */ (outputs[names.mask].data), slices = /** @type {Float32Array<ArrayBuffer>} */ (outputs[names.slice].data);
      port.postMessage({ id, masks, slices, input }, [masks.buffer, slices.buffer, input.buffer]);
    } catch (error) {
      port.postMessage({ id, error: message(error) });
    }
    // What is left of a run is small objects on this tiny heap, seldom collected otherwise; collecting them is cheap
    collect({ type: 'minor' });
  });
  port.postMessage({ ready: true });
}, (error) => port.postMessage({ error: message(error) }));
