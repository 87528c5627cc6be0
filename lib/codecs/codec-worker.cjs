// @ts-check
// Compressed DICOM frames decoded by kept libraries, in a worker thread (codec-thread.ts starts it): the Emscripten
// codecs register process-wide handlers, abort on what they cannot decode and cannot be interrupted, so they live here,
// where a frame past its time limit ends the thread and nothing else. CommonJS loaded by path at run time; each codec's
// .wasm is read from its resolved path and handed over as wasmBinary (no codec looks for it through __dirname).
const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

if (!parentPort) throw new Error('codec-worker.cjs runs only as a worker thread');
const port = parentPort;

// Node's own require, from the server's folder (the repository, or the standalone folder): Next bundles this file as the
// worker's entry, and a bundle's require.resolve gives module ids, not paths. The codecs are serverExternalPackages,
// carried to the standalone folder by outputFileTracingIncludes (next.config.ts).
const load = createRequire(path.join(process.cwd(), 'package.json'));

/** @typedef {{ getEncodedBuffer(length: number): Uint8Array, decode(): void, getDecodedBuffer(): Uint8Array, getFrameInfo(): { width: number, height: number, bitsPerSample: number, componentCount: number }, delete(): void }} EmscriptenDecoder */

/** The Emscripten codecs: each package's decoder-only build and the embind class that decodes one frame. */
const emscripten = {
  'jpeg-2000': { module: '@cornerstonejs/codec-openjpeg/decodewasmjs', decoder: 'J2KDecoder' },
  'jpeg-ls': { module: '@cornerstonejs/codec-charls/decodewasmjs', decoder: 'JpegLSDecoder' },
  'jpeg-baseline': { module: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', decoder: 'JPEGDecoder' },
};

const quiet = () => {};

/** @type {Map<string, Promise<any>>} one instance of each codec, made on first use */
const instances = new Map();

/** @param {keyof typeof emscripten} codec */
function instance(codec) {
  const made = instances.get(codec);
  if (made) return made;
  const { module } = emscripten[codec];
  // the .wasm lies beside its module (x_decode.js, x_decode.wasm), found at run time: a bundler that sees a .wasm
  // named in a require would take it apart. OpenJPEG reports each header it reads on stdout: not for the server's log
  const wasmFile = load.resolve(module).replace(/\.js$/, '.wasm');
  const making = load(module)({ wasmBinary: readFileSync(wasmFile), print: quiet, printErr: quiet });
  instances.set(codec, making);
  return making;
}

/**
 * @param {keyof typeof emscripten} codec
 * @param {Uint8Array} stream
 */
async function decodeEmscripten(codec, stream) {
  const library = await instance(codec);
  /** @type {EmscriptenDecoder} */
  const decoder = new library[emscripten[codec].decoder]();
  try {
    decoder.getEncodedBuffer(stream.length).set(stream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // a view of the codec's heap: copied out before the decoder is freed
    return { pixels: decoder.getDecodedBuffer().slice(), width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, components: info.componentCount };
  } finally {
    decoder.delete();
  }
}

/** @type {any} */
let lossless;

/**
 * jpeg-lossless-decoder-js 2.1.2 drops the last pixel when the EOI marker falls in the bits it looks ahead while reading
 * that pixel's Huffman code (its getHuffmanValue lacks the last-pixel guard its getn has). Two zero bytes before EOI keep
 * the marker out of reach; the decoder stops after the last pixel and never decodes them.
 * @param {Uint8Array} stream
 */
function padBeforeEnd(stream) {
  let end = stream.length - 2;
  if (stream[end] === 0 && end > 0) end -= 1; // a fragment's padding to an even length
  if (stream[end] !== 0xff || stream[end + 1] !== 0xd9) return stream;
  const padded = new Uint8Array(stream.length + 2);
  padded.set(stream.subarray(0, end));
  padded.set(stream.subarray(end), end + 2);
  return padded;
}

/** @param {Uint8Array} stream @param {number} bytesPerSample */
function decodeJpegLossless(stream, bytesPerSample) {
  lossless ??= load('jpeg-lossless-decoder-js');
  const decoder = new lossless.Decoder();
  const padded = padBeforeEnd(stream);
  const decoded = decoder.decode(padded.buffer, padded.byteOffset, padded.length, bytesPerSample);
  return { pixels: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength), width: decoder.xDim, height: decoder.yDim, bitsPerSample: decoder.precision, components: decoder.numComp };
}

/** @param {unknown} error */
const message = (error) => String((error instanceof Error && error.message) || error).slice(0, 200);

port.on('message', async (/** @type {{ id: number, codec: string, stream: Uint8Array, bytesPerSample: number }} */ { id, codec, stream, bytesPerSample }) => {
  try {
    const frame = codec === 'jpeg-lossless' ? decodeJpegLossless(stream, bytesPerSample) : await decodeEmscripten(/** @type {keyof typeof emscripten} */ (codec), stream);
    const pixels = frame.pixels.buffer.byteLength === frame.pixels.length ? frame.pixels : frame.pixels.slice();
    port.postMessage({ id, ...frame, pixels }, [pixels.buffer]);
  } catch (error) {
    port.postMessage({ id, error: message(error) });
  }
});
