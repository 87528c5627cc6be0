/**
 * The README's pictures, made by the app itself: docs/screenshot.png (a slice's result) and docs/volume.png (a volume's).
 *
 *   npm run screenshots
 *
 * Builds if .next is missing, starts `next start` on a free port, uploads the committed fixtures in Debian's Chromium
 * (e2e/fixtures/tumour-flair.png on /predict, e2e/fixtures/brats-pat0001-flair.nii.gz on /volume), waits for each result
 * and writes it 1280 px wide. It refuses to write a picture whose model is not the committed one (models/manifest.json),
 * and checks that the server's guard is models/guard.json's (the result pages do not show the guard's version).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Locator, type Page } from '@playwright/test';
import sharp from 'sharp';
import { apiFormData, fixture, postApi } from '../testkit/client';
import { startServer, type ServerProcess } from '../testkit/server-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../testkit/chromium';

const WIDTH = 1280;
/** Pictures taller than this are cut off at the bottom (the volume's slice browser runs long). */
const MAX_HEIGHT = 1500;
/** Room left around the result's card, in CSS pixels. */
const MARGIN = 24;
/** Above this a picture is written as a 256-colour PNG instead (README pictures stay small in the repository). */
const MAX_BYTES = 300 * 1024;

const docs = path.join(process.cwd(), 'docs');
const manifest = JSON.parse(readFileSync(path.join(process.cwd(), 'models', 'manifest.json'), 'utf8'));
const guardManifest = JSON.parse(readFileSync(path.join(process.cwd(), 'models', 'guard.json'), 'utf8'));
const modelShown = `${manifest.model.name} v${manifest.model.version}`;

function ensureBuild() {
  if (existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) return;
  console.log('No production build in .next: building (next build)...');
  execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}

/** The server's guard must be the committed one: asked through the API, since no result page names it. */
async function checkGuard(server: ServerProcess) {
  const slice = { name: 'tumour-flair.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) };
  const response = await postApi(server.url, apiFormData(slice));
  const body = await response.json();
  const served = `${body.guard?.model?.name} v${body.guard?.model?.version}`, committed = `${guardManifest.model.name} v${guardManifest.model.version}`;
  if (served !== committed) throw new Error(`The server's guard is ${served}, models/guard.json says ${committed}: rebuild (rm -rf .next).`);
  if (`${body.model?.name} v${body.model?.version}` !== modelShown) throw new Error(`The server's model is not ${modelShown}: rebuild (rm -rf .next).`);
}

/** The result's card, 1280 px wide, from a little above it down to its end or MAX_HEIGHT. */
async function capture(page: Page, result: Locator, file: string) {
  const modelText = await result.getByText(modelShown, { exact: true }).count();
  if (modelText === 0) throw new Error(`The result on ${page.url()} does not show ${modelShown} (models/manifest.json).`);
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await result.boundingBox();
  if (!box) throw new Error(`No result on ${page.url()}`);
  const y = Math.max(0, Math.floor(box.y) - MARGIN);
  const height = Math.min(MAX_HEIGHT, Math.ceil(box.y + box.height) + MARGIN - y);
  let png = await page.screenshot({ fullPage: true, clip: { x: 0, y, width: WIDTH, height }, animations: 'disabled', caret: 'hide' });
  if (png.length > MAX_BYTES) png = await sharp(png).png({ palette: true, colours: 256, compressionLevel: 9, effort: 10 }).toBuffer();
  writeFileSync(path.join(docs, file), png);
  const { width: w, height: h } = await sharp(png).metadata();
  console.log(`docs/${file}: ${w} x ${h}, ${Math.round(png.length / 1024)} kB, ${modelShown}`);
}

async function main() {
  ensureBuild();
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await checkGuard(server);
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 });

    await page.goto(`${server.url}/predict`);
    await page.setInputFiles('input[name=flair]', fixture('tumour-flair.png'));
    await page.getByRole('button', { name: 'Analyse slice' }).click();
    const slice = page.getByTestId('result');
    await slice.getByTestId('label').first().waitFor({ timeout: 60_000 });
    await slice.getByTestId('overlay').first().waitFor();
    await capture(page, slice, 'screenshot.png');

    await page.goto(`${server.url}/volume`);
    await page.setInputFiles('input[name=flair]', fixture('brats-pat0001-flair.nii.gz'));
    await page.getByRole('button', { name: 'Analyse volume' }).click();
    const volume = page.getByTestId('volume-result');
    await volume.waitFor({ timeout: 120_000 });
    await volume.locator('[data-testid=slice-frame]:visible').getByTestId('volume-overlay').first().waitFor();
    await volume.locator('[data-testid=viewer][data-status=ready]').waitFor({ timeout: 60_000 });
    await capture(page, volume, 'volume.png');
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
