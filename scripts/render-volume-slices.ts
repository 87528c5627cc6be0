/**
 * BRATS volumes -> 8-bit model-square slices for training, rendered by the app's own volume path (axis choice,
 * windowing, letterbox), so the network trains on exactly what a volume upload shows it.
 *
 *   npx tsx scripts/render-volume-slices.ts ../shared/data/brats2013 training/cache/brats pat0001 pat0002
 *
 * Writes <out>-<patient>.images.u8 ([N,256,256,3]: FLAIR, FLAIR, T1c as T1, FLAIR, T1c), <out>-<patient>.masks.u8
 * ([N,256,256], 0/1 whole tumour) and <out>-<patient>.json. Slices with no head are skipped, as the app skips them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { letterbox } from '../lib/imaging/letterbox';
import { chooseSliceAxes } from '../lib/volume/axes';
import { findIntensityWindow, sliceReader } from '../lib/volume/intensity';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { planeToBox } from '../lib/volume/resample';
import { allValues } from '../lib/volume/scalar-volume';
import { readSlice, sliceGrid } from '../lib/volume/slices';

const SIZE = 256;
const MIN_HEAD_PIXELS = 64;

async function render(folder: string) {
  const file = (pattern: RegExp) => path.join(folder, readdirSync(folder).find((n) => pattern.test(n))!);
  const flair = await readNiftiVolume(readFileSync(file(/flair/i)));
  const t1c = await readNiftiVolume(readFileSync(file(/t1c/i)));
  const labels = await readNiftiVolume(readFileSync(file(/^OTMultiClass|seg/i)));
  const axes = chooseSliceAxes(flair.affine);
  const grid = sliceGrid(flair.dims, flair.spacingMm, axes);
  const box = letterbox(grid.width * grid.columnSpacingMm, grid.height * grid.rowSpacingMm, SIZE);
  const toBox = planeToBox(grid.width, grid.height, box);
  const readFlair = sliceReader(flair, await findIntensityWindow(flair), grid);
  const readT1c = sliceReader(t1c, await findIntensityWindow(t1c), grid);
  const tumour = allValues(labels).map((v) => (v > 0 ? 255 : 0));
  const plane = new Uint8Array(grid.width * grid.height), head = new Uint8Array(plane.length), area = SIZE * SIZE;
  const images: Uint8Array[] = [], masks: Uint8Array[] = [], indices: number[] = [];
  for (let index = 0; index < grid.count; index++) {
    const f = toBox(readFlair(index, plane, head), new Uint8Array(area));
    if (head.reduce((a, b) => a + b, 0) < MIN_HEAD_PIXELS) continue;
    const c = toBox(readT1c(index, plane), new Uint8Array(area));
    const m = toBox(readSlice(Uint8Array.from(tumour), grid, index, plane), new Uint8Array(area));
    const image = new Uint8Array(area * 3);
    for (let i = 0; i < area; i++) [image[i * 3], image[i * 3 + 1], image[i * 3 + 2]] = [f[i], f[i], c[i]];
    images.push(image);
    masks.push(m.map((v) => (v >= 128 ? 1 : 0)));
    indices.push(index);
  }
  return { images, masks, indices };
}

const [root, out, ...patients] = process.argv.slice(2);
for (const patient of patients) {
  const folder = readdirSync(root).find((n) => n.includes(patient));
  if (!folder) throw new Error(`no folder for ${patient} under ${root}`);
  const { images, masks, indices } = await render(path.join(root, folder));
  writeFileSync(`${out}-${patient}.images.u8`, Buffer.concat(images));
  writeFileSync(`${out}-${patient}.masks.u8`, Buffer.concat(masks));
  writeFileSync(`${out}-${patient}.json`, JSON.stringify({ patient: folder, slices: images.length, size: SIZE, indices }));
  console.log(`${folder}: ${images.length} slices, ${masks.filter((m) => m.some((v) => v)).length} with tumour`);
}
