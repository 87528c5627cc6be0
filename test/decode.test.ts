import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { UploadError } from '../lib/errors';
import { decodeImage, sniffImageFormat } from '../lib/formats/open-image';
import { luma } from '../lib/analysis/readings';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const slice = () => readFileSync(new URL('../e2e/fixtures/tumour-flair.png', import.meta.url));

async function rejects(bytes: Uint8Array, status: number, text: RegExp) {
  await assert.rejects(decodeImage(bytes), (error: unknown) => {
    assert.ok(error instanceof UploadError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, text);
    return true;
  });
}

test('formats are told by their bytes, not their names', () => {
  assert.equal(sniffImageFormat(slice()), 'png');
  assert.equal(sniffImageFormat(fixture('flair-exif-rotated.jpg')), 'jpeg');
  assert.throws(() => sniffImageFormat(Buffer.from('GIF89a....')), /GIF/);
  assert.throws(() => sniffImageFormat(Buffer.from('%PDF-1.7')), /PDF/);
  assert.throws(() => sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), /SVG/);
});

test('empty, text, truncated and unsupported uploads get clear 4xx errors', async () => {
  await rejects(new Uint8Array(0), 400, /empty/);
  await rejects(Buffer.from('just some text'), 400, /not an image/);
  await rejects(slice().subarray(0, 400), 400, /damaged or truncated/);
  await rejects(Buffer.from('GIF89a\x01\x00\x01\x00'), 415, /GIF/);
});

test('an image too small to be a slice is refused', async () => {
  const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).png().toBuffer();
  await rejects(tiny, 400, /too small/);
});

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

test('a decompression bomb is refused before it is decoded', async () => {
  // a real PNG whose header claims 30000 x 30000 pixels (900 megapixels)
  const bomb = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer());
  bomb.writeUInt32BE(30000, 16);
  bomb.writeUInt32BE(30000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  await rejects(bomb, 413, /pixels/);
});

test('a grey PNG decodes as grey, an RGB MRI as colour', async () => {
  const grey = await decodeImage(slice());
  assert.equal(grey.isColour, false);
  assert.equal(grey.width, 256);
  const layered = await decodeImage(readFileSync(new URL('../e2e/fixtures/tumour-layered.png', import.meta.url)));
  assert.equal(layered.isColour, true);
});

test('a 16-bit PNG is brought to 8 bits with its contrast kept', async () => {
  const eight = await decodeImage(slice());
  const sixteen = await decodeImage(fixture('flair-16bit.png'));
  const a = luma(eight.rgb), b = luma(sixteen.rgb);
  const maxDifference = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(maxDifference <= 1, `max difference ${maxDifference}`);
});

test('an EXIF-rotated JPEG is turned upright', async () => {
  const rotated = await decodeImage(fixture('flair-exif-rotated.jpg'));
  const upright = await decodeImage(fixture('flair-upright.png'));
  assert.equal(rotated.width, upright.width);
  assert.equal(rotated.height, upright.height);
  const a = luma(rotated.rgb), b = luma(upright.rgb);
  const meanDifference = a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
  assert.ok(meanDifference < 4, `mean difference ${meanDifference}`);
});

test('a CMYK JPEG is converted to RGB', async () => {
  const decoded = await decodeImage(fixture('layered-cmyk.jpg'));
  assert.equal(decoded.rgb.length, decoded.width * decoded.height * 3);
  assert.equal(decoded.isColour, true);
});

test('transparency is flattened onto black, like the MRI background', async () => {
  const rgba = new Uint8Array(64 * 64 * 4); // fully transparent white
  for (let i = 0; i < rgba.length; i += 4) rgba.set([255, 255, 255, 0], i);
  const png = await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toBuffer();
  const decoded = await decodeImage(png);
  assert.equal(Math.max(...decoded.rgb), 0);
});
