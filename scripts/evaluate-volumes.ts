/**
 * Runs analyseVolume (the app's own volume path) over folders laid out like ../shared/data/brats2013 and compares the
 * mask with the expert labels (whole tumour = label > 0).
 *
 *   npx tsx -e "import('./scripts/evaluate-volumes.ts').then((m) => m.evaluateVolumes('../shared/data/brats2013'))"
 *   npm run evaluate -- --volumes ../shared/data/brats2013
 *
 * One line per volume; the last line printed is one JSON object.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { DiceAccumulator } from '../lib/evaluation/metrics';
import { readManifest } from '../lib/model/manifest';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';

export interface VolumeEvaluationOptions {
  /** 'flair' (default): FLAIR alone; 'all': FLAIR with T1c when the folder has one. */
  modalities?: 'flair' | 'all';
  /** Also the volumes the model was trained on (models/manifest.json split.volumes_train); by default they are skipped. */
  includeSeen?: boolean;
  /** Called with the summary, e.g. to record it in models/manifest.json. */
  record?: (figures: object) => void;
}

const isNifti = (name: string) => /\.nii(\.gz)?$/i.test(name);

export function findFile(folder: string, pattern: RegExp): string | undefined {
  const name = readdirSync(folder).filter(isNifti).sort().find((n) => pattern.test(n));
  return name ? path.join(folder, name) : undefined;
}

export async function evaluateVolumes(dir: string, options: VolumeEvaluationOptions = {}): Promise<void> {
  const modalities = options.modalities ?? 'flair';
  const seen = readManifest().split.volumes_train;
  const all = readdirSync(dir).filter((name) => statSync(path.join(dir, name)).isDirectory()).sort();
  const patients = options.includeSeen ? all : all.filter((name) => !seen.some((id) => name.includes(id)));
  console.log(`${patients.length} volumes (${all.length - patients.length} skipped: trained on)`);
  const dices: number[] = [], volumeErrors: number[] = [], relativeErrors: number[] = [], signedErrors: number[] = [], seconds: number[] = [];
  for (const patient of patients) {
    const folder = path.join(dir, patient);
    const flairFile = findFile(folder, /flair/i);
    const labelFile = findFile(folder, /^OTMultiClass|seg/i);
    if (!flairFile || !labelFile) {
      console.log(`${patient}: skipped (no FLAIR or no label volume)`);
      continue;
    }
    const t1cFile = modalities === 'all' ? findFile(folder, /t1c/i) : undefined;
    const analysis = await analyseVolume({ flair: readFileSync(flairFile), t1c: t1cFile ? readFileSync(t1cFile) : undefined });
    const labels = await readNiftiVolume(readFileSync(labelFile), 'The label volume');
    const truth = Uint8Array.from(allValues(labels), (v) => (v > 0 ? 1 : 0));
    const dice = new DiceAccumulator();
    dice.add(analysis.mask.toVolume(), truth);
    const voxelMl = (labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
    const trueMl = truth.reduce((sum, v) => sum + v, 0) * voxelMl;
    dices.push(dice.dice);
    volumeErrors.push(Math.abs(analysis.tumourVolumeMl - trueMl));
    relativeErrors.push(Math.abs(analysis.tumourVolumeMl - trueMl) / trueMl);
    signedErrors.push((analysis.tumourVolumeMl - trueMl) / trueMl); // below zero: drawn too small
    seconds.push(analysis.timingsMs.total / 1000);
    const analysed = analysis.slices.filter((s) => s.analysed).length;
    console.log(
      `${patient}: ${analysis.modalities}, Dice ${dice.dice.toFixed(3)}, tumour ${analysis.tumourVolumeMl.toFixed(1)} mL (true ${trueMl.toFixed(1)} mL), ` +
        `${analysis.tumourSlices} tumour slices, ${analysed}/${analysis.slices.length} slices analysed along ${analysis.axisDescription}, ` +
        `${(analysis.timingsMs.total / 1000).toFixed(2)} s (model ${(analysis.timingsMs.inference / 1000).toFixed(2)} s)`,
    );
  }
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
  const figures = {
    volumes: dices.length,
    modalities,
    patients,
    dice: dices,
    dice_mean: mean(dices),
    dice_min: Math.min(...dices),
    volume_ml_error_mean: mean(volumeErrors),
    volume_relative_error_mean: mean(relativeErrors),
    volume_error_signed: signedErrors,
    volume_bias: mean(signedErrors),
    seconds_per_volume: mean(seconds),
  };
  options.record?.(figures);
  console.log(JSON.stringify(figures));
}
