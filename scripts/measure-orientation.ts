/**
 * Slices in each of the 8 turns and mirrors, through the app's own slice path (decode, orientation reader, guard, model):
 * how many are refused or flagged, the slice AUC, and how often the reader found the turn. Test patients and outside
 * volumes only: LGG test patients (models/manifest.json split.test; FLAIR as a grey PNG) and the outside BRATS volumes,
 * rendered by the app's volume path (`npx tsx scripts/render-volume-slices.ts ../shared/data/brats2013 /tmp/outside
 * pat0002 pat0004` first). Slices with visible brain only (FLAIR >= 20 on at least 3% of the slice).
 *
 *   npx tsx scripts/measure-orientation.ts [--lgg ../shared/data/lgg] [--outside /tmp/outside] [--every 1] [--corpus DIR] [--part slices|not-mri|both]
 *     [--list-refused]   (each refused slice, its orientation and the reason: what the misses have in common)
 *     [--record]         (the figures into models/orientation.json, metrics.measured, for the model card)
 *
 * Then the not-MRI pictures of the guard corpus's measuring split (training/guard_corpus.py; the built corpus's own
 * index.json, split "measure"), in each of the 4 turns, through the same path: a picture must still be refused when turned,
 * and the reader must not turn one into an MRI slice. Skipped when the corpus is not built.
 *
 * A refused slice counts as No Tumor in the AUC, as a person would read it. The last line printed is one JSON object.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { isNotBrainMriError } from '../lib/analysis/mri-guard';
import { isUploadError } from '../lib/errors';
import { rocAuc } from '../lib/evaluation/metrics';
import { modelsDirectory, readManifest } from '../lib/model/manifest';
import { pauseTraining } from '../testkit/pause-training';

const { values } = parseArgs({ options: {
  lgg: { type: 'string', default: '../shared/data/lgg' }, outside: { type: 'string', default: '/tmp/outside' }, every: { type: 'string', default: '1' },
  corpus: { type: 'string', default: 'training/cache/guard-corpus' }, part: { type: 'string', default: 'both' },
  'list-refused': { type: 'boolean', default: false }, record: { type: 'boolean', default: false },
} });
const every = Number(values.every);

interface Source { set: 'lgg-test' | 'outside'; name: string; grey: Buffer; width: number; height: number; tumour: boolean }

const visible = (grey: Uint8Array) => grey.reduce((n, v) => n + (v >= 20 ? 1 : 0), 0) >= 0.03 * grey.length;

async function lggSources(): Promise<Source[]> {
  const sources: Source[] = [];
  for (const patient of readManifest().split.test) {
    const folder = path.join(values.lgg!, patient);
    const names = readdirSync(folder).filter((n) => /_\d+\.png$/.test(n)).sort();
    for (const name of names.filter((_, i) => i % every === 0)) {
      const { data, info } = await sharp(readFileSync(path.join(folder, name))).extractChannel(1).raw().toBuffer({ resolveWithObject: true });
      if (!visible(data)) continue;
      const mask = await sharp(readFileSync(path.join(folder, name.replace(/\.png$/, '_mask.png')))).extractChannel(0).raw().toBuffer();
      sources.push({ set: 'lgg-test', name, grey: data, width: info.width, height: info.height, tumour: mask.some((v) => v > 0) });
    }
  }
  return sources;
}

function outsideSources(): Source[] {
  const sources: Source[] = [];
  for (const patient of ['pat0002', 'pat0004']) {
    const prefix = `${values.outside}-${patient}`;
    if (!existsSync(`${prefix}.json`)) throw new Error(`${prefix}.json is missing: render the outside volumes first (see the header)`);
    const { slices, size } = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    const images = readFileSync(`${prefix}.images.u8`), masks = readFileSync(`${prefix}.masks.u8`);
    for (let s = 0; s < slices; s += every) {
      const grey = Buffer.alloc(size * size);
      for (let p = 0; p < size * size; p++) grey[p] = images[(s * size * size + p) * 3 + 1];
      if (!visible(grey)) continue;
      const mask = masks.subarray(s * size * size, (s + 1) * size * size);
      sources.push({ set: 'outside', name: `${patient} slice ${s}`, grey, width: size, height: size, tumour: mask.some((v) => v > 0) });
    }
  }
  return sources;
}

/** Counter-clockwise quarter turns, after an optional left-right mirror. */
async function orient(source: Source, quarters: number, mirrored: boolean): Promise<Uint8Array> {
  let image = sharp(source.grey, { raw: { width: source.width, height: source.height, channels: 1 } });
  if (mirrored) image = image.flop();
  if (quarters) image = sharp(await image.png().toBuffer()).rotate(360 - 90 * quarters);
  return new Uint8Array(await image.png().toBuffer());
}

