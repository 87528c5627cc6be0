import assert from 'node:assert/strict';
import { test } from 'node:test';
import { letterbox } from '../lib/imaging/letterbox';
import { assessMriLikeness } from '../lib/imaging/mri-likeness';

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

const insideEllipse = (x: number, y: number, rx = 90, ry = 110) => ((x - 128) / rx) ** 2 + ((y - 128) / ry) ** 2 <= 1;
const grey = (v: number): [number, number, number] => [v, v, v];

test('a head-shaped bright ellipse on a noisy black background is an MRI slice', () => {
  const noise = seeded(1);
  const head = picture((x, y) => grey(insideEllipse(x, y) ? 90 + Math.round(60 * Math.sin(x / 9) * Math.cos(y / 7)) : Math.floor(noise() * 14)));
  assert.equal(assessMriLikeness(head, box).isMri, true);
});

test('a small speck of head at the top of the skull still counts', () => {
  const speck = picture((x, y) => grey(insideEllipse(x, y, 10, 8) ? 120 : 3));
  assert.equal(assessMriLikeness(speck, box).isMri, true);
});

test('a layered slice whose T1 channel has a flat grey background is still a slice', () => {
  const layered = picture((x, y) => (insideEllipse(x, y) ? [140, 170, 120] : [76, 2, 1]));
  assert.equal(assessMriLikeness(layered, box).isMri, true);
});

test('black or nearly black pictures are refused as blank', () => {
  for (const level of [0, 12]) {
    const verdict = assessMriLikeness(picture(() => grey(level)), box);
    assert.equal(verdict.isMri, false);
    assert.match(verdict.reason!, /blank/);
  }
});

test('a white or grey picture is refused: its edges are not dark', () => {
  for (const level of [128, 255]) assert.match(assessMriLikeness(picture(() => grey(level)), box).reason!, /edges/);
});

test('colour noise is refused', () => {
  const noise = seeded(2);
  const verdict = assessMriLikeness(picture(() => [noise() * 256, noise() * 256, noise() * 256].map(Math.floor) as [number, number, number]), box);
  assert.equal(verdict.isMri, false);
});

test('stars or light text on black are specks, not a head', () => {
  const noise = seeded(3);
  const text = picture((x, y) => grey(y % 16 < 5 && x > 20 && x < 236 && noise() < 0.5 && Math.floor(x / 6) % 2 === 0 ? 230 : 0));
  const verdict = assessMriLikeness(text, box);
  assert.equal(verdict.isMri, false);
  assert.match(verdict.reason!, /specks/);
});

test('a photo pasted on a black canvas is refused for its straight edges', () => {
  const noise = seeded(4);
  const photo = picture((x, y) => (x >= 40 && x < 216 && y >= 60 && y < 196 ? [120 + Math.floor(noise() * 100), 90, 60] : [0, 0, 0]));
  const verdict = assessMriLikeness(photo, box);
  assert.equal(verdict.isMri, false);
  assert.match(verdict.reason!, /straight edges/);
});

test('a bright page with dark text is refused for its edges', () => {
  const page = picture((x, y) => grey(y % 14 < 5 && x > 24 && x < 232 ? 30 : 235));
  const verdict = assessMriLikeness(page, box);
  assert.equal(verdict.isMri, false);
  assert.match(verdict.reason!, /edges/);
});

test('a slice letterboxed into the square is judged inside its box only', () => {
  const wide = letterbox(512, 256, SIZE); // 256 x 128 in the middle of the square
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = wide.top; y < wide.top + wide.height; y++) {
    for (let x = wide.left; x < wide.left + wide.width; x++) {
      const inside = ((x - 128) / 100) ** 2 + ((y - 128) / 50) ** 2 <= 1;
      rgb.set(grey(inside ? 150 : 2), (y * SIZE + x) * 3);
    }
  }
  assert.equal(assessMriLikeness(rgb, wide).isMri, true);
});

test('a long thin strip is not a slice, whatever it shows', () => {
  const strip = letterbox(4096, 32, SIZE);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = strip.top; y < strip.top + strip.height; y++) for (let x = strip.left + 60; x < strip.left + 200; x++) rgb.set(grey(150), (y * SIZE + x) * 3);
  assert.match(assessMriLikeness(rgb, strip).reason!, /strip/);
});
