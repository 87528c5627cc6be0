import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { NotBrainMriError } from '../lib/analysis/mri-guard';
import { ModelUnavailableError } from '../lib/errors';
import { checkGuardSide } from '../lib/model/guard-model';

// The guard with the committed models, on the e2e fixtures: what a person sending these pictures gets.

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(process.cwd(), 'e2e', 'fixtures', name)));
const slice = (flair: Uint8Array, force = false) => analyseSlice({ flair, reading: 'auto', force });

async function flagged(flair: Uint8Array, force = false): Promise<NotBrainMriError> {
  try {
    await slice(flair, force);
  } catch (error) {
    assert.ok(error instanceof NotBrainMriError, String(error));
    assert.equal(error.status, 422);
    return error;
  }
  assert.fail('the picture was answered');
}

test('a tumour slice cropped tightly to the skull is answered Tumor, with no warning', async () => {
  const analysis = await slice(fixture('tumour-tight-crop.png'));
  assert.equal(analysis.result.label, 'Tumor');
  assert.equal(analysis.guard.verdict, 'axial-flair');
  assert.equal(analysis.warning, null);
});

test('a planet on black is flagged as not MRI with its score, and can be analysed anyway', async () => {
  const error = await flagged(fixture('not-mri-planet.jpg'));
  assert.equal(error.guard.verdict, 'not-mri');
  assert.equal(error.guard.overrulable, true);
  assert.ok(error.guard.score! >= error.guard.thresholds.notMri);
  assert.match(error.message, /does not look like a brain MRI slice/);
  const forced = await slice(fixture('not-mri-planet.jpg'), true);
  assert.equal(forced.guard.forced, true);
  assert.match(forced.warning!, /means nothing unless it is one/);
});

test('one flat colour is refused for certain: force does not overrule it', async () => {
  const white = new Uint8Array(await sharp({ create: { width: 256, height: 256, channels: 3, background: '#ffffff' } }).png().toBuffer());
  const error = await flagged(white, true);
  assert.equal(error.guard.verdict, 'refused');
  assert.equal(error.guard.overrulable, false);
  assert.match(error.message, /one flat colour/);
});

test('a black slice (beyond the head, or a black export) is answered: No Tumor, nothing drawn, the note that no brain is visible', async () => {
  const black = new Uint8Array(await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000000' } }).png().toBuffer());
  const analysis = await slice(black);
  assert.equal(analysis.guard.verdict, 'blank');
  assert.equal(analysis.result.label, 'No Tumor');
  assert.equal(analysis.result.mask, null);
  assert.match(analysis.note!, /No brain is visible/);
});

test('a T1c slice is answered with the warning that the model reads axial FLAIR', async () => {
  const analysis = await slice(fixture('t1c-slice.png'));
  assert.equal(analysis.guard.verdict, 'other-mri');
  assert.match(analysis.warning!, /trained on axial FLAIR/);
});

test('a blank end-of-scan slice is an MRI with nothing in it: No Tumor and a note', async () => {
  const analysis = await slice(fixture('blank-end-slice.png'));
  assert.equal(analysis.result.label, 'No Tumor');
  assert.match(analysis.note!, /No brain is visible/);
});

test('the two tumour fixtures are answered as before, as axial FLAIR', async () => {
  for (const name of ['tumour-flair.png', 'tumour-layered.png']) {
    const analysis = await slice(fixture(name));
    assert.equal(analysis.result.label, 'Tumor');
    assert.equal(analysis.guard.verdict, 'axial-flair');
  }
});

test('a guard whose input side does not divide the model square is refused when it is loaded, not per request', () => {
  assert.doesNotThrow(() => checkGuardSide(256, 64));
  assert.doesNotThrow(() => checkGuardSide(256, 128));
  assert.throws(() => checkGuardSide(256, 100), (error) => error instanceof ModelUnavailableError && /does not divide/.test(error.message));
});
