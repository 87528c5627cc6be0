/**
 * Runs the committed ONNX model through the app's own code path (decode, preprocessing, model, postprocessing)
 * over a folder laid out like ../shared/data/lgg, or over NIfTI volumes. --modalities defaults to flair (FLAIR alone).
 *
 *   npm run evaluate -- --data ../shared/data/lgg [--modalities flair|all] [--include-seen] [--record]
 *   npm run evaluate -- --volumes ../shared/data/brats2013 [--record]
 *
 * Patients the model was trained or calibrated on (listed in models/manifest.json) are skipped unless --include-seen.
 * The last line printed is one JSON object.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { isUploadError } from '../lib/errors';
import { atThreshold, DiceAccumulator, expectedCalibrationError, median, rocAuc } from '../lib/evaluation/metrics';
import { modelsDirectory, readManifest } from '../lib/model/manifest';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    volumes: { type: 'string' },
    modalities: { type: 'string' },
    'include-seen': { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
  },
});

function recordMetrics(key: string, figures: object): void {
  const file = path.join(modelsDirectory(), 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.metrics[key] = { ...figures, measuredBy: `npm run evaluate (${new Date().toISOString().slice(0, 10)})` };
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

async function flairAsGreyPng(bytes: Buffer): Promise<Uint8Array> {
  return sharp(bytes).extractChannel(1).png().toBuffer();
}

async function evaluateSlices(root: string, modalities: 'flair' | 'all', includeSeen: boolean) {
  const manifest = readManifest();
  const seen = new Set([...manifest.split.train, ...manifest.split.val]);
  const patients = readdirSync(root).filter((name) => statSync(path.join(root, name)).isDirectory()).sort();
  const chosen = includeSeen ? patients : patients.filter((p) => !seen.has(p));
  console.log(`${chosen.length} patients (${patients.length - chosen.length} skipped: seen in training or calibration), modalities ${modalities}`);

  const labels: boolean[] = [], probabilities: number[] = [], dices: number[] = [], times: number[] = [];
  const dicesWithTumour: number[] = []; // patients with at least 1,000 tumour pixels in all
  const bySize: { patient: string; tumourPx: number; dice: number }[] = [];
  let rejected = 0, disagreements = 0;
  for (const patient of chosen) {
    const folder = path.join(root, patient);
    const slices = readdirSync(folder).filter((n) => n.endsWith('.png') && !n.endsWith('_mask.png'))
      .sort((a, b) => Number(a.match(/_(\d+)\.png$/)![1]) - Number(b.match(/_(\d+)\.png$/)![1]));
    const dice = new DiceAccumulator();
    let tumourPx = 0;
    for (const name of slices) {
      const bytes = readFileSync(path.join(folder, name));
      const truth = new Uint8Array(await sharp(readFileSync(path.join(folder, name.replace(/\.png$/, '_mask.png')))).extractChannel(0).raw().toBuffer());
      const flair = modalities === 'flair' ? await flairAsGreyPng(bytes) : bytes;
      let probability = 0, mask: Uint8Array | null = null;
      try {
        const analysis = await analyseSlice({ flair, reading: modalities === 'flair' ? 'grayscale' : 'layered' });
        probability = analysis.result.probability;
        mask = analysis.result.mask;
        // one decision: Tumor draws something, No Tumor draws nothing
        if ((analysis.result.label === 'Tumor') !== (analysis.result.tumourAreaPx > 0)) disagreements++;
        times.push(analysis.timingsMs.total);
      } catch (error) {
        if (!isUploadError(error)) throw error;
        rejected++; // refused as not an MRI slice: counted as No Tumor with no mask
      }
      labels.push(truth.some((v) => v > 127));
      tumourPx += truth.reduce((n, v) => n + (v > 127 ? 1 : 0), 0);
      probabilities.push(probability);
      dice.add(mask, truth);
    }
    dices.push(dice.dice);
    if (tumourPx >= 1000) dicesWithTumour.push(dice.dice);
    if (tumourPx > 0) bySize.push({ patient, tumourPx, dice: dice.dice });
    console.log(`${patient}: ${slices.length} slices, Dice ${dice.dice.toFixed(3)}`);
  }
  const threshold = manifest.thresholds.slice;
  return {
    patients: chosen.length,
    slices: labels.length,
    auc: rocAuc(labels, probabilities),
    ...atThreshold(labels, probabilities, threshold),
    threshold,
    ece: expectedCalibrationError(labels, probabilities),
    dice_mean: dices.reduce((a, b) => a + b, 0) / dices.length,
    dice_median: median(dices),
    dice_worst_with_1000px: Math.min(...dicesWithTumour),
    ...smallestTumours(bySize, 5),
    label_drawing_disagreements: disagreements,
    ms_per_slice: times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1),
    rejected_as_not_mri: rejected,
  };
}

/** Dice against tumour size: the patients with the fewest tumour pixels (at least 1) are where a small tumour is missed. */
function smallestTumours(bySize: { patient: string; tumourPx: number; dice: number }[], count: number) {
  const sorted = [...bySize].sort((a, b) => a.tumourPx - b.tumourPx), smallest = sorted.slice(0, count);
  return {
    [`dice_mean_smallest_${count}`]: smallest.reduce((sum, p) => sum + p.dice, 0) / smallest.length,
    [`smallest_${count}`]: smallest.map((p) => ({ tumourPx: p.tumourPx, dice: Number(p.dice.toFixed(3)) })),
    dice_by_tumour_px: sorted.map((p) => [p.tumourPx, Number(p.dice.toFixed(3))]),
  };
}

async function main() {
  if (values.volumes) {
    const { evaluateVolumes } = await import('./evaluate-volumes');
    await evaluateVolumes(values.volumes, { modalities: values.modalities === 'all' ? 'all' : 'flair', includeSeen: values['include-seen'], record: values.record ? (figures: object) => recordMetrics('brats2013', figures) : undefined });
    return;
  }
  if (!values.data) throw new Error('Give --data DIR (slices laid out like ../shared/data/lgg) or --volumes DIR.');
  const modalities = values.modalities === 'all' ? 'all' : 'flair';
  const figures = await evaluateSlices(values.data, modalities, values['include-seen']);
  if (values.record) recordMetrics(`app_${modalities}`, figures);
  console.log(JSON.stringify(figures));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
