import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UploadError } from '../lib/errors';
import { readVolumeRequest } from '../lib/http/volume-request';
import { MemoryBudget } from '../lib/runtime/memory-budget';

// Both volume routes read a request one way: files, or the name of one of the page's examples (never a path).

/** As a browser sends a form: its length declared (formidable reads a body without one as empty). */
async function post(form: FormData, query = ''): Promise<Request> {
  const encoded = new Response(form);
  const body = await encoded.arrayBuffer();
  const headers = { 'content-type': encoded.headers.get('content-type')!, 'content-length': String(body.byteLength) };
  return new Request(`http://localhost/api/volume${query}`, { method: 'POST', body, headers });
}
const memory = () => new MemoryBudget(256 << 20).reserve();
const form = (fields: Record<string, string | File>) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
};

test('an example\'s name reads the server\'s own copy of its file, as if it were uploaded', async () => {
  const read = await readVolumeRequest(await post(form({ example: 'volume-flair' })), memory());
  assert.equal(read.example, 'volume-flair');
  assert.equal(read.uploadName, 'brats-pat0004-flair.nii.gz');
  assert.equal(read.upload.flair.length, 1);
  assert.deepEqual(Buffer.from(read.upload.flair[0]), readFileSync(path.join('public', 'examples', 'brats-pat0004-flair.nii.gz')));
});

test('a name not on the volume page\'s list is a 400, whatever it spells, and so is an example sent with files', async () => {
  for (const name of ['nope', '../../package.json', 'slice-tumour', 'brats-pat0004-flair.nii.gz', '']) {
    await assert.rejects(readVolumeRequest(await post(form({ example: name })), memory()), (error) => error instanceof UploadError && error.status === 400, name);
  }
  const both = form({ example: 'volume-flair', flair: new File([new Uint8Array(400)], 'flair.nii') });
  await assert.rejects(readVolumeRequest(await post(both), memory()), /either the files of a volume or the name of an example/);
});

test('an upload keeps its file\'s name for the mask, and options come from the body before the query', async () => {
  const read = await readVolumeRequest(await post(form({ flair: new File([new Uint8Array(400)], 'pat1_flair.nii'), display: 'true' }), '?display=false&force=true'), memory());
  assert.equal(read.example, null);
  assert.equal(read.uploadName, 'pat1_flair.nii');
  assert.equal(read.option('display'), 'true');
  assert.equal(read.option('force'), 'true');
  assert.equal(read.upload.force, true);
  assert.equal(read.option('format'), undefined);
});
