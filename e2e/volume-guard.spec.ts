import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixture } from '../testkit/client';

// The volume guard as a person and a program meet it: a post-contrast T1 is measured with a visible warning, and a
// label map is refused by name, never measured.

const volumeForm = (name: string) => {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(readFileSync(fixture(name)))], { type: 'application/gzip' }), name);
  return form;
};

test('a T1c volume is answered with a warning that names what it looks like', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const answer = await fetch(`${baseURL}/api/volume`, { method: 'POST', body: volumeForm('brats-pat0001-t1c.nii.gz') });
  expect(answer.status).toBe(200);
  const body = await answer.json();
  expect(body.guard.verdict).toBe('other-mri');
  expect(body.warning).toMatch(/other than FLAIR/);
});

test('a FLAIR volume is answered without a warning, and a label map is refused as one, even with force', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const flair = await (await fetch(`${baseURL}/api/volume`, { method: 'POST', body: volumeForm('brats-pat0001-flair.nii.gz') })).json();
  expect([flair.guard.verdict, flair.warning]).toEqual(['axial-flair', null]);
  for (const query of ['', '?force=true']) {
    const refused = await fetch(`${baseURL}/api/volume${query}`, { method: 'POST', body: volumeForm('brats-pat0001-labels.nii.gz') });
    expect(refused.status).toBe(422);
    const body = await refused.json();
    expect(body.error).toMatch(/label map/);
    expect([body.guard.refusedAs, body.guard.overrulable]).toEqual(['label-map', false]);
  }
});

for (const javaScriptEnabled of [true, false]) {
  test(`the page shows the T1c warning and refuses the label map (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await page.goto('/volume');
    await page.setInputFiles('input[name=flair]', fixture('brats-pat0001-t1c.nii.gz'));
    await page.getByRole('button', { name: 'Analyse volume' }).click();
    await expect(page.getByTestId('volume-warning')).toContainText('other than FLAIR', { timeout: 90_000 });
    await page.goto('/volume');
    await page.setInputFiles('input[name=flair]', fixture('brats-pat0001-labels.nii.gz'));
    await page.getByRole('button', { name: 'Analyse volume' }).click();
    await expect(page.getByTestId('upload-error')).toContainText('label map', { timeout: 60_000 });
    await expect(page.getByTestId('volume-result')).toHaveCount(0);
  });
}
