/**
 * The volume guard (lib/analysis/volume-guard.ts): its other-MRI level chosen on validation volumes, then measured once
 * on the outside BRATS volumes.
 *
 *   npx tsx scripts/measure-volume-guard.ts [--lgg ../shared/data/lgg] [--brats ../shared/data/brats2013] [--choose-only]
 *
 * Choosing (validation only): the LGG validation patients (models/manifest.json split.val, split_patients seed 7), each
 * patient's slices stacked into three volumes (G = FLAIR, B = T1c, R = T1; a channel the source filled with FLAIR is left
 * out), and the BRATS training volumes pat0001 and pat0003 (FLAIR, T1c, OTMultiClass, brainmask). The level is halfway
 * between the highest median other-MRI score of a FLAIR volume and the lowest of a T1c volume; the script says whether
 * the module holds that level. Measuring: BRATS pat0002 and pat0004 (never used to choose anything) and a synthetic CT,
 * with the module as committed; --choose-only stops before them. Prints each volume's verdict and the guard's time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { isVolumeRefusedError, judgeVolume, type VolumeGuardReport } from '../lib/analysis/volume-guard';
import { isUploadError } from '../lib/errors';
import { decodeImage } from '../lib/formats/open-image';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { loadGuardModel } from '../lib/model/guard-model';
import { readManifest } from '../lib/model/manifest';
import { chooseSliceAxes } from '../lib/volume/axes';
import { findIntensityWindow } from '../lib/volume/intensity';
import type { ScalarVolume } from '../lib/volume/scalar-volume';
import { sliceGrid } from '../lib/volume/slices';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const lggRoot = option('--lgg', '../shared/data/lgg');
const bratsRoot = option('--brats', '../shared/data/brats2013');
const chooseOnly = process.argv.includes('--choose-only');

type Kind = 'FLAIR' | 'T1c' | 'T1' | 'labels' | 'brain mask' | 'CT';
interface Case {
  source: string;
  kind: Kind;
  volume: ScalarVolume;
}

// radiological axial slices: i runs to the patient's left, j to the back, k up (the slice order of the folder)
const AXIAL = [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const uint8Volume = (dims: [number, number, number], stored: Uint8Array): ScalarVolume =>
  ({ dims, spacingMm: [1, 1, 1], affine: AXIAL, affineSource: 'sform', datatype: 'uint8', stored, slope: 1, intercept: 0 });

/** One LGG patient's slices stacked: T1, FLAIR and T1c volumes; a channel that is the FLAIR copied (the source's stand-in for a missing sequence) is left out. */
async function lggCases(patient: string): Promise<Case[]> {
  const folder = path.join(lggRoot, patient);
  const number = (name: string) => Number(/_(\d+)\.png$/.exec(name)![1]);
  const names = readdirSync(folder).filter((name) => /_\d+\.png$/.test(name)).sort((a, b) => number(a) - number(b));
  const plane = 256 * 256;
  const channels = [0, 1, 2].map(() => new Uint8Array(plane * names.length));
  for (const [k, name] of names.entries()) {
    const image = await decodeImage(new Uint8Array(readFileSync(path.join(folder, name))));
    if (image.width !== 256 || image.height !== 256) throw new Error(`${name} is not 256×256`);
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) channels[c][k * plane + p] = image.rgb[p * 3 + c];
  }
  const copiesFlair = (channel: Uint8Array) => channel.every((value, i) => Math.abs(value - channels[1][i]) <= 2);
  const dims: [number, number, number] = [256, 256, names.length];
  const cases: Case[] = [{ source: patient, kind: 'FLAIR', volume: uint8Volume(dims, channels[1]) }];
  if (!copiesFlair(channels[2])) cases.push({ source: patient, kind: 'T1c', volume: uint8Volume(dims, channels[2]) });
  else console.log(`  ${patient}: its T1c is the FLAIR copied, left out`);
  if (!copiesFlair(channels[0])) cases.push({ source: patient, kind: 'T1', volume: uint8Volume(dims, channels[0]) });
  else console.log(`  ${patient}: its T1 is the FLAIR copied, left out`);
  return cases;
}

