import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { analyzeSlice } from './analyze-slice';
import { analyzeVolume } from './analyze-volume';

// A fresh server met its first burst of uploads with nothing ready: the image library, both models' first runs and the
// compiled code of the slice and volume paths, loaded while the requests waited (the event loop blocked for 1.5 s at the
// start of the mixed flood). Here a made-up slice and a made-up volume go once through the same paths before the server
// takes requests. Nothing of them is kept.

/** A 256 x 256 grey picture: a bright ellipse (a head) with a brighter spot, on black. */
function madeUpSlice(): Promise<Buffer> {
  const pixels = Buffer.alloc(256 * 256);
  for (let y = 0; y < 256; y++) {
    for (let x = 0; x < 256; x++) {
      const head = ((x - 128) / 90) ** 2 + ((y - 128) / 110) ** 2 <= 1, spot = (x - 150) ** 2 + (y - 110) ** 2 <= 225;
      pixels[y * 256 + x] = head ? (spot ? 220 : 90 + ((x * 7 + y * 3) % 40)) : 0;
    }
  }
  return sharp(pixels, { raw: { width: 256, height: 256, channels: 1 } }).png().toBuffer();
}

/**
 * The same picture as an int16 NIfTI-1 volume of one slice, 1 mm voxels, identity orientation. One slice, so the model
 * runs it alone: a first run of two slices at once grew onnxruntime's memory by about 55 MB for good (RSS after 20 slice
 * requests 345 MB against 290 with one slice and 284 without a warm-up).
 */
function madeUpVolume(slice: Uint8Array): Uint8Array {
  const [nx, ny, nz] = [256, 256, 1];
  const file = new Uint8Array(352 + nx * ny * nz * 2);
  const header = new DataView(file.buffer);
  header.setInt32(0, 348, true);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((n, d) => header.setInt16(40 + d * 2, n, true));
  header.setInt16(70, 4, true); // int16
  header.setInt16(72, 16, true);
  [1, 1, 1, 1].forEach((p, d) => header.setFloat32(76 + d * 4, p, true));
  header.setFloat32(108, 352, true);
  header.setUint8(123, 2); // mm
  file.set([0x6e, 0x2b, 0x31, 0], 344);
  const voxels = new Int16Array(file.buffer, 352, nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let p = 0; p < nx * ny; p++) voxels[k * nx * ny + p] = slice[p] * 4;
  return file;
}

/** Runs once at server start (instrumentation.ts); a failure is the health check's to report, not a reason not to start. */
export async function warmUp(): Promise<void> {
  const started = performance.now();
  try {
    const png = await madeUpSlice();
    await analyzeSlice({ flair: new Uint8Array(png), reading: 'auto', force: true });
    const grey = await sharp(png).extractChannel(0).raw().toBuffer();
    await analyzeVolume({ flair: madeUpVolume(grey) });
    console.log(`Ready: models loaded and both analysis paths run once in ${Math.round(performance.now() - started)} ms.`);
  } catch (error) {
    console.error(`Warm-up failed (the first requests will load what they need): ${(error as Error).message}`);
  }
}
