import { readFileSync } from 'node:fs';
import { expect, test, type JSHandle, type Page } from '@playwright/test';
import { fixture } from '../testkit/client';
import { scriptRunning } from './page-script';

// Files dropped on the page (outside the file input) and an image pasted are sent and answered; the chosen file's name
// and size show, and it can be cleared.

test.setTimeout(120_000);

/** A DataTransfer in the page holding one fixture, as a drag from the desktop or a copied image carries it. */
function transferOf(page: Page, name: string, type: string): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle(({ base64, name, type }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
    return transfer;
  }, { base64: readFileSync(fixture(name)).toString('base64'), name, type });
}

test('a slice dropped on the page\'s heading shows the drop zone, then is sent and answered', async ({ page }) => {
  await page.goto('/predict');
  await scriptRunning(page);
  const transfer = await transferOf(page, 'tumour-flair.png', 'image/png');
  await page.dispatchEvent('h1', 'dragenter', { dataTransfer: transfer });
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.dispatchEvent('h1', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('h1', 'drop', { dataTransfer: transfer });
  await expect(page.getByTestId('drop-zone')).toHaveCount(0);
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor', { timeout: 30_000 });
});

test('an image pasted on /predict is sent and answered', async ({ page }) => {
  await page.goto('/predict');
  await scriptRunning(page);
  const transfer = await transferOf(page, 'no-tumour-flair.png', 'image/png');
  await page.evaluate((clipboardData) => document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true })), transfer);
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('No Tumor', { timeout: 30_000 });
});

test('a DICOM zip dropped on /volume is analysed', async ({ page }) => {
  await page.goto('/volume');
  await scriptRunning(page);
  const transfer = await transferOf(page, 'dicom-brats-small.zip', 'application/zip');
  await page.dispatchEvent('h1', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('h1', 'drop', { dataTransfer: transfer });
  await expect(page.getByTestId('volume-result').getByTestId('dicom-series')).toBeVisible({ timeout: 90_000 });
});

test('the chosen file\'s name and size show before sending, and Clear empties the input', async ({ page }) => {
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
  await expect(page.getByTestId('chosen-flair')).toContainText('tumour-flair.png, 35 kB');
  await page.getByTestId('chosen-flair').getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('chosen-flair')).toHaveCount(0);
  expect(await page.locator('input[name=flair]').evaluate((input: HTMLInputElement) => input.files?.length)).toBe(0);
});
