import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { fixture } from '../testkit/client';
import { readPdf } from './pdf-text';

// The volume report as a person gets it: on the result page, and as a PDF, with JavaScript and without.

const FLAIR = fixture('brats-pat0001-flair.nii.gz');

test.setTimeout(90_000);

/** What the page shows, for the PDF to be checked against. */
async function checkReport(result: Locator): Promise<{ volume: string; lesions: number; model: string }> {
  const report = result.getByTestId('report');
  await expect(report.getByRole('heading', { name: 'Report' })).toBeVisible();
  const lesions = await report.getByTestId('lesions').locator('tbody tr').count();
  expect(lesions).toBeGreaterThan(0);
  await expect(report.getByTestId('report-lesions')).toContainText(lesions === 1 ? '1 lesion' : `${lesions} lesions`);
  // the RANO table: the largest lesion measured on its slice, and the sum of products
  await expect(report.getByTestId('rano').locator('tbody tr').first()).toContainText(/Lesion 1\s*\d+\s*\d+\.\d mm\s*\d+\.\d mm\s*[\d,]+ mm²/);
  await expect(report.getByTestId('sum-of-products')).toContainText(/[1-9][\d,]* mm²/);
  // three key pictures, each named by its plane and with its side letters as text
  const pictures = report.getByTestId('key-picture');
  await expect(pictures).toHaveCount(3);
  await expect(pictures.nth(0)).toContainText('Axial');
  await expect(pictures.nth(0).locator('[data-side=left]')).toHaveText('R');
  await expect(pictures.nth(2).locator('[data-side=top]')).toHaveText('S');
  for (const picture of await pictures.locator('img').all()) {
    await expect(picture).toHaveAttribute('alt', /through the largest lesion's centre/);
    expect(await picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  }
  const volume = (await result.getByTestId('tumour-volume').innerText()).trim();
  const model = (await result.getByTestId('model-version').innerText()).trim();
  return { volume, lesions, model };
}

async function checkPdf(download: Download, shown: { volume: string; lesions: number; model: string }): Promise<string> {
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const { text, pages } = await readPdf(download);
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(2);
  expect(text).toContain('A research tool, not a diagnosis');
  expect(text).toContain(shown.volume);
  expect(text).toContain(shown.lesions === 1 ? '1 lesion' : `${shown.lesions} lesions`);
  expect(text).toContain(shown.model.split(' ').at(-1)!); // the version, "v2.6.0"
  expect(text).not.toContain('brats-pat0001'); // no file name
  return text;
}

async function chooseFiles(page: Page, baseline: boolean) {
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', FLAIR);
  if (baseline) await page.setInputFiles('input[name=baseline]', FLAIR);
}

test('with JavaScript: the report and a follow-up on the page, and the PDF from the result\'s button', async ({ page }) => {
  await chooseFiles(page, true);
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  const result = page.getByTestId('volume-result');
  await expect(result).toBeVisible({ timeout: 80_000 });
  const shown = await checkReport(result);

  // the same scan as the earlier one: nothing changed
  const followUp = result.getByTestId('follow-up');
  await expect(followUp).toContainText('not a response assessment');
  await expect(followUp).toContainText('not registered');
  await expect(followUp).toContainText('Wen et al., J Clin Oncol 2023');
  await expect(followUp.getByTestId('follow-up-category').first()).toHaveText('stable');
  await expect(followUp.getByTestId('follow-up-change').first()).toContainText('0.0 mL');

  const downloading = page.waitForEvent('download', { timeout: 80_000 });
  await result.getByTestId('report-download').click();
  const text = await checkPdf(await downloading, shown);
  expect(text).toContain('stable');
  expect(text).toContain('not a response assessment');
});

test('without JavaScript: the report on the page, and the PDF from the form\'s second button', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await chooseFiles(page, false);
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  const result = page.getByTestId('volume-result');
  await expect(result).toBeVisible({ timeout: 80_000 });
  const shown = await checkReport(result);
  await expect(result.getByTestId('follow-up')).toHaveCount(0);

  // uploads are not kept: choose the file again, and the form posts it to the API for the PDF
  await page.setInputFiles('input[name=flair]', FLAIR);
  const downloading = page.waitForEvent('download', { timeout: 80_000 });
  // an answer that is not a PDF is shown as a page instead of downloaded: fail with what it says
  const shownInstead = page.waitForURL(/\/api\/volume/, { timeout: 80_000 }).then(
    async () => { throw new Error(`The PDF button's post was answered with a page: ${await page.locator('body').innerText()}`); },
    () => new Promise<never>(() => {}), // the navigation was aborted: it became the download
  );
  await page.getByRole('button', { name: 'Analyse and download the report (PDF)' }).click();
  await checkPdf(await Promise.race([downloading, shownInstead]), shown);
  await context.close();
});

test('without JavaScript, a PDF post that fails is answered with a page that says why and links back', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', fixture('brats-pat0001-labels.nii.gz'));
  await page.getByRole('button', { name: 'Analyse and download the report (PDF)' }).click();
  await expect(page.getByRole('alert')).toContainText('label map', { timeout: 60_000 });
  await page.getByRole('link', { name: 'Back to the form' }).click();
  await expect(page).toHaveURL(/\/volume$/);
  await context.close();
});
