import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addHeadSlice, emptyHeadSummary, type HeadSummary } from '../lib/report/head';
import { buildVolumeReport, type VolumeReport } from '../lib/report/report';
import { chooseSliceAxes } from '../lib/volume/axes';
import type { Affine, GeometrySource, VolumeGeometry } from '../lib/volume/scalar-volume';
import { readSlice, sliceGrid } from '../lib/volume/slices';
import { TumourMask } from '../lib/volume/tumour-mask';

// Masks with known answers, drawn in millimetres on voxel grids and cut into axial slices as the analysis does.

type Vec3 = [number, number, number];
type Shape = (mm: Vec3) => boolean;

/** Voxel (i, j, k) at i * spacing (mm), on an axis-aligned affine; `flipX` points i to the patient's left instead. */
function axisAffine(spacing: Vec3, flipX = false): Affine {
  return [[flipX ? -spacing[0] : spacing[0], 0, 0, 0], [0, spacing[1], 0, 0], [0, 0, spacing[2], 0], [0, 0, 0, 1]];
}

interface Scan {
  dims: Vec3;
  spacing: Vec3;
  affine: Affine;
  source?: GeometrySource;
}

/** 1 where `shape` holds at the voxel's centre, in the voxel frame (i * spacing, j * spacing, k * spacing), i fastest. */
function voxels({ dims, spacing }: Scan, shape: Shape): Uint8Array {
  const volume = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, v = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, v++) volume[v] = shape([i * spacing[0], j * spacing[1], k * spacing[2]]) ? 1 : 0;
  }
  return volume;
}

/** The report of a tumour and a head given as voxel volumes (or shapes) on a scan. */
function report(scan: Scan, tumour: Uint8Array | Shape, head: Uint8Array | Shape = () => true): VolumeReport {
  const grid = sliceGrid(scan.dims, scan.spacing, chooseSliceAxes(scan.affine));
  const tumourVoxels = typeof tumour === 'function' ? voxels(scan, tumour) : tumour;
  const headVoxels = typeof head === 'function' ? voxels(scan, head) : head;
  const mask = new TumourMask(grid);
  const summary: HeadSummary = emptyHeadSummary(grid.count);
  for (let s = 0; s < grid.count; s++) {
    const slice = readSlice(tumourVoxels, grid, s, new Uint8Array(grid.width * grid.height));
    if (slice.includes(1)) mask.set(s, slice);
    addHeadSlice(summary, s, readSlice(headVoxels, grid, s, new Uint8Array(grid.width * grid.height)), grid.width);
  }
  const geometry: VolumeGeometry = { dims: scan.dims, spacingMm: scan.spacing, affine: scan.affine, affineSource: scan.source ?? 'sform', datatype: 'uint8' };
  return buildVolumeReport(mask, geometry, summary);
}

const ellipsoid = (centre: Vec3, semiAxes: Vec3): Shape => (mm) => mm.reduce((sum, value, a) => sum + ((value - centre[a]) / semiAxes[a]) ** 2, 0) <= 1;
const sphere = (centre: Vec3, radius: number): Shape => ellipsoid(centre, [radius, radius, radius]);
const box = (from: Vec3, to: Vec3): Shape => (mm) => mm.every((value, a) => value >= from[a] && value <= to[a]);
const either = (...shapes: Shape[]): Shape => (mm) => shapes.some((shape) => shape(mm));

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