/** Not-MRI pictures of the measuring split in each of the 4 turns: refused (a 4xx, as the guard's own figures count it)? */
async function notMriInTurns() {
  const index = JSON.parse(readFileSync(path.join(values.corpus!, 'index.json'), 'utf8')) as Array<{ file: string; category: string; split: string }>;
  const pictures = index.filter((item) => item.split === 'measure');
  const byTurn = [];
  for (const quarters of [0, 1, 2, 3]) {
    const categories: Record<string, { n: number; refused: number }> = {};
    for (const item of pictures) {
      const tally = (categories[item.category] ??= { n: 0, refused: 0 });
      tally.n++;
      const bytes = readFileSync(path.join(values.corpus!, item.file));
      const turned = quarters ? await sharp(bytes).rotate(360 - 90 * quarters).png().toBuffer() : bytes;
      try {
        await analyseSlice({ flair: new Uint8Array(turned), reading: 'auto' });
      } catch (error) {
        if (!isUploadError(error)) throw error;
        tally.refused++;
      }
    }
    const n = pictures.length, refused = Object.values(categories).reduce((k, c) => k + c.refused, 0);
    const worst = Object.entries(categories).map(([category, c]) => ({ category, rate: +(c.refused / c.n).toFixed(4) })).sort((a, b) => a.rate - b.rate)[0];
    const row = { orientation: `turned ${90 * quarters}°`, pictures: n, refusedPercent: +(100 * refused / n).toFixed(2), weakestCategory: worst };
    console.log(JSON.stringify(row));
    byTurn.push(row);
  }
  return byTurn;
}

/** The figures into models/orientation.json (metrics.measured), where the model card reads them. */
function recordMeasured(figures: object): void {
  const file = path.join(modelsDirectory(), 'orientation.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.metrics.measured = { ...figures, measuredBy: `npx tsx scripts/measure-orientation.ts (${new Date().toISOString().slice(0, 10)})` };
  writeFileSync(file, `${JSON.stringify(manifest, null, 1)}\n`);
}

const resume = pauseTraining();
try {
  const sources = values.part === 'not-mri' ? [] : [...(await lggSources()), ...outsideSources()];
  const rows: object[] = [];
  for (const mirrored of [false, true]) {
    for (const quarters of [0, 1, 2, 3]) {
      const bySet: Record<string, { n: number; refused: number; flagged: number; found: number; labels: boolean[]; scores: number[] }> = {};
      for (const source of sources) {
        const tally = (bySet[source.set] ??= { n: 0, refused: 0, flagged: 0, found: 0, labels: [], scores: [] });
        tally.n++;
        tally.labels.push(source.tumour);
        try {
          const analysis = await analyseSlice({ flair: await orient(source, quarters, mirrored), reading: 'auto' });
          tally.scores.push(analysis.result.probability);
          if (analysis.warning) tally.flagged++;
          if (analysis.orientation.turnDegrees === 90 * quarters) tally.found++;
        } catch (error) {
          if (!isNotBrainMriError(error)) throw error;
          if (values['list-refused']) console.log(`refused: ${source.name}, ${mirrored ? 'mirrored, ' : ''}turned ${90 * quarters}°: ${error.message}`);
          tally.refused++;
          tally.flagged++;
          tally.scores.push(0);
        }
      }
      for (const [set, t] of Object.entries(bySet)) {
        const row = { orientation: `${mirrored ? 'mirrored, ' : ''}turned ${90 * quarters}°`, set, slices: t.n, refused: t.refused, flagged: t.flagged,
          refusedPercent: +(100 * t.refused / t.n).toFixed(2), flaggedPercent: +(100 * t.flagged / t.n).toFixed(2),
          auc: +rocAuc(t.labels, t.scores).toFixed(4), turnFound: +(t.found / t.n).toFixed(4) };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  }
  const notMri = values.part !== 'slices' && existsSync(path.join(values.corpus!, 'index.json')) ? await notMriInTurns() : null;
  console.log(JSON.stringify({ rows, notMri }));
  if (values.record) recordMeasured({ every, slices: rows, notMri });
} finally {
  resume();
}