/**
 * A NIfTI file the app's reader refuses for its voxel type (BRATS' brainmask.nii.gz is int32, answered 415 before any
 * guard): its values (int32 x slope + intercept, rounded to float32 as the app rounds them) on the grid of `like`, as a
 * float32 volume, to show what the guard would make of the same mask sent in a type the app reads.
 */
function int32AsFloat32(bytes: Uint8Array, like: ScalarVolume): ScalarVolume {
  const file = gunzipSync(bytes);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getInt16(70, true) !== 8) throw new Error('not an int32 NIfTI file');
  const offset = view.getFloat32(108, true), slope = view.getFloat32(112, true) || 1, intercept = view.getFloat32(116, true);
  const stored = new Float32Array(like.stored.length);
  for (let i = 0; i < stored.length; i++) stored[i] = view.getInt32(offset + 4 * i, true) * slope + intercept;
  return { ...like, datatype: 'float32', stored, slope: 1, intercept: 0, niftiHeader: undefined };
}

const readerRefusals: string[] = [];

async function bratsCases(patient: string): Promise<Case[]> {
  const folder = path.join(bratsRoot, readdirSync(bratsRoot).find((name) => name.includes(patient))!);
  const bytes = (file: string) => new Uint8Array(readFileSync(path.join(folder, file)));
  const flair = await readNiftiVolume(bytes('Flair_subtrMeanDivStd.nii.gz'));
  const read = async (file: string) => {
    try {
      return await readNiftiVolume(bytes(file));
    } catch (error) {
      if (!isUploadError(error)) throw error;
      readerRefusals.push(`${patient} ${file}: ${error.status} "${error.message}"`);
      return int32AsFloat32(bytes(file), flair);
    }
  };
  return [
    { source: patient, kind: 'FLAIR', volume: flair },
    { source: patient, kind: 'T1c', volume: await read('T1c_subtrMeanDivStd.nii.gz') },
    { source: patient, kind: 'labels', volume: await read('OTMultiClass.nii.gz') },
    { source: patient, kind: 'brain mask', volume: await read('brainmask.nii.gz') },
  ];
}

/** A head CT as a scanner stores it: int16 with intercept -1024, air around an ellipsoid skull around brain with noise. */
function syntheticCt(): Case {
  const dims: [number, number, number] = [256, 256, 120];
  const stored = new Int16Array(dims[0] * dims[1] * dims[2]);
  let seed = 11;
  const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 20;
  for (let k = 0, v = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, v++) {
    const r = Math.hypot((i - 128) / 90, (j - 128) / 110, (k - 60) / 70);
    stored[v] = 1024 + (r < 0.92 ? 35 + noise() : r < 1 ? 1100 + 5 * noise() : -1000 + noise());
  }
  const affine = [[-0.8, 0, 0, 100], [0, -0.8, 0, 100], [0, 0, 1.5, -90], [0, 0, 0, 1]];
  return { source: 'synthetic', kind: 'CT', volume: { dims, spacingMm: [0.8, 0.8, 1.5], affine, affineSource: 'sform', datatype: 'int16', stored, slope: 1, intercept: -1024 } };
}

interface Outcome {
  case: Case;
  report: VolumeGuardReport;
  /** What a request would get: answered, answered with a warning, or refused (422). */
  answer: 'answered' | 'warned' | 'refused';
  windowMs: number;
  guardMs: number;
}

