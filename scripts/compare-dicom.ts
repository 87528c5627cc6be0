/**
 * Checks the DICOM reader against what made the series and against dcm2niix:
 *
 *   npx tsx scripts/compare-dicom.ts generated/dicom/pat0001 --dcm2niix generated/dicom-nifti/pat0001.nii.gz [--analyse]
 *
 * 1. the affine read from the series against the one it was written from (geometry.json beside the files, from
 *    scripts/make-dicom-series.py);
 * 2. every voxel against dcm2niix's NIfTI of the same series: where our affine puts it in space, dcm2niix's affine must
 *    find a whole voxel with the same value (dcm2niix flips rows, so the voxel orders differ);
 * 3. with --analyse, the tumour volume from the series (the app's DICOM path) against the one from dcm2niix's NIfTI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { openVolume } from '../lib/formats/open-volume';
import { allValues, type Affine } from '../lib/volume/scalar-volume';

function invert(affine: Affine): Affine {
  const [[a, b, c], [d, e, f], [g, h, i]] = affine;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const m = [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
  const t = [0, 1, 2].map((r) => -(m[r][0] * affine[0][3] + m[r][1] * affine[1][3] + m[r][2] * affine[2][3]));
  return [...m.map((row, r) => [...row, t[r]]), [0, 0, 0, 1]];
}

const apply = (affine: Affine, p: number[]) => [0, 1, 2].map((r) => affine[r][0] * p[0] + affine[r][1] * p[1] + affine[r][2] * p[2] + affine[r][3]);

export function seriesFiles(target: string): Uint8Array[] {
  if (target.endsWith('.zip')) return [readFileSync(target)];
  return readdirSync(target).filter((name) => name.endsWith('.dcm')).sort().map((name) => readFileSync(path.join(target, name)));
}

async function main() {
  const [target, ...rest] = process.argv.slice(2);
  if (!target) throw new Error('usage: compare-dicom.ts <series folder | .zip> [--dcm2niix file.nii.gz] [--analyse]');
  const flag = (name: string) => rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : undefined;
  const files = seriesFiles(target);
  const opened = await openVolume(files, 'The FLAIR volume');
  const volume = await opened.read();
  console.log(`${target}: ${volume.dims.join('×')} voxels of ${volume.spacingMm.map((s) => s.toFixed(4)).join(' × ')} mm, ${volume.planeScaling ? 'a slope per slice' : 'one slope'}`);
  console.log('affine read from the series (RAS+):');
  for (const row of volume.affine) console.log('  ', row.map((v) => v.toFixed(5).padStart(11)).join(' '));

  const geometryFile = path.join(target.replace(/\.zip$/, ''), 'geometry.json');
  try {
    const source = JSON.parse(readFileSync(geometryFile, 'utf8')) as { affine: Affine };
    const difference = Math.max(...source.affine.flatMap((row, r) => row.map((v, c) => Math.abs(v - volume.affine[r][c]))));
    console.log(`against the affine the series was written from (${geometryFile}): max |difference| ${difference.toExponential(2)} mm`);
  } catch {
    console.log(`(no ${geometryFile} to compare with)`);
  }

  const dcm2niixFile = flag('--dcm2niix');
  if (dcm2niixFile) {
    const theirs = await readNiftiVolume(readFileSync(dcm2niixFile));
    const toTheirs = invert(theirs.affine);
    const ours = allValues(volume), theirValues = allValues(theirs);
    const [nx, ny, nz] = volume.dims;
    let offGrid = 0, valueDifference = 0, outside = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const q = apply(toTheirs, apply(volume.affine, [i, j, k]));
          const r = q.map(Math.round);
          offGrid = Math.max(offGrid, ...q.map((v, d) => Math.abs(v - r[d])));
          if (r.some((v, d) => v < 0 || v >= theirs.dims[d])) {
            outside++;
            continue;
          }
          const theirValue = theirValues[r[0] + r[1] * theirs.dims[0] + r[2] * theirs.dims[0] * theirs.dims[1]];
          const ourValue = ours[i + j * nx + k * nx * ny];
          valueDifference = Math.max(valueDifference, Math.abs(theirValue - ourValue) / Math.max(1, Math.abs(ourValue)));
        }
      }
    }
    console.log(`against dcm2niix (${dcm2niixFile}, affine from its ${theirs.affineSource}): every voxel lands within ${offGrid.toExponential(2)} voxels of one of theirs; ${outside} outside their grid; values agree to ${valueDifference.toExponential(2)} (relative)`);
    if (rest.includes('--analyse')) {
      const fromSeries = await analyseVolume({ flair: files });
      const fromNifti = await analyseVolume({ flair: readFileSync(dcm2niixFile) });
      const percent = (100 * (fromSeries.tumourVolumeMl - fromNifti.tumourVolumeMl)) / Math.max(fromNifti.tumourVolumeMl, 1e-9);
      console.log(`tumour volume: ${fromSeries.tumourVolumeMl.toFixed(2)} mL from the DICOM series, ${fromNifti.tumourVolumeMl.toFixed(2)} mL from dcm2niix's NIfTI (${percent >= 0 ? '+' : ''}${percent.toFixed(2)}%); tumour slices ${fromSeries.tumourSlices} and ${fromNifti.tumourSlices}`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
