import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { fixture } from '../testkit/client';

// The 3-plane viewer on the volume result, read as a person sees it: pixels of the canvas (a screenshot), the crosshair
// found by its colour, and the red of the predicted tumour around it.

test.setTimeout(150_000);

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function canvasPixels(page: Page): Promise<Pixels> {
  const png = await page.getByTestId('viewer-canvas').screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const rgb = (p: Pixels, x: number, y: number) => {
  const at = (y * p.width + x) * p.channels;
  return [p.data[at], p.data[at + 1], p.data[at + 2]];
};
// the crosshair is cyan, never red: red is the tumour
const isCrosshair = ([r, g, b]: number[]) => r < 120 && g > 150 && b > 200;
const redness = ([r, g, b]: number[]) => Math.max(0, r - Math.max(g, b));

/** The crosshair's centre: the column and the row with the most crosshair-coloured pixels. */
function crosshair(p: Pixels): { x: number; y: number } {
  const columns = new Array(p.width).fill(0), rows = new Array(p.height).fill(0);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      if (isCrosshair(rgb(p, x, y))) {
        columns[x]++;
        rows[y]++;
      }
    }
  }
  return { x: columns.indexOf(Math.max(...columns)), y: rows.indexOf(Math.max(...rows)) };
}

/** Around the crosshair (where it starts: the largest lesion's centre): red pixels and their summed redness. */
function tumourRed(p: Pixels, centre: { x: number; y: number }) {
  const reach = Math.round(0.12 * Math.min(p.width, p.height));
  let pixels = 0, sum = 0;
  for (let y = Math.max(0, centre.y - reach); y < Math.min(p.height, centre.y + reach); y++) {
    for (let x = Math.max(0, centre.x - reach); x < Math.min(p.width, centre.x + reach); x++) {
      const red = redness(rgb(p, x, y));
      if (red > 60) pixels++;
      sum += red;
    }
  }
  return { pixels, sum };
}

/** Pixels bright enough to be the head, and how many grey levels they take. */
function scanShown(p: Pixels): { share: number; levels: number } {
  let bright = 0;
  const levels = new Set<number>();
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const [r, g, b] = rgb(p, x, y);
      if (r > 30 && Math.abs(r - g) < 8 && Math.abs(g - b) < 8) {
        bright++;
        levels.add(r);
      }
    }
  }
  return { share: bright / (p.width * p.height), levels: levels.size };
}

async function analyse(page: Page, files: string[]) {
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', files.map(fixture));
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
}

/** The scan is drawn; red around the crosshair goes with the overlay switch and follows the opacity slider. */
async function expectTumourOverlay(page: Page) {
  const shown = await canvasPixels(page);
  const centre = crosshair(shown);
  const withOverlay = tumourRed(shown, centre);
  expect(withOverlay.pixels, 'red pixels around the crosshair at the largest lesion').toBeGreaterThan(30);

  await page.getByTestId('viewer-overlay').uncheck();
  const hidden = await canvasPixels(page);
  expect(tumourRed(hidden, centre).pixels, 'no red with the overlay off').toBe(0);
  const scan = scanShown(hidden);
  expect(scan.share, 'the scan covers part of the canvas').toBeGreaterThan(0.05);
  expect(scan.levels, 'in many shades of grey').toBeGreaterThan(40);

  await page.getByTestId('viewer-overlay').check();
  await page.getByTestId('viewer-opacity').fill('100');
  const opaque = tumourRed(await canvasPixels(page), centre);
  await page.getByTestId('viewer-opacity').fill('25');
  const faint = tumourRed(await canvasPixels(page), centre);
  expect(faint.sum, 'a lower opacity shows less red').toBeLessThan(0.7 * opaque.sum);
  expect(faint.sum).toBeGreaterThan(0);
}

const readout = async (page: Page) => (await page.getByTestId('viewer-location').innerText()).match(/−?-?\d+\.\d/g)!.map((v) => Number(v.replace('−', '-')));

