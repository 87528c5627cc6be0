import { readFileSync } from 'node:fs';
import { fixture } from '../testkit/client';
import { expect, test, type APIRequestContext } from '@playwright/test';

// The "is this a brain MRI slice?" guard as a person and a program meet it: a real scan cropped tight is answered, a
// planet on black is flagged with its reason and can be analysed anyway, a T1c slice is answered with a warning.

const upload = (name: string, mimeType = 'image/png') => ({ name, mimeType, buffer: readFileSync(fixture(name)) });

async function ask(request: APIRequestContext, name: string, mimeType: string, extra: Record<string, string> = {}, query = '') {
  const response = await request.post(`/api/predict${query}`, { multipart: { flair: upload(name, mimeType), ...extra } });
  return { status: response.status(), body: await response.json() };
}

test('a tumour slice cropped tightly to the skull is answered, not refused', async ({ page, request }) => {
  const api = await ask(request, 'tumour-tight-crop.png', 'image/png');
  expect(api.status).toBe(200);
  expect(api.body.label).toBe('Tumor');
  expect(api.body.warning).toBeNull();
  expect(api.body.guard).toMatchObject({ verdict: 'axial-flair', overrulable: false, forced: false });
  expect(api.body.guard.score).toBeLessThan(api.body.guard.thresholds.notMri);

  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-tight-crop.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor');
  await expect(page.getByTestId('guard-warning')).toHaveCount(0);
});

test('a planet on black is flagged with 422, its score and reason; force=true as a field or a query analyses it', async ({ request }) => {
  const flagged = await ask(request, 'not-mri-planet.jpg', 'image/jpeg');
  expect(flagged.status).toBe(422);
  expect(flagged.body.error).toContain('does not look like a brain MRI slice');
  expect(flagged.body.guard).toMatchObject({ verdict: 'not-mri', overrulable: true, forced: false });
  expect(flagged.body.guard.score).toBeGreaterThanOrEqual(flagged.body.guard.thresholds.notMri);

  for (const [extra, query] of [[{ force: 'true' }, ''], [{}, '?force=true']] as const) {
    const forced = await ask(request, 'not-mri-planet.jpg', 'image/jpeg', extra, query);
    expect(forced.status).toBe(200);
    expect(forced.body.guard).toMatchObject({ verdict: 'not-mri', forced: true });
    expect(forced.body.warning).toContain('means nothing unless it is one');
  }
});

test('a T1c slice is answered with a warning that the model was trained on axial FLAIR', async ({ page, request }) => {
  const api = await ask(request, 't1c-slice.png', 'image/png');
  expect(api.status).toBe(200);
  expect(api.body.guard.verdict).toBe('other-mri');
  expect(api.body.warning).toContain('trained on axial FLAIR');

  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('t1c-slice.png'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('guard-warning')).toBeVisible();
  await expect(page.getByTestId('guard-warning')).toContainText('trained on axial FLAIR slices and is less reliable');
});

test('"Analyse anyway" sends the flagged picture again and shows the result with a warning', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('not-mri-planet.jpg'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const flag = page.getByTestId('guard-flag');
  await expect(flag).toContainText('does not look like a brain MRI slice');
  await expect(page.getByTestId('result')).toHaveCount(0);
  await flag.getByRole('button', { name: 'Analyse anyway' }).click();
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText(/Tumor|No Tumor/);
  await expect(page.getByTestId('guard-warning')).toContainText('means nothing unless it is one');
});

test('without JavaScript, the ticked box and the file chosen again analyse a flagged picture', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('not-mri-planet.jpg'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const flag = page.getByTestId('guard-flag');
  await expect(flag).toContainText('Choose the file again');
  await expect(flag.getByRole('button', { name: 'Analyse anyway' })).toHaveCount(0);
  const box = page.getByLabel(/Analyse anyway: I have checked/);
  await expect(box).toBeChecked();
  await page.setInputFiles('input[name=flair]', fixture('not-mri-planet.jpg'));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText(/Tumor|No Tumor/);
  await expect(page.getByTestId('guard-warning')).toContainText('means nothing unless it is one');
  await context.close();
});

test('a blank slice at the end of a scan is still an MRI: No Tumor with a note that no brain is visible', async ({ request }) => {
  const api = await ask(request, 'blank-end-slice.png', 'image/png');
  expect(api.status).toBe(200);
  expect(api.body.label).toBe('No Tumor');
  expect(api.body.note).toContain('No brain is visible');
});
