import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UploadError } from '../lib/errors';
import { MAX_SLICE_UPLOAD_BYTES } from '../lib/limits';
import { fromFormFile, parseSliceUpload, type UploadedFile } from '../lib/validation/upload';

const file = (size: number): UploadedFile => ({ size, read: async () => new Uint8Array(size) });

async function refuses(fields: Parameters<typeof parseSliceUpload>[0], status: number, text: RegExp) {
  await assert.rejects(parseSliceUpload(fields), (error: unknown) => {
    assert.ok(error instanceof UploadError);
    assert.equal(error.status, status);
    assert.match(error.message, text);
    return true;
  });
}

test('a FLAIR image is required', async () => {
  await refuses({}, 400, /Choose a FLAIR image/);
  await refuses({ t1: file(10) }, 400, /Choose a FLAIR image/);
});

test('the size limit covers all files together and answers 413', async () => {
  await refuses({ flair: file(MAX_SLICE_UPLOAD_BYTES + 1) }, 413, /limit is 10 MB/);
  await refuses({ flair: file(MAX_SLICE_UPLOAD_BYTES / 2), t1: file(MAX_SLICE_UPLOAD_BYTES / 2), t1c: file(10) }, 413, /limit/);
});

test('an unknown channel reading is refused with a message for a person', async () => {
  await refuses({ flair: file(10), reading: 'sideways' }, 400, /how to read the colour channels/);
});

test('a valid upload comes back with its bytes and the automatic reading', async () => {
  const upload = await parseSliceUpload({ flair: file(10) });
  assert.equal(upload.flair.length, 10);
  assert.equal(upload.reading, 'auto');
  assert.equal(upload.t1, undefined);
});

test('an empty file input (nothing chosen) is no file; an empty chosen file is a file', () => {
  assert.equal(fromFormFile(new File([], '')), undefined);
  assert.equal(fromFormFile('text'), undefined);
  assert.equal(fromFormFile(new File([], 'empty.png'))?.size, 0);
});

test('two files in one form field are refused, as the API refuses them', async () => {
  const { formFile } = await import('../lib/validation/upload');
  const form = new FormData();
  form.append('flair', new File([new Uint8Array(3)], 'a.png'));
  assert.equal(formFile(form, 'flair')?.size, 3);
  form.append('flair', new File([new Uint8Array(4)], 'b.png'));
  assert.throws(() => formFile(form, 'flair'), /one file in the field "flair", not 2/);
  assert.equal(formFile(form, 't1'), undefined);
});

test('force is off unless asked for: a ticked box sends "on", a program sends "true"', async () => {
  assert.equal((await parseSliceUpload({ flair: file(10) })).force, false);
  for (const value of ['true', 'on', '1']) assert.equal((await parseSliceUpload({ flair: file(10), force: value })).force, true);
  for (const value of ['false', 'off', '0', '']) assert.equal((await parseSliceUpload({ flair: file(10), force: value })).force, false);
  await refuses({ flair: file(10), force: 'please' }, 400, /force must be true or false/);
});
