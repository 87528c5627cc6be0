import { performance } from 'node:perf_hooks';
import { writeNiftiMask } from '../formats/nifti-write';
import { encodePng } from '../imaging/raster';
import { analyseSlice } from './analyse-slice';
import { analyseVolume } from './analyse-volume';

// A fresh server met its first burst of uploads with nothing ready: the image library, both models' first runs and the
// compiled code of the slice and volume paths, loaded while the requests waited (the event loop blocked at the start of
// the mixed flood; docs/performance.md). Here a made-up slice and a made-up volume go once through the same paths
// before the server takes requests. Nothing of them is kept.

/** A 256 x 256 grey picture: a bright ellipse (a head) with a brighter spot, on black. */
function madeUpSlice(): Uint8Array {
  const pixels = new Uint8Array(256 * 256);
  for (let y = 0; y < 256; y++) {
    for (let x = 0; x < 256; x++) {
      const head = ((x - 128) / 90) ** 2 + ((y - 128) / 110) ** 2 <= 1, spot = (x - 150) ** 2 + (y - 110) ** 2 <= 225;
      pixels[y * 256 + x] = head ? (spot ? 220 : 90 + ((x * 7 + y * 3) % 40)) : 0;
    }
  }
  return pixels;
}

/** Runs once at server start (instrumentation.ts); a failure is the health check's to report, not a reason not to start. */
export async function warmUp(): Promise<void> {
  const started = performance.now();
  try {
    const slice = madeUpSlice();
    const png = await encodePng(slice, { width: 256, height: 256, channels: 1 });
    await analyseSlice({ flair: new Uint8Array(png), reading: 'auto', force: true });
    // The same picture as a volume of one slice, written by the mask writer (a uint8 .nii.gz of any bytes). One slice, so
    // the model runs it alone: a first run of two slices at once grew onnxruntime's memory for good (docs/performance.md).
    const identity = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    await analyseVolume({ flair: new Uint8Array(await writeNiftiMask({ dims: [256, 256, 1], spacingMm: [1, 1, 1], affine: identity }, slice)) }, { skipGuard: true });
    console.log(`Ready: models loaded and both analysis paths run once in ${Math.round(performance.now() - started)} ms.`);
  } catch (error) {
    console.error(`Warm-up failed (the first requests will load what they need): ${(error as Error).message}`);
  }
}
