import sharp from 'sharp';
import { expect, type Page } from '@playwright/test';

// The volume viewer read as a person sees it: pixels of its canvas (a screenshot), the crosshair found by its colour,
// and the red of the predicted tumour around it.

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

export async function canvasPixels(page: Page): Promise<Pixels> {
  const png = await page.getByTestId('viewer-canvas').screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const rgb = (p: Pixels, x: number, y: number) => {
  const at = (y * p.width + x) * p.channels;
  return [p.data[at], p.data[at + 1], p.data[at + 2]];
};
// the crosshair is cyan, never red: red is the tumour
const isCrosshair = ([r, g, b]: number[]) => r < 120 && g > 150 && b > 200;
const redness = ([r, g, b]: number[]) => Math.max(0, r - Math.max(g, b));

/** The crosshair's centre: the column and the row with the most crosshair-coloured pixels. */
export function crosshair(p: Pixels): { x: number; y: number } {
  const columns = new Array(p.width).fill(0), rows = new Array(p.height).fill(0);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      if (isCrosshair(rgb(p, x, y))) {
        columns[x]++;
        rows[y]++;
      }
    }
  }
  return { x: columns.indexOf(Math.max(...columns)), y: rows.indexOf(Math.max(...rows)) };
}

/** Around the crosshair (where it starts: the largest lesion's centre): red pixels and their summed redness. */
export function tumourRed(p: Pixels, centre: { x: number; y: number }) {
  const reach = Math.round(0.12 * Math.min(p.width, p.height));
  let pixels = 0, sum = 0;
  for (let y = Math.max(0, centre.y - reach); y < Math.min(p.height, centre.y + reach); y++) {
    for (let x = Math.max(0, centre.x - reach); x < Math.min(p.width, centre.x + reach); x++) {
      const red = redness(rgb(p, x, y));
      if (red > 60) pixels++;
      sum += red;
    }
  }
  return { pixels, sum };
}

/** Pixels bright enough to be the head, and how many grey levels they take. */
export function scanShown(p: Pixels): { share: number; levels: number } {
  let bright = 0;
  const levels = new Set<number>();
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const [r, g, b] = rgb(p, x, y);
      if (r > 30 && Math.abs(r - g) < 8 && Math.abs(g - b) < 8) {
        bright++;
        levels.add(r);
      }
    }
  }
  return { share: bright / (p.width * p.height), levels: levels.size };
}

/** The scan is drawn; red around the crosshair follows the opacity slider and goes with the overlay switch. */
export async function expectTumourOverlay(page: Page) {
  const shown = await canvasPixels(page);
  const centre = crosshair(shown);
  const withOverlay = tumourRed(shown, centre);
  expect(withOverlay.pixels, 'red pixels around the crosshair at the largest lesion').toBeGreaterThan(30);

  // each change redraws the volumes, seconds in software rendering: two changes only
  await page.getByTestId('viewer-opacity').fill('25');
  const faint = tumourRed(await canvasPixels(page), centre);
  expect(faint.sum, 'a lower opacity shows less red').toBeLessThan(0.7 * withOverlay.sum);
  expect(faint.sum).toBeGreaterThan(0);

  await page.getByTestId('viewer-overlay').uncheck();
  const hidden = await canvasPixels(page);
  expect(tumourRed(hidden, centre).pixels, 'no red with the overlay off').toBe(0);
  const scan = scanShown(hidden);
  expect(scan.share, 'the scan covers part of the canvas').toBeGreaterThan(0.05);
  expect(scan.levels, 'in many shades of grey').toBeGreaterThan(40);
}
