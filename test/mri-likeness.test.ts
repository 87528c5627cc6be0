import assert from 'node:assert/strict';
import { test } from 'node:test';
import { letterbox } from '../lib/imaging/letterbox';
import { certainVerdict, guardInput, visibleBrainShare } from '../lib/imaging/mri-likeness';

const SIZE = 256;
const box = letterbox(SIZE, SIZE, SIZE);

/** A 256 x 256 RGB picture from a function of (x, y) -> [r, g, b]. */
function picture(colour: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) rgb.set(colour(x, y), (y * SIZE + x) * 3);
  return rgb;
}

/** A fixed-seed generator, so the noise is the same on every run. */
function seeded(seed: number) {
  let state = seed;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const grey = (v: number): [number, number, number] => [v, v, v];
const insideEllipse = (x: number, y: number, rx = 90, ry = 110) => ((x - 128) / rx) ** 2 + ((y - 128) / ry) ** 2 <= 1;

test('one flat colour that is not black is certainly no slice, whatever the colour', () => {
  for (const colour of [grey(255), grey(128), grey(6), [20, 90, 200] as [number, number, number]]) {
    assert.deepEqual(certainVerdict(picture(() => colour), box), { verdict: 'refused', reason: 'it is one flat colour, with nothing in it to analyse' });
  }
});

test('a picture black all over is a slice beyond the head: blank, answered, not refused', () => {
  for (const colour of [grey(0), grey(1), [0, 2, 3] as [number, number, number]]) assert.equal(certainVerdict(picture(() => colour), box)?.verdict, 'blank');
  const speckled = picture((x, y) => grey((x * 7 + y * 13) % 4)); // values 0-3: the exports' rounding of a black slice
  assert.equal(certainVerdict(speckled, box)?.verdict, 'blank');
});

test('a blank end-of-scan slice (faint scanner noise on black) is not one flat colour: the classifier decides', () => {
  const noise = seeded(1);
  assert.equal(certainVerdict(picture(() => grey(Math.floor(noise() * 12))), box), null);
});

test('a head cropped so tightly that it touches every edge is not refused by the certain checks', () => {
  const head = picture((x, y) => grey(insideEllipse(x, y, 140, 150) ? 90 + Math.round(40 * Math.sin(x / 9)) : 5));
  assert.equal(certainVerdict(head, box), null);
});

test('a long thin strip is not a slice, whatever it shows', () => {
  const strip = letterbox(4096, 32, SIZE);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = strip.top; y < strip.top + strip.height; y++) for (let x = strip.left + 60; x < strip.left + 200; x++) rgb.set(grey(150), (y * SIZE + x) * 3);
  assert.match(certainVerdict(rgb, strip)!.reason, /strip/);
});

test('the flat-colour check looks inside the letterbox only: black bars around a picture do not count', () => {
  const wide = letterbox(512, 256, SIZE);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = wide.top; y < wide.top + wide.height; y++) for (let x = wide.left; x < wide.left + wide.width; x++) rgb.set(grey(200), (y * SIZE + x) * 3);
  assert.match(certainVerdict(rgb, wide)!.reason, /one flat colour/);
});

test('the classifier input is the mean of each 4 x 4 cell, planar RGB, scaled to 0..1', () => {
  const rgb = picture((x, y) => [x < 4 && y < 4 ? 255 : 0, (x + y) % 2 ? 255 : 0, 51]);
  const input = guardInput(rgb, SIZE, 64);
  const area = 64 * 64;
  assert.equal(input.length, 3 * area);
  assert.ok(Math.abs(input[0] - 1) < 1e-6); // the first cell is all red
  assert.ok(Math.abs(input[1]) < 1e-6);
  assert.ok(Math.abs(input[area] - 0.5) < 1e-6); // a checkerboard averages to half
  assert.ok(Math.abs(input[2 * area + 123] - 0.2) < 1e-6);
});

test('a guard with a finer input (128 a side) averages 2 x 2 cells', () => {
  const rgb = picture((x, y) => [x < 2 && y < 2 ? 255 : 0, x % 2 ? 255 : 0, 0]);
  const input = guardInput(rgb, SIZE, 128);
  assert.equal(input.length, 3 * 128 * 128);
  assert.ok(Math.abs(input[0] - 1) < 1e-6 && Math.abs(input[1]) < 1e-6);
  assert.ok(Math.abs(input[128 * 128] - 0.5) < 1e-6);
});

test('visible brain is the share of FLAIR (green) pixels at 20 or more', () => {
  const pixels = picture((x) => [255, x < 64 ? 20 : 19, 255]);
  assert.equal(visibleBrainShare(pixels), 0.25);
});