function assertEllipsoid(scan: Scan, semiAxes: Vec3) {
  const centre: Vec3 = [0, 1, 2].map((a) => (scan.dims[a] * scan.spacing[a]) / 2 + 0.3) as Vec3;
  const result = report(scan, ellipsoid(centre, semiAxes));
  const [a, b, c] = semiAxes;
  const [sx, sy, sz] = scan.spacing;
  assert.equal(result.lesions.length, 1);
  const [lesion] = result.lesions;
  near(lesion.volumeMl, ((4 / 3) * Math.PI * a * b * c) / 1000, 0.03 * (((4 / 3) * Math.PI * a * b * c) / 1000), 'volume');
  assert.equal(result.tumourVolumeMl, lesion.volumeMl);
  near(lesion.extentMm.leftRight, 2 * a, sx, 'left-right extent');
  near(lesion.extentMm.anteriorPosterior, 2 * b, sy, 'anterior-posterior extent');
  near(lesion.extentMm.craniocaudal, 2 * c, sz, 'craniocaudal extent');
  lesion.centroidMm.forEach((value, axis) => near(value, centre[axis], scan.spacing[axis] / 2, `centroid ${'xyz'[axis]}`));
  const [measure] = result.bidimensional;
  near(measure.longestMm, 2 * a, sx, 'longest chord');
  near(measure.perpendicularMm, 2 * b, sx, 'perpendicular chord');
  assert.equal(measure.productMm2, measure.longestMm * measure.perpendicularMm);
  assert.equal(measure.measurable, true);
  assert.equal(result.sumOfProductsMm2, measure.productMm2);
  near(measure.sliceIndex * sz, centre[2], sz, 'the largest slice is the middle one');
  return result;
}

test('an ellipsoid on a 1 mm grid: volume, extents and both RANO diameters as drawn', () => {
  assertEllipsoid({ dims: [100, 90, 80], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) }, [20.3, 12.6, 15.4]);
});

test('the same ellipsoid on a 0.9 x 0.9 x 5 mm grid, measured in mm', () => {
  assertEllipsoid({ dims: [110, 100, 16], spacing: [0.9, 0.9, 5], affine: axisAffine([0.9, 0.9, 5]) }, [20.3, 12.6, 22.4]);
});

test('an ellipsoid turned 30° in the slice plane: the chords follow its axes, not the grid', () => {
  const scan: Scan = { dims: [90, 90, 40], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) };
  const turn = Math.PI / 6;
  const result = report(scan, ([x, y, z]) => {
    const [u, v] = [(x - 45.2) * Math.cos(turn) + (y - 44.7) * Math.sin(turn), -(x - 45.2) * Math.sin(turn) + (y - 44.7) * Math.cos(turn)];
    return (u / 24.3) ** 2 + (v / 9.6) ** 2 + ((z - 20) / 8) ** 2 <= 1;
  });
  near(result.bidimensional[0].longestMm, 48.6, 1, 'longest chord');
  near(result.bidimensional[0].perpendicularMm, 19.2, 1, 'perpendicular chord');
});

test('a chord must stay inside: an L measures along its longer arm, never across the bend', () => {
  const scan: Scan = { dims: [60, 60, 6], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) };
  // arms 40 x 6 and 6 x 30 mm, three slices thick
  const result = report(scan, either(box([10, 10, 1], [49, 15, 3]), box([10, 10, 1], [15, 39, 3])));
  near(result.bidimensional[0].longestMm, Math.hypot(40, 6), 1, 'longest chord');
  // across it, the longest chord inside runs up the other arm
  near(result.bidimensional[0].perpendicularMm, Math.hypot(30, 6), 1.5, 'perpendicular chord');
});

test('two spheres far apart are two lesions and multifocal; close or touching ones are not', () => {
  const scan: Scan = { dims: [80, 60, 40], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) };
  const far = report(scan, either(sphere([20, 30, 20], 8), sphere([55, 30, 20], 6)));
  assert.equal(far.lesions.length, 2);
  assert.ok(far.lesions[0].volumeMl > far.lesions[1].volumeMl);
  near(far.lesions[0].centroidMm[0], 20, 0.5, 'the larger lesion comes first');
  assert.equal(far.multifocal, true);
  assert.equal(far.bidimensional.length, 2);
  assert.equal(far.sumOfProductsMm2, far.bidimensional[0].productMm2 + far.bidimensional[1].productMm2);

  // surfaces 2 voxels (2 mm) apart: two pieces, one focus
  const close = report(scan, either(box([10, 20, 10], [29, 39, 29]), box([32, 20, 10], [45, 39, 29])));
  assert.equal(close.lesions.length, 2);
  assert.equal(close.multifocal, false);
  // 4 voxels apart is still under 5 mm; 5 voxels is not
  assert.equal(report(scan, either(box([10, 20, 10], [29, 39, 29]), box([34, 20, 10], [45, 39, 29]))).multifocal, false);
  assert.equal(report(scan, either(box([10, 20, 10], [29, 39, 29]), box([35, 20, 10], [45, 39, 29]))).multifocal, true);

  // cubes meeting only at a corner, across slices, are one 26-connected piece
  const corner = report(scan, either(box([10, 10, 10], [19, 19, 19]), box([20, 20, 20], [29, 29, 29])));
  assert.equal(corner.lesions.length, 1);
  assert.equal(corner.multifocal, false);
});

