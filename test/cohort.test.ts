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
import { createHash } from 'node:crypto';
import { CSV_COLUMNS } from '../lib/cohort/analyse-scan';
import { PATIENT_TAGS } from '../testkit/dicom-synthetic';
import { bratsSeries } from '../testkit/dicom-fixtures';
import { makeNifti } from '../testkit/nifti-synthetic';

// The cohort command on a temporary folder: a picture, a real NIfTI volume and the same as a DICOM series with every patient tag filled,
// and broken files; then stopped (a cut-off CSV) and resumed.

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const FAKE = Object.fromEntries(Object.keys(PATIENT_TAGS).map((name) => [name, name === 'PatientBirthDate' ? '19010203' : `ZZCOHORT${name.toUpperCase()}`]));

function makeFolder(series: Uint8Array[]): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'cohort-'));
  mkdirSync(path.join(folder, 'slices'));
  mkdirSync(path.join(folder, 'patient-a', 'flair'), { recursive: true });
  copyFileSync(path.join(root, 'e2e/fixtures/tumour-flair.png'), path.join(folder, 'slices', 'tumour, "quoted".png'));
  writeFileSync(path.join(folder, 'slices', 'broken.png'), 'this is not a picture');
  writeFileSync(path.join(folder, 'truncated.nii.gz'), makeNifti({ dims: [64, 64, 6], gzip: true }).subarray(0, 200));
  // a real FLAIR volume, as NIfTI and as a DICOM series (the volume guard refuses made-up heads, as it should)
  copyFileSync(path.join(root, 'e2e/fixtures/brats-pat0001-flair.nii.gz'), path.join(folder, 'head.nii.gz'));
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
  return csv.trim().split('\n').map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, CSV_COLUMNS.length));
}

test('every scan gets one row, bad files become error rows, a stopped run resumes without repeating a scan', { timeout: 240_000 }, async () => {
  const folder = makeFolder(await bratsSeries({ seriesNumber: 7, patient: FAKE }));
  const out = path.join(folder, '..', `${path.basename(folder)}.csv`);
  const masks = `${folder}-masks`;
  const first = await analyse(folder, out, masks);
  assert.match(first.stderr, /5 scans under .* \(1 other files skipped\); 0 already in .*, 5 to analyse/);
  assert.match(first.stderr, /Analysed 5 scans \(2 with errors\) in [\d.]+ s: [\d.]+ scans per minute/);
  const csv = readFileSync(out, 'utf8');
  const [header, ...body] = rows(csv);
  assert.deepEqual(header, [...CSV_COLUMNS]);
  const byFile = Object.fromEntries(body.map((row) => [row[0], Object.fromEntries(header.map((column, i) => [column, row[i]]))]));
  assert.deepEqual(Object.keys(byFile).sort(), ['head.nii.gz', 'patient-a/flair/#series-7', 'slices/broken.png', 'slices/tumour, "quoted".png', 'truncated.nii.gz']);

  const picture = byFile['slices/tumour, "quoted".png'];
  assert.deepEqual([picture.kind, picture.label, picture.model_version, picture.error, picture.guard], ['image', 'Tumor', readManifest().model.version, '', 'axial-flair']);
  assert.ok(Number(picture.tumour_px) > 1000);
  assert.equal(picture.sha256, createHash('sha256').update(readFileSync(path.join(folder, 'slices', 'tumour, "quoted".png'))).digest('hex'));
  const nifti = byFile['head.nii.gz'], dicom = byFile['patient-a/flair/#series-7'];
  assert.deepEqual([nifti.kind, dicom.kind], ['nifti', 'dicom-series']);
  // the same head as NIfTI and as a DICOM series (stored as int16): the same answer, the same report
  for (const row of [nifti, dicom]) assert.deepEqual([row.label, row.guard, row.warning, row.error, row.lesions, row.multifocal], ['Tumor', 'axial-flair', '', '', '1', 'false']);
  assert.ok(Math.abs(Number(dicom.tumour_ml) / Number(nifti.tumour_ml) - 1) < 0.01, `${dicom.tumour_ml} against ${nifti.tumour_ml} mL`);
  assert.ok(Math.abs(Number(dicom.left_share) - Number(nifti.left_share)) < 0.01 && Number(nifti.sum_of_products_mm2) > 0);
  assert.match(byFile['slices/broken.png'].error, /not an image we can read/);
  assert.match(byFile['truncated.nii.gz'].error, /damaged or cut-off \.gz file|cut off/);

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
