import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

// The model card shows where the answer is hardest, from the figures the measuring scripts recorded in the manifests:
// Dice against tumour size, the signed volume error of each outside volume, and slices in every orientation.

const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8'));
const orientation = JSON.parse(readFileSync('models/orientation.json', 'utf8'));

test.use({ javaScriptEnabled: false });

test('the model card shows Dice against tumour size, the outside volumes\' signed error and every orientation, without JavaScript', async ({ page }) => {
  await page.goto('/model');
  const section = page.getByTestId('hard-cases');

  const bySize: [number, number][] = manifest.metrics.app_flair.dice_by_tumour_px;
  const sizeRows = section.getByTestId('dice-by-size').locator('tbody tr');
  await expect(sizeRows).toHaveCount(bySize.length);
  await expect(sizeRows.first()).toHaveText(`${bySize[0][0].toLocaleString('en')}${bySize[0][1].toFixed(2)}`);
  await expect(section.getByTestId('dice-by-size').locator('tfoot')).toContainText(manifest.metrics.app_flair.dice_mean_smallest_5.toFixed(2));

  const signed: number[] = manifest.metrics.brats2013.volume_error_signed;
  const volumeRows = section.getByTestId('volume-error').locator('tbody tr');
  await expect(volumeRows).toHaveCount(signed.length);
  for (const [i, error] of signed.entries()) await expect(volumeRows.nth(i)).toContainText(`${(100 * error).toFixed(1)}%`);

  const rows: { orientation: string }[] = orientation.metrics.measured.slices;
  const orientations = new Set(rows.map((r) => r.orientation));
  await expect(section.getByTestId('orientation-figures').locator('tbody tr')).toHaveCount(orientations.size);
  await expect(section.getByTestId('orientation-figures')).toContainText('mirrored, turned 270°');
  await expect(section.getByTestId('not-mri-turns')).toContainText(`turned 90° ${orientation.metrics.measured.notMri[1].refusedPercent.toFixed(1)}%`);
});
