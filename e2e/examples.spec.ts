import { expect, test, type Browser, type Page } from '@playwright/test';
import { readPdf } from './pdf-text';
import { expectTumourOverlay } from './viewer-pixels';

// Examples one click away, with JavaScript and without: the buttons are a GET form, and the page analyses the named file
// through the same action as an upload.

test.setTimeout(180_000);

async function pageWith(browser: Browser, javaScriptEnabled: boolean, width = 1280): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  return context.newPage();
}

async function clickExample(page: Page, route: string, title: string) {
  await page.goto(route);
  await page.getByTestId('examples').getByRole('button', { name: title, exact: true }).first().click();
}

for (const javaScript of [true, false]) {
  test.describe(`JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    test('each slice example gives its answer, from / and from /predict', async ({ browser }) => {
      const page = await pageWith(browser, javaScript);
      await clickExample(page, '/', 'A FLAIR slice with a tumour');
      await expect(page).toHaveURL(/\/predict\?example=slice-tumour$/);
      await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor');

      await clickExample(page, '/predict', 'A FLAIR slice without one');
      await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('No Tumor');
      await clickExample(page, '/predict', 'A colour (T1, FLAIR, T1c) slice');
      await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor');
      await clickExample(page, '/predict', 'A photograph, not an MRI');
      await expect(page.getByTestId('guard-flag')).toContainText('not');
      await expect(page.getByTestId('result')).toHaveCount(0);
      await page.context().close();
    });

    test('the volume examples, NIfTI and DICOM, give a tumour volume and its viewer', async ({ browser }) => {
      // a phone's width: the viewer's canvas, drawn in software here, is a ninth of the desktop one
      const page = await pageWith(browser, javaScript, 390);
      await clickExample(page, '/volume', 'A FLAIR volume (NIfTI)');
      const result = page.getByTestId('volume-result');
      await expect(result).toBeVisible({ timeout: 120_000 });
      const nifti = Number((await result.getByTestId('tumour-volume').innerText()).replace(/[^0-9.]/g, ''));
      expect(nifti).toBeGreaterThan(10);
      if (javaScript) {
        await expect(page.getByTestId('viewer')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
        await expect(page.getByTestId('viewer')).toHaveAttribute('data-plane', 'axial');
        await expectTumourOverlay(page);
      } else {
        await expect(page.getByTestId('viewer')).toHaveCount(0);
        await expect(result.locator('[data-testid=slice-frame]:visible')).toHaveCount(1);
      }
      // the browser holds no file of an example: the report is asked for by the example's name (by script, or by a form)
      const downloading = page.waitForEvent('download', { timeout: 120_000 });
      await result.getByTestId('report-download').click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('tumour-report.pdf');
      const { text } = await readPdf(download);
      expect(text).toContain('A research tool, not a diagnosis');
      expect(text).toContain(`${nifti.toFixed(1)} mL`);

      await clickExample(page, '/volume', 'The same volume as a DICOM series (.zip, 2 mm in-plane)');
      await expect(result.getByTestId('dicom-series')).toBeVisible({ timeout: 120_000 });
      const dicom = Number((await result.getByTestId('tumour-volume').innerText()).replace(/[^0-9.]/g, ''));
      // the same scan at half the in-plane resolution: the same tumour within a fifth
      expect(Math.abs(dicom - nifti) / nifti).toBeLessThan(0.2);
      await page.context().close();
    });
  });
}

test('an example name that is not on the list is a 400, never a file path', async ({ request }) => {
  for (const url of ['/predict?example=nope', '/volume?example=../../package.json', '/predict?example=volume-flair', '/volume?example=slice-tumour']) {
    const response = await request.get(url);
    expect(response.status(), url).toBe(400);
    expect(await response.text()).toContain('There is no example of that name');
  }
  expect((await request.get('/examples/brats-pat0004-flair.nii.gz')).status()).toBe(200);
  // the API, asked for an example's report by name
  for (const name of ['../../package.json', 'slice-tumour', 'brats-pat0004-flair.nii.gz']) {
    const response = await request.post('/api/volume?format=pdf', { multipart: { example: name } });
    expect(response.status(), name).toBe(400);
    expect((await response.json()).error).toContain('There is no example called');
  }
});
