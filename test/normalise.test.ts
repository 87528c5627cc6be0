import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { greyToModelInput, histogram, planesToModelInput, scaleFromHistogram, toModelInput } from '../lib/imaging/normalise';

const rule = { method: 'foreground-percentile' as const, foregroundMin: 10, percentile: 99, minForegroundPixels: 64, clipMax: 2, resize: { size: 256, fit: 'contain' as const, background: 0 } };

test('the per-channel scale matches training/data.py on real slices', async () => {
  // expected values printed by training/data.py channel_scales for the same files (the reference implementation)
  const cases: Array<[string, number[]]> = [
    ['e2e/fixtures/tumour-layered.png', [170, 159, 119]],
    ['e2e/fixtures/no-tumour-layered.png', [152, 94, 167]],
  ];
  for (const [file, expected] of cases) {
    const rgb = new Uint8Array(await sharp(readFileSync(file)).removeAlpha().raw().toBuffer());
    const scales = [0, 1, 2].map((c) => scaleFromHistogram(histogram(rgb, 3, c), rule));
    assert.deepEqual(scales, expected, file);
  }
});

test('background below the foreground threshold does not move the scale', () => {
  const pixels = new Uint8Array(10_000).fill(5);
  for (let i = 0; i < 1000; i++) pixels[i] = 100 + (i % 100);
  const withBackground = scaleFromHistogram(histogram(pixels), rule);
  const alone = scaleFromHistogram(histogram(pixels.subarray(0, 1000)), rule);
  assert.equal(withBackground, alone);
  assert.equal(alone, 198); // 99% of 100..199 lies at or below 198
});

test('a blank channel is scaled by 255, never divided by zero', () => {
  assert.equal(scaleFromHistogram(histogram(new Uint8Array(4096)), rule), 255);
});

test('toModelInput is planar T1, FLAIR, T1c, scaled and clipped', () => {
  const pixels = new Uint8Array(2 * 3 * 100);
  for (let i = 0; i < 200; i++) pixels.set([50, 100, 250], i * 3);
  const input = toModelInput(pixels, rule, [100, 50, 100]);
  assert.equal(input.length, 600);
  assert.equal(input[0], 0.5); // T1 plane
  assert.equal(input[200], 2); // FLAIR plane, 100 / 50
  assert.equal(input[400], 2); // T1c plane, 250 / 100 = 2.5 clipped to 2
});

test('the same image brightened keeps nearly the same model input (windowing does not matter)', () => {
  const pixels = new Uint8Array(3 * 4096);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 20 + ((i * 7) % 100);
  const brighter = pixels.map((v) => Math.min(255, v * 2));
  const a = toModelInput(pixels, rule), b = toModelInput(brighter, rule);
  const maxDifference = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(maxDifference < 0.02, `difference ${maxDifference}`);
});

test('planesToModelInput gives what toModelInput gives for the same planes interleaved, with a plane repeated or not', () => {
  const area = 64 * 64;
  const flair = Uint8Array.from({ length: area }, (_, i) => (i * 37) % 256), t1c = Uint8Array.from({ length: area }, (_, i) => (i * 11) % 256);
  for (const [planes, scales] of [[[flair, flair, flair], [90, 90, 90]], [[flair, flair, t1c], [90, 90, 40]], [[flair, flair, flair], [90, 60, 90]]] as const) {
    const interleaved = Uint8Array.from({ length: 3 * area }, (_, j) => planes[j % 3][Math.floor(j / 3)]);
    assert.deepEqual(planesToModelInput(planes, rule, scales, new Float32Array(3 * area)), toModelInput(interleaved, rule, scales));
  }
});

test('greyToModelInput gives what toModelInput gives for the plane interleaved three times', () => {
  const grey = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i < 900 ? 0 : (i * 53) % 256));
  const interleaved = Uint8Array.from({ length: 3 * grey.length }, (_, j) => grey[Math.floor(j / 3)]);
  assert.deepEqual(greyToModelInput(grey, rule, new Float32Array(3 * grey.length)), toModelInput(interleaved, rule));
});
