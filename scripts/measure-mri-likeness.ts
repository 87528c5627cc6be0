/**
 * How the "is this a brain MRI slice?" guard does on pictures it was never trained or tuned on.
 *
 *   npx tsx scripts/measure-mri-likeness.ts [--corpus DIR] [--real DIR] [--split FILE] [--show-misses] [--write]
 *
 * Not MRI: the frozen measuring split (training/guard-corpus-split.json) of the corpus built by training/guard_corpus.py.
 * Real slices: the set built by training/guard_real.py from LGG TEST patients (grey FLAIR and RGB) and BRATS pat0002 and
 * pat0004, as sent and under every upload transform; T1 and T1c alone, sagittal and coronal planes as sent. Every picture
 * goes through the app's own decode, letterbox and reading, then judgeUpload, exactly as an upload does. --write records the
 * figures in models/guard.json under metrics.measured.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { judgeUpload, type GuardVerdict } from '../lib/analysis/mri-guard';
import { chooseReadings, channelsFor } from '../lib/analysis/readings';
import { decodeImage } from '../lib/formats/open-image';
import { letterbox } from '../lib/imaging/letterbox';
import { VISIBLE_SHARE } from '../lib/imaging/mri-likeness';
import { letterboxPixels } from '../lib/imaging/raster';
import { readManifest } from '../lib/model/manifest';
import { modelsDirectory } from '../lib/model/manifest';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const corpusDir = option('--corpus', 'training/cache/guard-corpus');
const realDir = option('--real', 'training/cache/guard-real');
const splitFile = option('--split', 'training/guard-corpus-split.json');
const showMisses = process.argv.includes('--show-misses');
const inputSize = readManifest().normalisation.resize.size;

type Outcome = GuardVerdict | 'unreadable';
const timings: number[] = [];

/** An upload's path up to the guard: decode, letterbox, the readings, then judgeUpload on the colours as sent. */
async function judge(bytes: Uint8Array): Promise<Outcome> {
  try {
    const image = await decodeImage(bytes);
    const box = letterbox(image.width, image.height, inputSize);
    const readings = chooseReadings(image, false, 'auto');
    const reading = readings.includes('layered') ? 'layered' : readings[0];
    const boxed = await letterboxPixels(channelsFor(reading, image), image.width, image.height, box);
    const started = performance.now();
    const report = await judgeUpload(boxed, box);
    timings.push(performance.now() - started);
    return report.verdict;
  } catch {
    return 'unreadable';
  }
}

const refused = (o: Outcome) => o === 'refused' || o === 'not-mri' || o === 'unreadable'; // a 4xx: not answered as sent
const flagged = (o: Outcome) => refused(o) || o === 'other-mri'; // any sign that something is off

class Tally {
  readonly rows = new Map<string, { n: number; counts: Record<string, number>; misses: string[] }>();
  add(key: string, outcome: Outcome, name: string, miss: boolean) {
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { n: 0, counts: {}, misses: [] }));
    row.n++;
    row.counts[outcome] = (row.counts[outcome] ?? 0) + 1;
    if (miss) row.misses.push(name);
  }
  print(title: string, columns: Array<[string, (o: Outcome) => boolean]>) {
    console.log(`\n${title}`);
    console.log('  ' + 'group'.padEnd(52) + 'n'.padStart(6) + columns.map(([name]) => name.padStart(16)).join(''));
    for (const [key, row] of [...this.rows].sort(([a], [b]) => a.localeCompare(b))) {
      const cells = columns.map(([, test]) => {
        const k = Object.entries(row.counts).filter(([o]) => test(o as Outcome)).reduce((s, [, c]) => s + c, 0);
        return `${k} (${((100 * k) / row.n).toFixed(1)}%)`.padStart(16);
      });
      console.log('  ' + key.padEnd(52) + String(row.n).padStart(6) + cells.join(''));
      if (showMisses && row.misses.length) console.log(`      misses: ${row.misses.slice(0, 12).join(', ')}${row.misses.length > 12 ? ' …' : ''}`);
    }
  }
  rate(test: (o: Outcome) => boolean, keys = [...this.rows.keys()]) {
    let n = 0, k = 0;
    for (const key of keys) {
      const row = this.rows.get(key);
      if (!row) continue;
      n += row.n;
      for (const [o, c] of Object.entries(row.counts)) if (test(o as Outcome)) k += c;
    }
    return { n, k, rate: n ? k / n : 0 };
  }
}

interface CorpusItem { file: string; category: string; source: string; split: string }
interface RealItem { file: string; kind: string; family: string; patient: string; visibleBrain: number }