async function judge(c: Case): Promise<Outcome> {
  const grid = sliceGrid(c.volume.dims, c.volume.spacingMm, chooseSliceAxes(c.volume.affine));
  const started = performance.now();
  const window = await findIntensityWindow(c.volume);
  const windowed = performance.now();
  try {
    const report = await judgeVolume(c.volume, grid, window);
    return { case: c, report, answer: report.warning ? 'warned' : 'answered', windowMs: windowed - started, guardMs: performance.now() - windowed };
  } catch (error) {
    if (!isVolumeRefusedError(error)) throw error;
    return { case: c, report: error.guard, answer: 'refused', windowMs: windowed - started, guardMs: performance.now() - windowed };
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function print(outcomes: Outcome[]) {
  console.log(`  ${'volume'.padEnd(34)}${'kind'.padEnd(12)}${'answer'.padEnd(10)}${'verdict'.padEnd(22)}${'other-MRI'.padStart(10)}${'not-MRI'.padStart(9)}${'slices'.padStart(8)}${'guard ms'.padStart(10)}`);
  for (const { case: c, report, answer, guardMs } of outcomes) {
    const verdict = report.refusedAs ? `refused: ${report.refusedAs}` : report.verdict;
    const other = report.scores ? report.scores.median.otherMri.toFixed(3) : '-', notMri = report.scores ? report.scores.median.notMri.toFixed(3) : '-';
    console.log(`  ${c.source.padEnd(34)}${c.kind.padEnd(12)}${answer.padEnd(10)}${verdict.padEnd(22)}${other.padStart(10)}${notMri.padStart(9)}${String(report.slicesJudged.length).padStart(8)}${guardMs.toFixed(0).padStart(10)}`);
  }
}

/** Halfway between the highest FLAIR median and the lowest T1c median, when they do not overlap. */
function chooseOtherMriLevel(outcomes: Outcome[]): number | null {
  const scoreOf = (kind: Kind) => outcomes.filter((o) => o.case.kind === kind && o.report.scores).map((o) => o.report.scores!.median.otherMri);
  const flairHighest = Math.max(...scoreOf('FLAIR')), t1cLowest = Math.min(...scoreOf('T1c'));
  console.log(`\nValidation: FLAIR volumes' median other-MRI scores reach ${flairHighest.toFixed(3)}; T1c volumes' start at ${t1cLowest.toFixed(3)}.`);
  if (flairHighest >= t1cLowest) {
    console.log('They overlap: no level warns every T1c volume without warning a FLAIR one.');
    return null;
  }
  return Math.round(((flairHighest + t1cLowest) / 2) * 100) / 100;
}

function summarise(outcomes: Outcome[], title: string) {
  console.log(`\n${title}`);
  for (const kind of ['FLAIR', 'T1c', 'T1', 'labels', 'brain mask', 'CT'] as Kind[]) {
    const of = outcomes.filter((o) => o.case.kind === kind);
    if (!of.length) continue;
    const count = (answer: Outcome['answer']) => of.filter((o) => o.answer === answer).length;
    console.log(`  ${kind.padEnd(11)} ${of.length} volumes: ${count('answered')} answered, ${count('warned')} warned, ${count('refused')} refused`);
  }
}

async function main() {
  await loadGuardModel(); // loaded before any timing, as a running server has it
  const manifest = readManifest();
  console.log('Validation volumes (used to choose):');
  const validationCases = [...(await Promise.all(manifest.split.val.map(lggCases))).flat(), ...(await bratsCases('pat0001')), ...(await bratsCases('pat0003'))];
  const validation: Outcome[] = [];
  for (const c of validationCases) validation.push(await judge(c));
  print(validation);
  summarise(validation, 'Validation, with the committed module:');
  for (const refusal of readerRefusals.splice(0)) console.log(`  as sent, refused by the reader: ${refusal}`);
  const chosen = chooseOtherMriLevel(validation);
  const held = validation[0].report.thresholds.otherMri;
  console.log(chosen === null ? `The module holds ${held}.` : `Chosen level: ${chosen}; the module holds ${held}${chosen === held ? ' (the same)' : ' (DIFFERENT: update OTHER_MRI_MEDIAN)'}.`);
  if (chooseOnly) return;

  console.log('\nOutside volumes (measured once, never used to choose): BRATS pat0002, pat0004, and a synthetic CT');
  const outside: Outcome[] = [];
  for (const c of [...(await bratsCases('pat0002')), ...(await bratsCases('pat0004')), syntheticCt()]) outside.push(await judge(c));
  print(outside);
  summarise(outside, 'Outside:');
  for (const refusal of readerRefusals.splice(0)) console.log(`  as sent, refused by the reader: ${refusal}`);

  // the guard's cost on a 240 x 240 x 155 float32 volume, the window apart (the analysis computes it anyway)
  const flair = outside[0];
  const times: number[] = [];
  for (let run = 0; run < 9; run++) times.push((await judge(flair.case)).guardMs);
  console.log(`\nGuard time on ${flair.case.source} FLAIR (${flair.case.volume.dims.join('×')} ${flair.case.volume.datatype}), 9 runs: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; the intensity window it is given took ${flair.windowMs.toFixed(0)} ms.`);
}

await main();
