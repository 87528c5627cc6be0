/**
 * The report of the expert's labels beside the report of the predicted mask, on the shared BRATS volumes: lesions of at
 * least 1 mL, laterality and the RANO products, through the same report code on the same grid and head.
 *
 *   npx tsx scripts/compare-reports.ts ../shared/data/brats2013
 *
 * pat0001 and pat0003 trained the tumour model; pat0002 and pat0004 are the outside test. Prints a Markdown table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { buildVolumeReport, type VolumeReport } from '../lib/report/report';
import { allValues } from '../lib/volume/scalar-volume';
import { readSlice } from '../lib/volume/slices';
import { TumourMask } from '../lib/volume/tumour-mask';

const root = process.argv[2] ?? '../shared/data/brats2013';
const largeLesions = (report: VolumeReport) => report.lesions.filter((lesion) => lesion.volumeMl >= 1).length;
const products = (report: VolumeReport) => report.bidimensional.map((b) => b.productMm2.toFixed(0)).join(' / ') || '-';
const side = (report: VolumeReport) => (report.laterality ? `${report.laterality.left.toFixed(2)} L / ${report.laterality.right.toFixed(2)} R` : 'null');

console.log('| volume | mask | tumour mL | lesions ≥ 1 mL | multifocal | laterality | RANO products mm² | sum mm² |');
console.log('|---|---|---|---|---|---|---|---|');
for (const folder of readdirSync(root).filter((name) => name.startsWith('brats_')).sort()) {
  const file = (pattern: RegExp) => path.join(root, folder, readdirSync(path.join(root, folder)).find((name) => pattern.test(name))!);
  const analysis = await analyseVolume({ flair: readFileSync(file(/^Flair/)) });
  const labels = await readNiftiVolume(readFileSync(file(/^OTMultiClass/)));
  const values = allValues(labels);
  const expert = new TumourMask(analysis.grid);
  const plane = new Float32Array(analysis.grid.width * analysis.grid.height);
  for (let index = 0; index < analysis.grid.count; index++) {
    readSlice(values, analysis.grid, index, plane);
    if (plane.some((v) => v > 0)) expert.set(index, Uint8Array.from(plane, (v) => (v > 0 ? 1 : 0)));
  }
  const reports: Array<[string, VolumeReport]> = [['expert', buildVolumeReport(expert, analysis.geometry, analysis.head)], ['predicted', analysis.report]];
  for (const [which, report] of reports) {
    console.log(`| ${folder.replace(/^brats_2013_|_1$/g, '')} | ${which} | ${report.tumourVolumeMl.toFixed(1)} | ${largeLesions(report)} | ${report.multifocal} | ${side(report)} | ${products(report)} | ${report.sumOfProductsMm2.toFixed(0)} |`);
  }
}