async function measureCorpus() {
  const split = JSON.parse(readFileSync(splitFile, 'utf8')) as { measure: string[]; round_on_dark: string[] };
  const index = new Map((JSON.parse(readFileSync(path.join(corpusDir, 'index.json'), 'utf8')) as CorpusItem[]).map((item) => [item.file, item]));
  const byCategory = new Tally(), bySource = new Tally();
  for (const file of split.measure) {
    const item = index.get(file);
    if (!item || item.split !== 'measure') throw new Error(`${file} is not in the built corpus's measuring split: rebuild it with training/guard_corpus.py`);
    const outcome = await judge(readFileSync(path.join(corpusDir, file)));
    byCategory.add(item.category, outcome, file, !refused(outcome));
    bySource.add(item.source, outcome, file, !refused(outcome));
  }
  const columns: Array<[string, (o: Outcome) => boolean]> = [['flagged', refused], ['other-MRI warn', (o) => o === 'other-mri'], ['passed', (o) => o === 'axial-flair']];
  byCategory.print('NOT MRI (frozen measuring split), by category', columns);
  bySource.print('NOT MRI, by source', columns);
  const total = byCategory.rate(refused);
  const round = byCategory.rate(refused, split.round_on_dark);
  const worst = [...byCategory.rows.keys()].map((key) => ({ key, ...byCategory.rate(refused, [key]) })).sort((a, b) => a.rate - b.rate)[0];
  console.log(`\nnot MRI flagged: ${total.k}/${total.n} = ${(100 * total.rate).toFixed(2)}% (target >= 98%)`);
  console.log(`  round things on dark backgrounds: ${round.k}/${round.n} = ${(100 * round.rate).toFixed(2)}% (target >= 95%)`);
  console.log(`  weakest category: ${worst.key} ${(100 * worst.rate).toFixed(2)}% (target: every category >= 90%)`);
  const categories = Object.fromEntries([...byCategory.rows.keys()].map((key) => [key, byCategory.rate(refused, [key])]));
  const sources = Object.fromEntries([...bySource.rows.keys()].map((key) => [key, bySource.rate(refused, [key])]));
  return { flagged: total, roundOnDark: round, categories, sources };
}

async function measureReal() {
  const index = JSON.parse(readFileSync(path.join(realDir, 'index.json'), 'utf8')) as RealItem[];
  const axial = new Tally(), families = new Tally(), blank = new Tally(), others = new Tally();
  for (const item of index) {
    const outcome = await judge(readFileSync(path.join(realDir, item.file)));
    const visible = item.visibleBrain >= VISIBLE_SHARE;
    const name = `${item.patient}_${path.basename(item.file)}`;
    if (item.kind.startsWith('axial-flair') || item.kind === 'brats-axial-flair') {
      if (!visible) blank.add(`${item.kind} ${item.family === 'as-sent' ? 'as sent' : 'transformed'}`, outcome, name, refused(outcome));
      else {
        axial.add(`${item.kind} ${item.family === 'as-sent' ? 'as sent' : 'transformed'}`, outcome, name, flagged(outcome));
        families.add(item.family, outcome, name, flagged(outcome));
      }
    } else if (visible) {
      others.add(item.kind, outcome, name, outcome !== 'other-mri');
    }
  }
  const columns: Array<[string, (o: Outcome) => boolean]> = [['refused (422)', refused], ['flagged (any)', flagged], ['other-MRI warn', (o) => o === 'other-mri']];
  axial.print('REAL AXIAL FLAIR slices with visible brain (>= 3% of FLAIR pixels >= 20)', columns);
  families.print('  the same, by upload transform', columns);
  blank.print('BLANK slices (visible brain < 3%): answered (200) unless refused', [
    ['one flat colour', (o) => o === 'refused'], ['flagged not-MRI', (o) => o === 'not-mri'], ['answered', (o) => !refused(o)]]);
  others.print('OTHER MRI (visible brain >= 3%): recognised = 200 with the other-MRI warning', [
    ['recognised', (o) => o === 'other-mri'], ['as axial FLAIR', (o) => o === 'axial-flair'], ['flagged not-MRI', refused]]);
  const sentKeys = [...axial.rows.keys()].filter((k) => k.endsWith('as sent'));
  const transformedKeys = [...axial.rows.keys()].filter((k) => k.endsWith('transformed'));
  const asSent = axial.rate(refused, sentKeys), asSentFlagged = axial.rate(flagged, sentKeys);
  const tRefused = axial.rate(refused, transformedKeys), tFlagged = axial.rate(flagged, transformedKeys);
  console.log(`\nreal slices as sent: refused ${asSent.k}/${asSent.n} (target 0), flagged in any way ${asSentFlagged.k}/${asSentFlagged.n}`);
  console.log(`real slices under upload transforms: refused ${tRefused.k}/${tRefused.n} = ${(100 * tRefused.rate).toFixed(2)}% (target <= 0.1%), ` +
    `flagged in any way ${tFlagged.k}/${tFlagged.n} = ${(100 * tFlagged.rate).toFixed(2)}% (target <= 1%)`);
  const recognised = Object.fromEntries([...others.rows.keys()].map((key) => [key, others.rate((o) => o === 'other-mri', [key])]));
  return {
    asSent: { refused: asSent, flagged: asSentFlagged },
    transformed: { refused: tRefused, flagged: tFlagged },
    byTransform: Object.fromEntries([...families.rows.keys()].map((key) => [key, { refused: families.rate(refused, [key]), flagged: families.rate(flagged, [key]) }])),
    blankAnswered: blank.rate((o) => !refused(o)),
    otherMriRecognised: recognised,
  };
}

async function main() {
  const started = performance.now();
  const notMri = existsSync(corpusDir) ? await measureCorpus() : null;
  const real = existsSync(realDir) ? await measureReal() : null;
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
  const cost = { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
  console.log(`\nguard cost per upload (certain checks + input + classifier, model loaded): p50 ${cost.p50.toFixed(2)} ms, p95 ${cost.p95.toFixed(2)} ms, p99 ${cost.p99.toFixed(2)} ms`);
  console.log(`${timings.length} pictures in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (process.argv.includes('--write')) {
    const file = path.join(modelsDirectory(), 'guard.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.metrics.measured = { notMri, real, costMs: { p50: +cost.p50.toFixed(3), p95: +cost.p95.toFixed(3) }, by: 'scripts/measure-mri-likeness.ts' };
    writeFileSync(file, JSON.stringify(manifest, null, 1) + '\n');
    console.log(`recorded in ${file}`);
  }
}

await main();
