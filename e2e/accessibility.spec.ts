import { expect, test, type Page } from '@playwright/test';
import { fixture } from '../testkit/client';
import { seriousViolations } from './axe';

// Every page and result state under axe-core, run once the state has rendered, nothing disabled or excluded: no serious
// or critical violation. And at 390 px wide, nothing scrolls sideways.

test.setTimeout(150_000);

interface State {
  name: string;
  /** Brings the page into the state and waits for it to render. */
  reach: (page: Page) => Promise<void>;
}

const visit = (path: string, ready?: string) => async (page: Page) => {
  await page.goto(path);
  if (ready) await page.locator(ready).first().waitFor({ timeout: 120_000 });
};

const states: State[] = [
  { name: 'the home page', reach: visit('/') },
  { name: 'the slice page', reach: visit('/predict') },
  { name: 'the volume page', reach: visit('/volume') },
  { name: 'the model card', reach: visit('/model') },
  { name: 'a slice answered Tumor', reach: visit('/predict?example=slice-tumour', '[data-testid=result]') },
  { name: 'a slice answered No Tumor', reach: visit('/predict?example=slice-no-tumour', '[data-testid=result]') },
  { name: 'a picture flagged as not an MRI', reach: visit('/predict?example=not-mri', '[data-testid=guard-flag]') },
  { name: 'a volume result with the viewer', reach: visit('/volume?example=volume-dicom', '[data-testid=viewer][data-status=ready]') },
  {
    name: 'a volume error',
    reach: async (page) => {
      await page.goto('/volume');
      await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
      await page.getByRole('button', { name: 'Analyse volume' }).click();
      await page.getByTestId('upload-error').first().waitFor({ timeout: 60_000 });
    },
  },
];

for (const state of states) {
  test(`${state.name}: no serious or critical axe-core violation at 1280 px, no sideways scrolling at 390 px`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await state.reach(page);
    expect(await seriousViolations(page)).toEqual([]);

    // the same state reflowed to a phone's width (reaching it again would analyse again)
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page)).toEqual([]);
    const [scrollWidth, clientWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scrollWidth, `${scrollWidth} px of content in ${clientWidth} px`).toBeLessThanOrEqual(clientWidth);
  });
}

test('by keyboard alone: Tab to an example, Enter, and the answer comes; Tab reaches the volume viewer, whose crosshair the arrows move', async ({ page }) => {
  const tabTo = async (accessibleText: string) => {
    for (let presses = 0; presses < 40; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent || document.activeElement?.getAttribute('aria-label') || '');
      if (focused.includes(accessibleText)) return;
    }
    throw new Error(`Tab never reached “${accessibleText}”`);
  };
  await page.goto('/');
  await tabTo('A FLAIR slice with a tumour');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('result').getByTestId('label').first()).toHaveText('Tumor');

  await page.goto('/volume?example=volume-dicom');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await tabTo('The FLAIR scan with the predicted tumour in red');
  const before = await page.getByTestId('viewer-location').innerText();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('viewer-location')).not.toHaveText(before);
});
