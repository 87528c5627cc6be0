import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cropToImage, letterbox, uploadPixel } from '../lib/imaging/letterbox';

test('a square image fills the model input', () => {
  assert.deepEqual(letterbox(512, 512, 256), { size: 256, width: 256, height: 256, left: 0, top: 0 });
});

test('a wide image is centred with black bands above and below', () => {
  assert.deepEqual(letterbox(512, 256, 256), { size: 256, width: 256, height: 128, left: 0, top: 64 });
});

test('a small image is enlarged, aspect kept', () => {
  assert.deepEqual(letterbox(100, 200, 256), { size: 256, width: 128, height: 256, left: 64, top: 0 });
});

test('cropping the model map returns the image rectangle as 8-bit probabilities', () => {
  const box = letterbox(4, 2, 4); // 4x2 inside 4x4, top 1
  const map = new Float32Array(16);
  map[1 * 4 + 2] = 1; // row 1 is the image's first row
  map[0] = 1; // padding: dropped
  const crop = cropToImage(map, box);
  assert.equal(crop.length, 8);
  assert.deepEqual(Array.from(crop), [0, 0, 255, 0, 0, 0, 0, 0]);
});

test('a pixel of the square maps back to the upload pixel under it, bands clamped to the image edge', () => {
  const box = letterbox(512, 256, 256); // 256 x 128 inside the square, top 64
  // each square pixel covers 2 x 2 upload pixels; its centre falls on the lower-right one
  assert.equal(uploadPixel(64 * 256 + 0, box, 512, 256), 1 * 512 + 1);
  assert.equal(uploadPixel((64 + 127) * 256 + 255, box, 512, 256), 255 * 512 + 511); // the image's last pixel
  assert.equal(uploadPixel((64 + 10) * 256 + 100, box, 512, 256), 21 * 512 + 201);
  assert.equal(uploadPixel(0, box, 512, 256), 1); // the black band above: the image's first row
});

test('mirror-symmetric: equal margins on both sides for any size, each side within a pixel of the plain letterbox', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 }), (width, height) => {
    const box = letterbox(width, height, 256, { mirrorSymmetric: true });
    const plain = letterbox(width, height, 256);
    assert.equal(256 - box.left - box.width, box.left);
    assert.equal(256 - box.top - box.height, box.top);
    assert.ok(box.width >= 1 && box.height >= 1);
    assert.ok(Math.abs(box.width - plain.width) <= 1 && Math.abs(box.height - plain.height) <= 1, `${width}x${height}: ${box.width}x${box.height}`);
  }));
});
