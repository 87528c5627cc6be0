/**
 * How often the "is this an MRI slice?" guard rejects real slices, and how often it lets other pictures through.
 *
 *   npx tsx scripts/measure-mri-likeness.ts [--lgg DIR] [--brats DIR] [--photos DIR] [--show-misses] [--features]
 *
 * Real MRI: every LGG slice (RGB = T1, FLAIR, T1c, and its FLAIR channel alone as grey), and axial slices of the BRATS
 * FLAIR volumes cut the way the volume page cuts them. Not MRI: scikit-image's sample pictures (Debian's python3-skimage),
 * crops of them, the same photos on a black canvas, and generated noise and documents. Each picture goes through the
 * app's own decode, letterbox and primary reading before assessMriLikeness, exactly as an upload does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { chooseReadings, channelsFor } from '../lib/analysis/readings';
import { decodeImage } from '../lib/imaging/decode';
import { letterbox } from '../lib/imaging/letterbox';
import { assessMriLikeness, type MriFeatures, type MriLikeness } from '../lib/imaging/mri-likeness';
import { findIntensityWindow, toEightBit } from '../lib/volume/intensity';
import { allValues } from '../lib/volume/scalar-volume';
import { readNiftiVolume } from '../lib/volume/nifti-read';
import { letterboxPixels } from '../lib/imaging/raster';
import { readManifest } from '../lib/manifest';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const lggDir = option('--lgg', path.join(process.cwd(), '..', 'shared', 'data', 'lgg'));
const bratsDir = option('--brats', path.join(process.cwd(), '..', 'shared', 'data', 'brats2013'));
const photosDir = option('--photos', '/usr/lib/python3/dist-packages/skimage/data');
const showMisses = process.argv.includes('--show-misses');
const showFeatures = process.argv.includes('--features');
const inputSize = readManifest().normalisation.resize.size;

interface Sample {
  group: string;
  name: string;
  bytes: () => Promise<Uint8Array>;
}

// A pixel shows brain when its brightest channel reaches this: below it a slice is noise to the eye.
const VISIBLE = 25;

/** An upload's path up to the model: decode, letterbox, the primary reading, then the guard. */
async function assess(bytes: Uint8Array): Promise<MriLikeness | { isMri: false; reason: string }> {
  try {
    const image = await decodeImage(bytes);
    const box = letterbox(image.width, image.height, inputSize);
    const [reading] = chooseReadings(image, false, 'auto');
    const boxed = await letterboxPixels(channelsFor(reading, image), image.width, image.height, box);
    return assessMriLikeness(boxed, box);
  } catch (error) {
    return { isMri: false, reason: `refused before the guard: ${(error as Error).message}` };
  }
}

const greyPng = (pixels: Uint8Array, width: number, height: number) =>
  sharp(pixels, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();

function share(pixels: Uint8Array, channels: number, channel: number, min: number): number {
  let on = 0;
  for (let i = channel; i < pixels.length; i += channels) if (pixels[i] >= min) on++;
  return on / (pixels.length / channels);
}

/** Share of pixels whose brightest channel is visibly above black. */
async function visibleShare(bytes: Uint8Array): Promise<number> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  let on = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    let max = 0;
    for (let c = 0; c < info.channels; c++) max = Math.max(max, data[i + c]);
    if (max >= VISIBLE) on++;
  }
  return on / (data.length / info.channels);
}

function lggSamples(): Sample[] {
  if (!existsSync(lggDir)) return [];
  const samples: Sample[] = [];
  for (const patient of readdirSync(lggDir).sort()) {
    const dir = path.join(lggDir, patient);
    if (!existsSync(dir) || !readdirSync(dir).length) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.png') && !f.endsWith('_mask.png')).sort()) {
      const file_ = path.join(dir, file);
      samples.push({ group: 'LGG slice, RGB (T1, FLAIR, T1c)', name: file, bytes: async () => readFileSync(file_) });
      samples.push({
        group: 'LGG slice, FLAIR channel as grey',
        name: file,
        bytes: async () => {
          const { data, info } = await sharp(readFileSync(file_)).extractChannel(1).raw().toBuffer({ resolveWithObject: true });
          return greyPng(new Uint8Array(data), info.width, info.height);
        },
      });
    }
  }
  return samples;
}

