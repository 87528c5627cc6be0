import { readFileSync } from 'node:fs';
import { fixture } from '../testkit/client';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';


test('a real tumour slice gives Tumor with the tumour drawn over it', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const result = page.getByTestId('result');
  await expect(result.getByTestId('label').first()).toHaveText('Tumor');
  await expect(result.getByTestId('overlay').first()).toBeVisible();
  const area = Number((await result.getByTestId('area').first().innerText()).replace(/[^0-9]/g, ''));
  expect(area).toBeGreaterThan(500);
  // the overlay can be hidden without JavaScript: a checkbox and CSS
  await page.getByLabel('Show the predicted tumour').first().uncheck();
  await expect(result.getByTestId('overlay').first()).toBeHidden();
});

test('a slice turned by 90° is read upright, said so, and drawn on the picture as sent', async ({ page, request }) => {
  const turned = await sharp(readFileSync(fixture('tumour-flair.png'))).rotate(270).png().toBuffer(); // 90° counter-clockwise
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', { name: 'turned.png', mimeType: 'image/png', buffer: turned });
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const result = page.getByTestId('result');
  await expect(result.getByTestId('label').first()).toHaveText('Tumor');
  await expect(result.getByTestId('orientation-note')).toContainText('Read turned 90° clockwise, upright');
  await expect(result.getByTestId('overlay').first()).toBeVisible();
  const answer = await (await request.post('/api/predict', { multipart: { flair: { name: 'turned.png', mimeType: 'image/png', buffer: turned } } })).json();
  expect(answer.orientation).toMatchObject({ turnDegrees: 90, source: 'detected' });
  expect(answer.label).toBe('Tumor');
});

test('a real tumour-free slice gives No Tumor', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('no-tumour-flair.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('No Tumor');
  await expect(page.getByTestId('result').getByTestId('overlay')).toHaveCount(0);
});

test('a colour slice laid out as T1, FLAIR, T1c is read that way and offers the other reading', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-layered.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const result = page.getByTestId('result');
  await expect(result.getByTestId('reading-layered').getByTestId('label')).toHaveText('Tumor');
  await expect(result.getByText('See the result when it is read as FLAIR alone')).toBeVisible();
});

test('a text file gives a clear error on the page', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are my notes, not an image') });
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('upload-error')).toContainText('not an image we can read');
});

test('the API answers the same as the page', async ({ page, request }) => {
  const response = await request.post('/api/predict', {
    multipart: { flair: { name: 'slice.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) } },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.label).toBe('Tumor');
  expect(body.mask.width).toBe(256);
  expect(Buffer.from(body.mask.png, 'base64').subarray(1, 4).toString()).toBe('PNG');

  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const shown = await page.getByTestId('result').getByTestId('probability').first().innerText();
  expect(shown).toBe(`${(body.probability * 100).toFixed(1)}%`);
  const area = Number((await page.getByTestId('result').getByTestId('area').first().innerText()).replace(/[^0-9]/g, ''));
  expect(area).toBe(body.tumourAreaPx);
});

test('the form works with JavaScript turned off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor');
  await context.close();
});

test('a larger upload gets its mask at its own size, with the area scaled with it', async ({ request }) => {
  const sharp = (await import('sharp')).default;
  const slice = readFileSync(fixture('tumour-flair.png'));
  const large = await sharp(slice).resize(512, 512, { kernel: 'lanczos3' }).png().toBuffer();
  const post = (buffer: Buffer) => request.post('/api/predict', { multipart: { flair: { name: 'slice.png', mimeType: 'image/png', buffer } } });
  const [small, big] = await Promise.all([post(slice).then((r) => r.json()), post(large).then((r) => r.json())]);
  expect(big.label).toBe('Tumor');
  expect(big.mask.width).toBe(512);
  const decoded = await sharp(Buffer.from(big.mask.png, 'base64')).raw().toBuffer({ resolveWithObject: true });
  expect(decoded.info.width * decoded.info.height).toBe(512 * 512);
  expect(big.tumourAreaPx / small.tumourAreaPx).toBeGreaterThan(3.4);
  expect(big.tumourAreaPx / small.tumourAreaPx).toBeLessThan(4.6);
});