test('on 5 mm slices, one empty slice between two pieces is 5 mm: multifocal', () => {
  const scan: Scan = { dims: [60, 60, 12], spacing: [1, 1, 5], affine: axisAffine([1, 1, 5]) };
  const result = report(scan, either(box([10, 10, 10], [40, 40, 20]), box([10, 10, 30], [40, 40, 40])));
  assert.equal(result.lesions.length, 2);
  assert.equal(result.multifocal, true);
});

test('a piece under 0.1 mL is counted in the volume but not listed; a lesion under 10 mm wide is not measurable', () => {
  const scan: Scan = { dims: [80, 60, 20], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) };
  // 40 x 6 x 5 mm bar (1.2 mL) and a 4 x 4 x 4 mm speck (0.064 mL), far apart
  const result = report(scan, either(box([10, 10, 5], [49, 15, 9]), box([70, 50, 5], [73, 53, 8])));
  assert.equal(result.lesions.length, 1);
  near(result.lesions[0].volumeMl, 1.2, 1e-9, 'bar volume');
  near(result.tumourVolumeMl, 1.264, 1e-9, 'all tumour');
  assert.equal(result.multifocal, false);
  const [measure] = result.bidimensional;
  near(measure.longestMm, Math.hypot(40, 6), 1, 'longest chord');
  near(measure.perpendicularMm, 6, 1, 'perpendicular chord');
  assert.equal(measure.measurable, false);
  assert.equal(result.sumOfProductsMm2, 0);
});

test('head volume and the tumour\'s share of it come from the head summary', () => {
  const scan: Scan = { dims: [40, 40, 10], spacing: [2, 2, 2], affine: axisAffine([2, 2, 2]) };
  const result = report(scan, box([20, 20, 4], [29, 29, 13]), box([0, 0, 0], [59, 59, 19]));
  near(result.headVolumeMl, (30 * 30 * 10 * 8) / 1000, 1e-9, 'head volume');
  near(result.tumourVolumeMl, (5 * 5 * 5 * 8) / 1000, 1e-9, 'tumour volume');
  near(result.tumourShareOfHead, 125 / 9000, 1e-12, 'share');
});

test('the largest lesion\'s centre lies in it, even for a crescent, given as slice, column and row', () => {
  const scan: Scan = { dims: [60, 60, 20], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1]) };
  const crescent: Shape = (mm) => sphere([30, 30, 10], 15)(mm) && !sphere([36, 30, 10], 13)(mm);
  const result = report(scan, either(crescent, sphere([50, 50, 10], 3)));
  const centre = result.largestLesionCentre!;
  const grid = sliceGrid(scan.dims, scan.spacing, chooseSliceAxes(scan.affine));
  const volume = voxels(scan, crescent);
  const slice = readSlice(volume, grid, centre.sliceIndex, new Uint8Array(grid.width * grid.height));
  assert.equal(slice[centre.y * grid.width + centre.x], 1);
  assert.ok(Math.abs(centre.sliceIndex - 10) <= 1, `slice ${centre.sliceIndex}`); // the inner wall is nearer the centroid just off the middle slice
  assert.equal(report(scan, () => false).largestLesionCentre, null);
});

// a head filling the grid, centred in it; the tumour on the side of high i
const sideScan = (flipX: boolean, source: GeometrySource = 'sform'): Scan => ({ dims: [64, 48, 20], spacing: [1, 1, 1], affine: axisAffine([1, 1, 1], flipX), source });
const highI = sphere([50, 24, 10], 6);
const head = ellipsoid([31.5, 23.5, 9.5], [30, 22, 9]);

