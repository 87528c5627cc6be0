import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { ds, PATIENT_TAGS, seriesFromVolume, type SyntheticDicom } from './dicom-synthetic';
import { makeZip } from './zip-synthetic';
import { fixture } from './client';

// DICOM series for the end-to-end tests, made from the committed BRATS NIfTI fixture by the test writer, and small
// synthetic ones for the refusals.

/** Every patient tag filled with a value that must never come back from the server. */
export const FAKE_PATIENT: Record<string, string> = Object.fromEntries(
  Object.keys(PATIENT_TAGS).map((name) => [name, name === 'PatientBirthDate' ? '19010203' : `ZZPRIV${name.toUpperCase()}`]),
);

/** BRATS patient 0001's FLAIR as an int16 MR series (series 301), with a slope and intercept, written as a scanner would. */
export async function bratsSeries(base: Partial<SyntheticDicom> = {}): Promise<Uint8Array[]> {
  const volume = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  const values = allValues(volume);
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const slope = Number(ds((max - min) / 60000)), intercept = Number(ds(min + 30000 * slope));
  const stored = Int16Array.from(values, (v) => Math.round((v - intercept) / slope));
  return seriesFromVolume({ dims: volume.dims, affine: volume.affine, values: stored }, { seriesNumber: 301, slope, intercept, window: [40, 80], ...base });
}

/** A small synthetic head (64×64×6, 4 mm slices): enough for every refusal, which comes before the model. */
export function smallSeries(base: Partial<SyntheticDicom> = {}, perSlice?: (k: number, spec: SyntheticDicom) => SyntheticDicom): Uint8Array[] {
  const [nx, ny, nz] = [64, 64, 6];
  const values = new Int16Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (Math.hypot(i - 32, j - 32) < 26) values[i + j * nx + k * nx * ny] = 300 + ((i * 7 + j * 3) % 40) + (Math.hypot(i - 26, j - 30) < 7 ? 500 : 0);
  }
  return seriesFromVolume({ dims: [nx, ny, nz], affine: [[-3, 0, 0, 90], [0, -3, 0, 100], [0, 0, 4, -20], [0, 0, 0, 1]], values }, { seriesNumber: 5, ...base }, perSlice);
}

export function zipOf(files: Uint8Array[], folder = 'SERIES0001'): Buffer {
  return makeZip(files.map((data, k) => ({ name: `${folder}/IM${String(k + 1).padStart(4, '0')}`, data })));
}

/** Files on disk for a browser's file chooser: a fresh temporary folder each time. */
export function writeFiles(files: Uint8Array[], extension = '.dcm'): string[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dicom-e2e-'));
  mkdirSync(folder, { recursive: true });
  return files.map((data, k) => {
    const file = path.join(folder, `IM${String(k + 1).padStart(4, '0')}${extension}`);
    writeFileSync(file, data);
    return file;
  });
}

export function seriesForm(files: Uint8Array[], field = 'flair'): FormData {
  const form = new FormData();
  files.forEach((data, k) => form.append(field, new Blob([new Uint8Array(data)], { type: 'application/dicom' }), `IM${k + 1}.dcm`));
  return form;
}
