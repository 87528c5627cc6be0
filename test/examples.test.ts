import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXAMPLES } from '../lib/examples/catalogue';
import { exampleForm } from '../lib/examples/example-form';
import { UploadError } from '../lib/errors';

test('every example is a file under public/examples, a few MB in all, with its source and licence', () => {
  const sizes = EXAMPLES.map((example) => statSync(path.join('public', 'examples', example.file)).size);
  assert.ok(sizes.every((size) => size > 0));
  assert.ok(sizes.reduce((a, b) => a + b, 0) < 5 * 1024 * 1024, `${sizes} bytes`);
  assert.ok(EXAMPLES.every((example) => example.source.length > 0 && /^(CC|GPL)/.test(example.licence)));
  assert.equal(new Set(EXAMPLES.map((example) => example.name)).size, EXAMPLES.length);
});

test('an example becomes the form an upload of its file would send', async () => {
  const form = await exampleForm('/volume', 'volume-dicom');
  const flair = form.get('flair') as File;
  assert.equal(flair.name, 'brats-pat0004-dicom.zip');
  assert.equal(flair.size, statSync(path.join('public', 'examples', 'brats-pat0004-dicom.zip')).size);
  assert.equal(form.get('example'), 'volume-dicom');
});

test('a name not on the page\'s list is a 400, whatever path it spells', async () => {
  for (const [page, name] of [['/predict', 'nope'], ['/volume', '../../package.json'], ['/predict', 'volume-flair'], ['/volume', 'tumour-flair.png']] as const) {
    await assert.rejects(exampleForm(page, name), (error) => error instanceof UploadError && error.status === 400);
  }
});