async function bratsSamples(): Promise<Sample[]> {
  if (!existsSync(bratsDir)) return [];
  const samples: Sample[] = [];
  for (const patient of readdirSync(bratsDir).filter((d) => d.startsWith('brats')).sort()) {
    const file = path.join(bratsDir, patient, 'Flair_subtrMeanDivStd.nii.gz');
    if (!existsSync(file)) continue;
    const volume = await readNiftiVolume(readFileSync(file), 'FLAIR');
    const values = allValues(volume);
    const pixels = new Uint8Array(values.length), head = new Uint8Array(values.length);
    toEightBit(values, await findIntensityWindow(volume), pixels, head);
    const [nx, ny, nz] = volume.dims;
    for (let k = 0; k < nz; k++) {
      const slice = pixels.slice(k * nx * ny, (k + 1) * nx * ny);
      const headShare = share(head.subarray(k * nx * ny, (k + 1) * nx * ny), 1, 0, 1);
      if (headShare === 0) continue; // nothing of the head in this slice: not an MRI slice anyone would upload
      samples.push({ group: 'BRATS FLAIR axial slice (8-bit as the volume page makes it)', name: `${patient} k=${k}`, bytes: () => greyPng(slice, nx, ny) });
    }
  }
  return samples;
}

/** A fixed-seed generator: the same crops and noise on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Head-like on purpose: the Shepp-Logan phantom is a drawing of a head section; either answer is defensible.
const phantomNames = new Set(['phantom.png']);

async function photoSamples(): Promise<Sample[]> {
  if (!existsSync(photosDir)) return [];
  const samples: Sample[] = [];
  const next = random(11);
  for (const file of readdirSync(photosDir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
    const source = path.join(photosDir, file);
    let meta: Metadata;
    try {
      meta = await sharp(source).metadata();
    } catch {
      continue; // skimage ships a deliberately truncated JPEG
    }
    if ((meta.width ?? 0) < 64 || (meta.height ?? 0) < 64) continue;
    const group = phantomNames.has(file) ? 'head phantom (drawing; not counted)' : 'photo or scan (scikit-image)';
    samples.push({ group, name: file, bytes: async () => readFileSync(source) });
    if (phantomNames.has(file)) continue;
    for (let c = 0; c < 6; c++) {
      const scale = 0.4 + 0.6 * next();
      const width = Math.max(32, Math.round(meta.width! * scale)), height = Math.max(32, Math.round(meta.height! * scale));
      const left = Math.floor(next() * (meta.width! - width)), top = Math.floor(next() * (meta.height! - height));
      samples.push({ group: 'crop of a photo or scan', name: `${file} crop ${c}`, bytes: () => sharp(source).extract({ left, top, width, height }).png().toBuffer() });
    }
    samples.push({
      group: 'photo or scan on a black canvas',
      name: file,
      bytes: async () => {
        const small = await sharp(source).resize(180, 180, { fit: 'inside' }).png().toBuffer();
        return sharp({ create: { width: 256, height: 256, channels: 3, background: '#000000' } }).composite([{ input: small }]).png().toBuffer();
      },
    });
  }
  return samples;
}

function generatedSamples(): Sample[] {
  const samples: Sample[] = [];
  const size = 256;
  for (let n = 0; n < 20; n++) {
    const next = random(100 + n);
    samples.push({
      group: 'generated noise', name: `uniform ${n}`,
      bytes: async () => sharp(Uint8Array.from({ length: size * size * 3 }, () => Math.floor(next() * 256)), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer(),
    });
    samples.push({
      group: 'generated noise', name: `dark speckle ${n}`,
      bytes: async () => greyPng(Uint8Array.from({ length: size * size }, () => (next() < 0.1 ? Math.floor(next() * 256) : 0)), size, size),
    });
    // a page of text: light paper, dark lines of words, a margin; and its negative (light text on black)
    const page = new Uint8Array(size * size).fill(225 + Math.floor(next() * 25));
    for (let line = 30; line < size - 30; line += 12 + Math.floor(next() * 6)) {
      for (let x = 24; x < size - 24 - next() * 60; x++) {
        if (next() < 0.55) for (let y = line; y < line + 6; y++) page[y * size + x] = Math.floor(next() * 60);
      }
    }
    samples.push({ group: 'generated document', name: `page ${n}`, bytes: () => greyPng(page, size, size) });
    samples.push({ group: 'generated document', name: `negative page ${n}`, bytes: () => greyPng(page.map((v) => 255 - v), size, size) });
  }
  return samples;
}

interface Tally { total: number; rejected: number; reasons: Map<string, number>; misses: string[] }

/** Quantiles of each feature per group: where the thresholds in lib/imaging/mri-likeness.ts come from. */
function printFeatures(features: Map<string, MriFeatures[]>) {
  const names: Array<keyof MriFeatures> = ['contrast', 'darkFrameFraction', 'darkFraction', 'headShare', 'extent', 'sideFill', 'headCells'];
  const q = [0, 0.01, 0.05, 0.5, 0.95, 0.99, 1];
  console.log(`\nfeature quantiles (${q.join(' / ')})`);
  for (const [group, list] of [...features].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${group} (n=${list.length})`);
    for (const name of names) {
      const values = list.map((f) => f[name]).sort((a, b) => a - b);
      console.log(`  ${name.padEnd(18)} ${q.map((p) => values[Math.min(values.length - 1, Math.floor((values.length - 1) * p))].toFixed(2)).join(' ')}`);
    }
  }
}

async function main() {
  const started = performance.now();
  const samples = [...lggSamples(), ...(await bratsSamples()), ...(await photoSamples()), ...generatedSamples()];
  const tallies = new Map<string, Tally>();
  const features = new Map<string, MriFeatures[]>();
  const tally = (key: string) => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { total: 0, rejected: 0, reasons: new Map(), misses: [] }));
    return t;
  };
  for (const sample of samples) {
    const bytes = await sample.bytes();
    const verdict = await assess(bytes);
    const isMriGroup = sample.group.startsWith('LGG') || sample.group.startsWith('BRATS');
    const brainShare = isMriGroup ? await visibleShare(bytes) : undefined;
    const keys = [sample.group];
    if (brainShare !== undefined) {
      const bucket = brainShare < 0.001 ? 'none (< 0.1%)' : brainShare < 0.02 ? '0.1-2%' : brainShare < 0.08 ? '2-8%' : '>= 8%';
      keys.push(`${sample.group}: visible brain ${bucket}`);
    }
    if (showFeatures && 'headShare' in verdict) {
      const key = brainShare !== undefined && brainShare < 0.02 ? `${sample.group} (little brain)` : sample.group;
      const list = features.get(key) ?? [];
      list.push(verdict);
      features.set(key, list);
    }
    for (const key of keys) {
      const t = tally(key);
      t.total++;
      if (!verdict.isMri) {
        t.rejected++;
        const reason = verdict.reason ?? '?';
        t.reasons.set(reason, (t.reasons.get(reason) ?? 0) + 1);
      }
      const missed = isMriGroup ? !verdict.isMri : verdict.isMri;
      if (missed) t.misses.push(`${sample.name}${brainShare !== undefined ? ` (visible brain ${(brainShare * 100).toFixed(1)}%)` : ''}${verdict.reason ? ` [${verdict.reason}]` : ''}`);
    }
  }

  console.log(`${samples.length} pictures in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  console.log('group'.padEnd(92), 'n'.padStart(5), 'rejected'.padStart(9), 'rate'.padStart(8));
  for (const [key, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(key.padEnd(92), String(t.total).padStart(5), String(t.rejected).padStart(9), `${((100 * t.rejected) / t.total).toFixed(1)}%`.padStart(8));
    for (const [reason, count] of t.reasons) console.log(`    ${count} × ${reason}`);
    if (showMisses && t.misses.length && key.includes(': visible') === key.startsWith('LGG')) {
      const shown = key.startsWith('LGG') ? t.misses.filter((m) => !m.includes('blank')) : t.misses;
      if (shown.length) console.log(`    misses: ${shown.slice(0, 30).join('; ')}${shown.length > 30 ? ' …' : ''}`);
    }
  }
  const rate = (groups: string[], wantRejected: boolean) => {
    let total = 0, right = 0;
    for (const [key, t] of tallies) {
      if (!groups.some((g) => key === g)) continue;
      total += t.total;
      right += wantRejected ? t.rejected : t.total - t.rejected;
    }
    return { total, rate: total ? 1 - right / total : 0 };
  };
  if (showFeatures) printFeatures(features);
  const mriGroups = [...tallies.keys()].filter((k) => (k.startsWith('LGG') || k.startsWith('BRATS')) && !k.includes(': visible'));
  const otherGroups = [...tallies.keys()].filter((k) => !k.startsWith('LGG') && !k.startsWith('BRATS') && !k.startsWith('head phantom'));
  const falseRejection = rate(mriGroups, false);
  const withBrain = rate([...tallies.keys()].filter((k) => k.includes(': visible brain') && !k.includes('none')), false);
  const withoutBrain = rate([...tallies.keys()].filter((k) => k.includes(': visible brain none')), false);
  const falseAcceptance = rate(otherGroups, true);
  console.log(`\nreal MRI rejected (false rejection): ${(100 * falseRejection.rate).toFixed(2)}% of ${falseRejection.total}`);
  console.log(`  of them with visible brain (>= 0.1% of the picture): ${(100 * withBrain.rate).toFixed(2)}% of ${withBrain.total}`);
  console.log(`  of them without (blank ends of the scan, rejected as blank is right): ${(100 * withoutBrain.rate).toFixed(2)}% of ${withoutBrain.total}`);
  console.log(`not MRI accepted (false acceptance): ${(100 * falseAcceptance.rate).toFixed(2)}% of ${falseAcceptance.total}`);
  console.log(JSON.stringify({ mri_false_rejection: falseRejection.rate, mri_n: falseRejection.total, mri_with_brain_false_rejection: withBrain.rate, other_false_acceptance: falseAcceptance.rate, other_n: falseAcceptance.total }));
}

await main();
