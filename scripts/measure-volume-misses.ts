/**
 * Where a volume's tumour is missed: the app's own volume path (analyseVolume, FLAIR alone) against the expert labels,
 * split by BRATS label (1 necrosis, 2 oedema, 3 non-enhancing, 4 enhancing tumour) and by depth inside the whole tumour
 * (1: a border voxel, with a face-neighbour outside; 2 and 3: one and two voxels further in; 4: deeper). And how bright
 * the oedema is on the FLAIR, drawn and missed: its median over the median of the brain outside the tumour (voxels above 0;
 * BRATS is skull-stripped), so that a missed rim as bright as the drawn oedema reads as a tight drawing, and one near the
 * brain's own level as an outline the FLAIR does not show.
 *
 *   npx tsx scripts/measure-volume-misses.ts ../shared/data/brats2013 pat0002 pat0004
 *
 * It answers where a volume error comes from (the models-v3 issue asks it of the outside volumes' low bias); it chooses
 * nothing. One line per volume and per split.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { median } from '../lib/evaluation/metrics';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { findFile } from './evaluate-volumes';

const DEEPEST = 4;

/** Each whole-tumour voxel's depth from the region's border, peeled one face-connected layer at a time (0 outside). */
function depthInside(inside: Uint8Array, [nx, ny, nz]: [number, number, number]): Uint8Array {
  const depth = new Uint8Array(inside.length);
  const left = Uint8Array.from(inside);
  const outside = (x: number, y: number, z: number) =>
    x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz || !left[x + nx * (y + ny * z)];
  for (let layer = 1; layer <= DEEPEST; layer++) {
    const peeled: number[] = [];
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      const i = x + nx * (y + ny * z);
      if (!left[i]) continue;
      const border = outside(x - 1, y, z) || outside(x + 1, y, z) || outside(x, y - 1, z) || outside(x, y + 1, z) || outside(x, y, z - 1) || outside(x, y, z + 1);
      if (border || layer === DEEPEST) peeled.push(i);
    }
    for (const i of peeled) { depth[i] = layer; left[i] = 0; }
  }
  return depth;
}

class Split {
  readonly groups = new Map<string, { truth: number; drawn: number }>();
  add(key: string, drawn: boolean) {
    const group = this.groups.get(key) ?? { truth: 0, drawn: 0 };
    group.truth++;
    if (drawn) group.drawn++;
    this.groups.set(key, group);
  }
  toString() {
    return [...this.groups].sort(([a], [b]) => a.localeCompare(b))
      .map(([key, { truth, drawn }]) => `${key}: ${truth} voxels, ${((100 * drawn) / truth).toFixed(1)}% drawn, ${truth - drawn} missed`).join(' | ');
  }
}

async function measure(folder: string) {
  const flairFile = findFile(folder, /flair/i), labelFile = findFile(folder, /^OTMultiClass|seg/i);
  if (!flairFile || !labelFile) return console.log(`${path.basename(folder)}: skipped (no FLAIR or no label volume)`);
  const flairBytes = readFileSync(flairFile);
  const analysis = await analyseVolume({ flair: flairBytes });
  const flair = allValues(await readNiftiVolume(flairBytes, 'The FLAIR volume'));
  const labels = await readNiftiVolume(readFileSync(labelFile), 'The label volume');
  const label = allValues(labels), drawn = analysis.mask.toVolume();
  const depth = depthInside(Uint8Array.from(label, (v) => (v > 0 ? 1 : 0)), labels.dims);
  const byLabel = new Split(), byDepth = new Split();
  const brain: number[] = [], oedemaDrawn: number[] = [], oedemaMissed: number[] = [];
  let truth = 0, outside = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] === 0 && flair[i] > 0) brain.push(flair[i]);
    if (label[i] === 2) (drawn[i] ? oedemaDrawn : oedemaMissed).push(flair[i]);
    if (label[i] > 0) {
      truth++;
      byLabel.add(`label ${label[i]}`, drawn[i] > 0);
      byDepth.add(`depth ${depth[i]}`, drawn[i] > 0);
    } else if (drawn[i]) outside++;
  }
  const inside = [...byLabel.groups.values()].reduce((sum, g) => sum + g.drawn, 0);
  console.log(`${path.basename(folder)}: ${truth} tumour voxels, ${((100 * inside) / truth).toFixed(1)}% drawn, ${outside} drawn outside; ` +
    `volume error ${((100 * (inside + outside - truth)) / truth).toFixed(1)}%`);
  console.log(`  by label: ${byLabel}`);
  console.log(`  by depth: ${byDepth}`);
  const level = median(brain);
  console.log(`  FLAIR over the brain's median: oedema drawn ${(median(oedemaDrawn) / level).toFixed(2)}, oedema missed ${(median(oedemaMissed) / level).toFixed(2)}`);
}


async function main() {
  const [dir, ...patients] = process.argv.slice(2);
  if (!dir || !patients.length) throw new Error('usage: measure-volume-misses.ts <brats folder> <patient> [...]');
  const folders = readdirSync(dir).filter((name) => patients.some((p) => name.includes(p))).sort();
  for (const folder of folders) await measure(path.join(dir, folder));
}

await main();
