import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { fixture } from '../testkit/client';
import { canvasPixels, crosshair, expectTumourOverlay, scanShown, tumourRed } from './viewer-pixels';

// The 3-plane viewer on the volume result, read as a person sees it (e2e/viewer-pixels.ts).

test.setTimeout(150_000);

async function analyse(page: Page, files: string[]) {
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', files.map(fixture));
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
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
  await page.getByTestId('viewer-overlay').check();
  await viewer.getByText('Coronal', { exact: true }).click();
  await expect(viewer).toHaveAttribute('data-plane', 'coronal');
  await expect.poll(async () => tumourRed(await canvasPixels(page), crosshair(await canvasPixels(page))).pixels).toBeGreaterThan(10);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

  // the same series again on the same page: a new viewer (the old one gave its WebGL context back) shows it again
  await page.getByTestId('viewer-overlay').uncheck();
  await page.setInputFiles('input[name=flair]', fixture('dicom-brats-small.zip'));
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  await expect(page.getByTestId('viewer-overlay')).toBeChecked({ timeout: 60_000 });
  await expect(viewer).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect.poll(async () => {
    const pixels = await canvasPixels(page);
    return tumourRed(pixels, crosshair(pixels)).pixels;
  }).toBeGreaterThan(30);
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