test('a tumour on one side: all of it on that side, which is the patient\'s right when +x (RAS) points there', () => {
  const right = report(sideScan(false), highI, head).laterality;
  assert.deepEqual(right, { left: 0, right: 1, crossesMidline: false });
  const left = report(sideScan(true), highI, head).laterality;
  assert.deepEqual(left, { left: 1, right: 0, crossesMidline: false });
});

test('the same voxels with only the affine\'s x flipped swap sides; voxels and affine flipped together do not', () => {
  const scan = sideScan(false);
  const tumour = voxels(scan, either(highI, sphere([12, 24, 10], 3)));
  const headVoxels = voxels(scan, head);
  const original = report(scan, tumour, headVoxels).laterality!;
  const flippedAffine = report(sideScan(true), tumour, headVoxels).laterality!;
  assert.ok(original.right > 0.85 && original.left > 0.05, JSON.stringify(original));
  assert.equal(original.crossesMidline, true);
  near(flippedAffine.left, original.right, 1e-12, 'left after the flip');
  near(flippedAffine.right, original.left, 1e-12, 'right after the flip');

  const [nx] = scan.dims;
  const mirror = (volume: Uint8Array) => volume.map((_, v) => volume[v - (v % nx) + (nx - 1 - (v % nx))]);
  // i -> nx - 1 - i with the affine following, so every voxel keeps its place in the patient
  const bothFlipped: Scan = { ...scan, affine: [[-1, 0, 0, nx - 1], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
  const unchanged = report(bothFlipped, mirror(tumour), mirror(headVoxels)).laterality!;
  near(unchanged.left, original.left, 1e-12, 'left');
  near(unchanged.right, original.right, 1e-12, 'right');
});

test('a tumour across the midline crosses it; one with under 2% over the line does not', () => {
  const across = report(sideScan(false), sphere([35, 24, 10], 8), head).laterality!;
  assert.equal(across.crossesMidline, true);
  assert.ok(across.right > across.left);
  near(across.left + across.right, 1, 1e-12, 'shares');
  // 1160 voxels right of the midline (x = 31.5) and one left of it
  const barely = report(sideScan(false), either(box([32, 20, 8], [60, 27, 12]), box([31, 24, 10], [31, 24, 10])), head).laterality!;
  assert.ok(barely.left > 0 && barely.left < 0.02, JSON.stringify(barely));
  assert.equal(barely.crossesMidline, false);
});

test('a file without orientation (pixdim only) gives no laterality, and says why', () => {
  const result = report(sideScan(false, 'pixdim'), highI, head);
  assert.equal(result.laterality, null);
  assert.match(result.lateralityNote ?? '', /no orientation/);
  assert.equal(result.lesions.length, 1);
  const oriented = report(sideScan(false), highI, head);
  assert.equal(oriented.lateralityNote, null);
});

test('the head summary adds up runs of head pixels, at the row ends too', () => {
  const width = 5;
  // rows: 11111 / 10011 / 00000 / 01110
  const head = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0]);
  const summary = emptyHeadSummary(3);
  addHeadSlice(summary, 1, head, width);
  assert.deepEqual([summary.areaPx[1], summary.sumXPx[1], summary.sumYPx[1]], [11, 10 + 7 + 6, 0 + 3 * 1 + 3 * 3]);
  assert.deepEqual([summary.areaPx[0], summary.areaPx[2]], [0, 0]);
});

test('a lesion filling whole rows, from edge to edge of the slice, is one piece of the right size', () => {
  const scan: Scan = { dims: [20, 20, 10], spacing: [1, 1, 2], affine: axisAffine([1, 1, 2]) };
  const result = report(scan, box([0, 5, 4], [19, 14, 12]));
  assert.equal(result.lesions.length, 1);
  near(result.tumourVolumeMl, (20 * 10 * 5 * 2) / 1000, 1e-12, 'volume');
  assert.deepEqual(result.lesions[0].extentMm, { leftRight: 20, anteriorPosterior: 10, craniocaudal: 10 });
});
