import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readManifest } from '../lib/model/manifest';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { makeNifti } from '../testkit/nifti-synthetic';
import { PATIENT_TAGS, seriesFromVolume } from '../testkit/dicom-synthetic';

// The cohort command on a temporary folder: a picture, a NIfTI volume, a DICOM series with every patient tag filled,
// and broken files; then stopped (a cut-off CSV) and resumed.

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const FAKE = Object.fromEntries(Object.keys(PATIENT_TAGS).map((name) => [name, name === 'PatientBirthDate' ? '19010203' : `ZZCOHORT${name.toUpperCase()}`]));

function syntheticHead(): { dims: [number, number, number]; values: Int16Array } {
  const dims: [number, number, number] = [64, 64, 6];
  const values = new Int16Array(64 * 64 * 6);
  for (let k = 1; k < 5; k++) for (let j = 0; j < 64; j++) for (let i = 0; i < 64; i++) {
    if (Math.hypot(i - 32, j - 32) < 26) values[i + j * 64 + k * 4096] = 100 + ((i * 7 + j * 3) % 20) + (Math.hypot(i - 26, j - 29) < 8 ? 200 : 0);
  }
  return { dims, values };
}

function makeFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'cohort-'));
  mkdirSync(path.join(folder, 'slices'));
  mkdirSync(path.join(folder, 'patient-a', 'flair'), { recursive: true });
  copyFileSync(path.join(root, 'e2e/fixtures/tumour-flair.png'), path.join(folder, 'slices', 'tumour, "quoted".png'));
  writeFileSync(path.join(folder, 'slices', 'broken.png'), 'this is not a picture');
  writeFileSync(path.join(folder, 'truncated.nii.gz'), makeNifti({ dims: [64, 64, 6], gzip: true }).subarray(0, 200));
  const head = syntheticHead();
  const affine = [[-3, 0, 0, 90], [0, -3, 0, 100], [0, 0, 4, -20], [0, 0, 0, 1]];
  writeFileSync(path.join(folder, 'head.nii.gz'), makeNifti({ dims: head.dims, datatype: 'int16', values: head.values, pixdim: [3, 3, 4], sform: { code: 1, rows: affine.slice(0, 3) }, gzip: true }));
  const series = seriesFromVolume({ ...head, affine }, { seriesNumber: 7, patient: FAKE });
  series.forEach((file, k) => writeFileSync(path.join(folder, 'patient-a', 'flair', `IM${k}`), file)); // no extension, as scanners write them
  writeFileSync(path.join(folder, 'notes.txt'), 'not a scan');
  return folder;
}

async function analyse(folder: string, out: string, masks?: string) {
  const args = ['--import', 'tsx', 'scripts/analyse.ts', folder, '--out', out, ...(masks ? ['--masks', masks] : [])];
  return run(process.execPath, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
}

function rows(csv: string): string[][] {
  // the fixture's values hold no newlines; a quoted comma is the only quoting to undo
  return csv.trim().split('\n').map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, 9).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')));
}

test('every scan gets one row, bad files become error rows, a stopped run resumes without repeating a scan', { timeout: 240_000 }, async () => {
  const folder = makeFolder();
  const out = path.join(folder, '..', `${path.basename(folder)}.csv`);
  const masks = `${folder}-masks`;
  const first = await analyse(folder, out, masks);
  assert.match(first.stderr, /5 scans under .* \(1 other files skipped\); 0 already in .*, 5 to analyse/);
  assert.match(first.stderr, /Analysed 5 scans \(2 with errors\) in [\d.]+ s: [\d.]+ scans per minute/);
  const csv = readFileSync(out, 'utf8');
  const [header, ...body] = rows(csv);
  assert.deepEqual(header, ['file', 'kind', 'label', 'probability', 'tumour_ml', 'tumour_px', 'slices_with_tumour', 'model_version', 'error']);
  const byFile = Object.fromEntries(body.map((row) => [row[0], row]));
  assert.deepEqual(Object.keys(byFile).sort(), ['head.nii.gz', 'patient-a/flair/#series-7', 'slices/broken.png', 'slices/tumour, "quoted".png', 'truncated.nii.gz']);

  const picture = byFile['slices/tumour, "quoted".png'];
  assert.deepEqual([picture[1], picture[2], picture[7], picture[8]], ['image', 'Tumor', readManifest().model.version, '']);
  assert.ok(Number(picture[5]) > 1000);
  const nifti = byFile['head.nii.gz'], dicom = byFile['patient-a/flair/#series-7'];
  assert.equal(nifti[1], 'nifti');
  assert.equal(dicom[1], 'dicom-series');
  // the same head as NIfTI and as a DICOM series: the same answer
  assert.deepEqual(dicom.slice(2, 7), nifti.slice(2, 7));
  assert.match(byFile['slices/broken.png'][8], /not an image we can read/);
  assert.match(byFile['truncated.nii.gz'][8], /damaged or cut-off \.gz file|cut off/);

  // patient tags never reach the results or the masks
  const maskFile = path.join(masks, 'patient-a', 'flair', 'series-7-tumour-mask.nii.gz');
  assert.ok(existsSync(maskFile));
  assert.ok(existsSync(path.join(masks, 'head-tumour-mask.nii.gz')));
  assert.ok(existsSync(path.join(masks, 'slices', 'tumour, "quoted"-tumour-mask.png')));
  const everything = [csv, first.stdout, first.stderr, gunzipSync(readFileSync(maskFile)).toString('latin1')].join('\n');
  for (const value of Object.values(FAKE)) assert.ok(!everything.includes(value), `${value} leaked`);

  // stopped mid-way: two rows done, the third cut off while it was written
  const lines = csv.split('\n');
  writeFileSync(out, `${lines.slice(0, 3).join('\n')}\n${lines[3].slice(0, 10)}`);
  const resumed = await analyse(folder, out);
  assert.match(resumed.stderr, /2 already in .*, 3 to analyse/);
  const again = rows(readFileSync(out, 'utf8')).slice(1).map((row) => row[0]).sort();
  assert.deepEqual(again, Object.keys(byFile).sort());
  const finished = await analyse(folder, out);
  assert.match(finished.stderr, /5 already in .*, 0 to analyse/);
});