test('a NIfTI upload: three planes and 3D, the tumour in red at the largest lesion, moved by keys and clicks', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await analyse(page, ['brats-pat0001-flair.nii.gz']);
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-plane', 'all');

  // the crosshair starts at the largest lesion: a tumour voxel, near the lesion's centroid in the report
  await expect(page.getByTestId('viewer-voxel')).toHaveText('predicted tumour');
  const centroid = (await page.getByTestId('lesions').locator('tbody tr').first().locator('td').nth(1).innerText()).split(', ').map((v) => Number(v.replace('−', '-')));
  const start = await readout(page);
  start.forEach((mm, axis) => expect(Math.abs(mm - centroid[axis]), `axis ${axis}: ${start} against ${centroid}`).toBeLessThan(12));

  await viewer.getByText('Axial', { exact: true }).click();
  await expect(viewer).toHaveAttribute('data-plane', 'axial');
  await expectTumourOverlay(page);

  // keys, as seen on screen (the patient's right on the left): left is +x (1 mm voxels), Page Up the next slice up
  await page.getByTestId('viewer-canvas').focus();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => readout(page)).toEqual([start[0] + 1, start[1], start[2]]);
  await page.keyboard.press('PageUp');
  await expect.poll(() => readout(page)).toEqual([start[0] + 1, start[1], start[2] + 1]);
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2 - box.height * 0.3, box.y + box.height * 0.3);
  await expect.poll(async () => (await readout(page))[0]).not.toBe(start[0] + 1);

  // the one 3D render of the suite (slow in software): the head, with red in it
  await viewer.getByText('3D', { exact: true }).click();
  await expect(viewer).toHaveAttribute('data-plane', '3d');
  await expect.poll(async () => scanShown(await canvasPixels(page)).share, { timeout: 30_000 }).toBeGreaterThan(0.05);
});

test('a DICOM series on a phone: one plane at a time from the display copy, the tumour in red, no sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await analyse(page, ['dicom-brats-small.zip']);
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-plane', 'axial');
  await expect(viewer.getByText('Three planes', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('viewer-voxel')).toHaveText('predicted tumour');
  await expectTumourOverlay(page);
  await viewer.getByText('Coronal', { exact: true }).click();
  await expect(viewer).toHaveAttribute('data-plane', 'coronal');
  await expect.poll(async () => tumourRed(await canvasPixels(page), crosshair(await canvasPixels(page))).pixels).toBeGreaterThan(10);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
});

test('the API adds the display copy only when asked: 8-bit, at most 256×256 in-plane, on the mask\'s place', async ({ request }) => {
  const flair = { name: 'series.zip', mimeType: 'application/zip', buffer: readFileSync(fixture('dicom-brats-small.zip')) };
  const asked = await request.post('/api/volume?display=true', { multipart: { flair }, timeout: 120_000 });
  expect(asked.status()).toBe(200);
  const body = await asked.json();
  const display = Buffer.from(body.displayNiftiBase64, 'base64');
  expect(display.length).toBeLessThan(16 * 1024 * 1024);
  const copy = await readNiftiVolume(display);
  const mask = await readNiftiVolume(Buffer.from(body.maskNiftiBase64, 'base64'));
  expect(copy.datatype).toBe('uint8');
  expect(Math.max(copy.dims[0], copy.dims[1])).toBeLessThanOrEqual(256);
  // both span the same box in the patient: the corners of their grids lie within a voxel of each other
  const span = (v: typeof copy) => [0, 1, 2].map((r) => [0, 1, 2].reduce((sum, c) => sum + Math.abs(v.affine[r][c]) * v.dims[c], 0));
  const centre = (v: typeof copy) => [0, 1, 2].map((r) => [0, 1, 2].reduce((sum, c) => sum + v.affine[r][c] * (v.dims[c] - 1) / 2, v.affine[r][3]));
  const voxel = Math.max(...mask.spacingMm);
  span(copy).forEach((mm, axis) => expect(Math.abs(mm - span(mask)[axis])).toBeLessThan(2 * voxel));
  centre(copy).forEach((mm, axis) => expect(Math.abs(mm - centre(mask)[axis])).toBeLessThan(voxel));

  const form = await request.post('/api/volume', { multipart: { flair, display: 'true' }, timeout: 120_000 });
  expect((await form.json()).displayNiftiBase64).toEqual(body.displayNiftiBase64);
  const plain = await request.post('/api/volume', { multipart: { flair }, timeout: 120_000 });
  expect((await plain.json()).displayNiftiBase64).toBeNull();
});
