import { expect, type Page } from '@playwright/test';

/** The page listens for drops and pastes, and sends its forms by script, once it has hydrated: its drop hint says so. */
export async function scriptRunning(page: Page) {
  await expect(page.getByText(/anywhere on this page/)).toBeVisible({ timeout: 30_000 });
}
