import { expect, test, type Page, type Route } from '@playwright/test';
import { seriousViolations } from './axe';
import { scriptRunning } from './page-script';

// With JavaScript the volume form goes by XMLHttpRequest to /api/volume/view: its upload in %, the server's seconds,
// then the answer, or the API's error with the same message and the same "Analyse anyway" as the server action's.
// (A BRATS volume through both doors, compared: volume.spec.ts.)

test.setTimeout(60_000);

/** The page once its script runs, with a volume chosen. */
async function chooseVolume(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.goto('/volume');
  await scriptRunning(page);
  await page.setInputFiles('input[name=flair]', file);
}

test('while it uploads and while the server works, the page says how far it is and passes axe; then the API\'s error shows', async ({ page }) => {
  await chooseVolume(page, { name: 'scan.nii.gz', mimeType: 'application/gzip', buffer: Buffer.alloc(1024 * 1024, 7) });
  const network = await page.context().newCDPSession(page);
  // the upload slowed to 256 kB/s (1 MB: about 4 s), and the server's answer held until the page has been checked
  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await network.send('Fetch.enable', { patterns: [{ urlPattern: '*/api/volume/view', requestStage: 'Response' }] });
  const answered = new Promise<string>((resolve) => network.once('Fetch.requestPaused', ({ requestId }) => resolve(requestId)));
  await page.getByRole('button', { name: 'Analyse volume' }).click();

  const progress = page.getByTestId('upload-progress');
  await expect(progress).toBeVisible();
  await expect(page.getByRole('button', { name: 'Uploading…' })).toBeDisabled();
  expect(await seriousViolations(page)).toEqual([]);
  await expect(progress).toBeVisible(); // still uploading: axe saw this state

  const held = await answered;
  await expect(page.getByTestId('elapsed')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await expect(page.getByTestId('elapsed')).toHaveText(/^[1-9]\d* s$/); // the seconds tick while the server works
  await network.send('Fetch.continueRequest', { requestId: held });
  // a megabyte of sevens is no NIfTI: the API's message, and the form ready again
  await expect(page.getByTestId('upload-error')).toContainText('not a NIfTI-1 volume');
  await expect(page.getByTestId('volume-progress')).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByRole('button', { name: 'Analyse volume' })).toBeEnabled();
  await expect(page.getByTestId('volume-result')).toHaveCount(0);
});

// The guard's flag is answered here by the test, as the API answers it (e2e/openapi.spec.ts holds the API to that
// shape): no volume at hand looks enough unlike an MRI to be flagged rather than refused.
const FLAGGED = { error: 'This does not look like a brain MRI volume: 6 of its 7 axial slices look like something other than a brain MRI. If it is one, you can have it analysed anyway.', guard: { overrulable: true } };
const REFUSED = { error: 'This volume cannot be analysed: it looks like a label map. Send the FLAIR MRI volume itself.', guard: { overrulable: false } };

test('a volume the guard flags shows its message and "Analyse anyway", which sends the same file again, forced', async ({ page }) => {
  await chooseVolume(page, { name: 'scan.nii.gz', mimeType: 'application/gzip', buffer: Buffer.alloc(4096, 7) });
  const posts: Array<{ body: string; answer: (body: object) => Promise<void> }> = [];
  await page.route('**/api/volume/view', (route: Route) => {
    posts.push({ body: route.request().postDataBuffer()!.toString('latin1'), answer: (body) => route.fulfill({ status: 422, json: body }) });
  });
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  await expect.poll(() => posts.length).toBe(1);
  expect(posts[0].body).toContain('filename="scan.nii.gz"');
  expect(posts[0].body).not.toContain('name="force"');
  await posts[0].answer(FLAGGED);

  const flag = page.getByTestId('guard-flag');
  await expect(flag).toContainText('does not look like a brain MRI volume');
  await flag.getByRole('button', { name: 'Analyse anyway' }).click();
  await expect.poll(() => posts.length).toBe(2);
  expect(posts[1].body).toContain('filename="scan.nii.gz"'); // the same file, though the form was cleared
  expect(posts[1].body).toMatch(/name="force"\r\n\r\ntrue\r\n/);
  await posts[1].answer(REFUSED);
  await expect(page.getByTestId('upload-error')).toHaveText(REFUSED.error);
  await expect(page.getByRole('button', { name: 'Analyse anyway' })).toHaveCount(0);
});
