import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import sharp from 'sharp';
import { analyseSlice, type SliceAnalysis } from '../lib/analysis/analyse-slice';
import { isNotBrainMriError } from '../lib/analysis/mri-guard';
import { inverseTurn, turnRaster, type QuarterTurns } from '../lib/imaging/turn';

// A slice answer that holds however the picture is turned: the committed orientation reader and models, on the e2e
// fixtures in each of the 8 turns and mirrors.

const fixture = (name: string) => readFileSync(path.join(process.cwd(), 'e2e', 'fixtures', name));
const QUARTERS: QuarterTurns[] = [0, 1, 2, 3];

test('a quarter turn is counter-clockwise, as numpy.rot90 and torch.rot90 turn the training pictures', () => {
  // rot90([[1, 2, 3], [4, 5, 6]]) = [[3, 6], [2, 5], [1, 4]]
  const turned = turnRaster({ width: 3, height: 2, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]) }, 1, 1);
  assert.deepEqual([turned.width, turned.height, Array.from(turned.pixels)], [2, 3, [3, 6, 2, 5, 1, 4]]);
});

test('every turn is undone exactly by its inverse, for any size and number of channels', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...QUARTERS), (width, height, channels, quarters) => {
    const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 251);
    const turned = turnRaster({ width, height, pixels }, quarters, channels);
    const back = turnRaster(turned, inverseTurn(quarters), channels);
    assert.deepEqual([back.width, back.height], [width, height]);
    assert.deepEqual(back.pixels, pixels);
  }));
});

/** The picture mirrored left to right (optionally), then turned counter-clockwise by `quarters`, as a PNG. */
async function oriented(png: Buffer, quarters: QuarterTurns, mirrored: boolean): Promise<Uint8Array> {
  const flipped = mirrored ? await sharp(png).flop().png().toBuffer() : png;
  return new Uint8Array(quarters ? await sharp(flipped).rotate(360 - 90 * quarters).png().toBuffer() : flipped);
}

function mirror(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = mask[y * width + width - 1 - x];
  return out;
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let both = 0, either = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return either ? both / either : 1;
}

/** The same label, a probability within 0.01 and a mask turned alike (IoU >= 0.98) in each orientation. */
async function holdsInEveryOrientation(name: string, mirrors = [false, true]) {
  const png = fixture(name);
  const asGiven = await analyseSlice({ flair: new Uint8Array(png), reading: 'auto' });
  assert.equal(asGiven.orientation.turnDegrees, 0);
  for (const mirrored of mirrors) {
    for (const quarters of QUARTERS) {
      const where = `${name}${mirrored ? ' mirrored' : ''} turned ${90 * quarters}°`;
      const analysis: SliceAnalysis = await analyseSlice({ flair: await oriented(png, quarters, mirrored), reading: 'auto' });
      assert.equal(analysis.orientation.turnDegrees, 90 * quarters, where);
      assert.equal(analysis.orientation.source, 'detected', where);
      assert.equal(analysis.result.label, asGiven.result.label, where);
      assert.ok(Math.abs(analysis.result.probability - asGiven.result.probability) <= 0.01, `${where}: ${analysis.result.probability} against ${asGiven.result.probability}`);
      if (!asGiven.result.mask) continue;
      const expected = turnRaster({ width: asGiven.width, height: asGiven.height, pixels: mirrored ? mirror(asGiven.result.mask, asGiven.width, asGiven.height) : asGiven.result.mask }, quarters, 1);
      assert.deepEqual([analysis.width, analysis.height], [expected.width, expected.height], where);
      assert.ok(iou(analysis.result.mask!, expected.pixels) >= 0.98, `${where}: mask IoU ${iou(analysis.result.mask!, expected.pixels)}`);
    }
  }
}

test('a square tumour slice in each of the 8 turns and mirrors: the same answer, the mask turned alike', () => holdsInEveryOrientation('tumour-flair.png'));

// A slice that is not square is resized into the square, and sharp's resize is not mirror-symmetric (a mirrored picture
// resized is the resized picture mirrored, shifted by a pixel): the mirrored reading is made from the mirrored picture.
test('a slice that is not square (a tight crop) in each of the 8 turns and mirrors: the same answer, the mask turned alike', () => holdsInEveryOrientation('tumour-tight-crop.png'));

test('a slice with no tumour stays No Tumor in every turn', () => holdsInEveryOrientation('no-tumour-flair.png'));

test('a picture that is not an MRI is not turned into one: flagged in each of the 4 turns', async () => {
  for (const quarters of QUARTERS) {
    await assert.rejects(analyseSlice({ flair: await oriented(fixture('not-mri-planet.jpg'), quarters, false), reading: 'auto' }), isNotBrainMriError, `turned ${90 * quarters}°`);
  }
});

// The reader reads a tumour mask as a slice turned by 180°; turned, the guard would let it through as an axial FLAIR slice
// (not-MRI score 0.24). As sent the guard is sure it is not an MRI (0.998), and that vetoes the turn.
test('a tumour mask uploaded by mistake is refused as sent, not turned into a slice', async () => {
  await assert.rejects(analyseSlice({ flair: new Uint8Array(fixture('tumour-layered_mask.png')), reading: 'auto' }), isNotBrainMriError);
});
