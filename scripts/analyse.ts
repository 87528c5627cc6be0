/**
 * The cohort command: every scan under a folder through the server's own code, one CSV row each.
 *
 *   npm run analyse -- <folder> --out results.csv [--masks <dir>]
 *
 * Scans: each PNG, JPEG, TIFF or WebP picture, each NIfTI file (.nii, .nii.gz), each DICOM series (files grouped by
 * SeriesInstanceUID wherever they lie; a lone DICOM image is read as a slice). A bad file becomes a row with its error.
 * Stop it any time (Ctrl-C): run the same command again and it skips every scan already in the CSV.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { analyseScan } from '../lib/cohort/analyse-scan';
import { findScans, type Scan } from '../lib/cohort/find-scans';
import { openResults } from '../lib/cohort/results-csv';
import { loadTumourModel } from '../lib/model/tumour-model';

interface Options {
  folder: string;
  out: string;
  masks?: string;
}

function parseArguments(argv: string[]): Options {
  const usage = 'usage: npm run analyse -- <folder> --out results.csv [--masks <dir>]';
  const options: Partial<Options> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') options.out = argv[++i];
    else if (argv[i] === '--masks') options.masks = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') throw new Error(usage);
    else if (!argv[i].startsWith('--') && !options.folder) options.folder = argv[i];
    else throw new Error(`unknown argument ${argv[i]}\n${usage}`);
  }
  if (!options.folder || !options.out) throw new Error(usage);
  if (!statSync(options.folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${options.folder} is not a folder\n${usage}`);
  return options as Options;
}

/** masks/<the scan's folder>/<its name>-tumour-mask.nii.gz (or .png); a series by its number. */
function maskPath(masks: string, scan: Scan, extension: string): string {
  const stem = scan.name.replace(/#series-/, 'series-').replace(/\.(nii(\.gz)?|png|jpe?g|tiff?|webp|dcm)$/i, '');
  return path.join(masks, `${stem}-tumour-mask${extension}`);
}

const minutes = (ms: number) => ms / 60000;

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const model = await loadTumourModel(); // a missing model stops the run here, not as an error row per scan
  const { scans, skipped } = findScans(options.folder, (file) => new Uint8Array(readFileSync(file)));
  const results = openResults(options.out);
  const todo = scans.filter((scan) => !results.done.has(scan.name));
  const already = scans.length - todo.length;
  console.error(`${scans.length} scans under ${options.folder} (${skipped} other files skipped); ${already} already in ${options.out}, ${todo.length} to analyse with ${model.manifest.model.name} v${model.manifest.model.version}.`);

  const bar = new cliProgress.SingleBar({
    format: '{bar} {value}/{total} scans | {rate} scans/min | ETA {eta_formatted} | {scan}',
    hideCursor: true,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  let analysed = 0, errors = 0;
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
    console.error('\nStopping after the scan in hand; run the same command again to resume.');
  });
  bar.start(scans.length, already, { rate: '-', scan: '' });
  for (const scan of todo) {
    if (stopping) break;
    bar.update({ scan: scan.name.slice(-50) });
    const { row, mask } = await analyseScan(scan, model.manifest.model.version, Boolean(options.masks));
    if (mask && options.masks) {
      const file = maskPath(options.masks, scan, mask.extension);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, mask.bytes);
    }
    results.append(row);
    analysed++;
    if (row.error) errors++;
    bar.increment({ rate: (analysed / minutes(performance.now() - started)).toFixed(1) });
  }
  bar.stop();
  const elapsed = performance.now() - started;
  console.error(`Analysed ${analysed} scans (${errors} with errors) in ${(elapsed / 1000).toFixed(1)} s: ${analysed ? (analysed / minutes(elapsed)).toFixed(1) : '0'} scans per minute. Results in ${options.out}${options.masks ? `, masks in ${options.masks}` : ''}.`);
  if (stopping) process.exitCode = 130;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
