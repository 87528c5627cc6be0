import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UploadError } from '../lib/errors';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { parseMultipart } from '../lib/http/multipart';
import { fromFormFile } from '../lib/validation/upload';

const slice = readFileSync(new URL('../e2e/fixtures/tumour-flair.png', import.meta.url));
const boundary = 'test-boundary';
const limits = () => ({ maxTotalBytes: 10 * 1024 * 1024, fileFields: ['flair', 't1', 't1c'], memory: new MemoryBudget(64 * 1024 * 1024).reserve() });

function part(name: string, data: Buffer | string, filename?: string): Buffer {
  const header = filename === undefined
    ? `Content-Disposition: form-data; name="${name}"`
    : `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream`;
  return Buffer.concat([Buffer.from(`--${boundary}\r\n${header}\r\n\r\n`), Buffer.from(data), Buffer.from('\r\n')]);
}

/** What parseMultipart reads of a request; a real Request would drop Content-Length, which formidable needs. */
function multipartRequest(parts: Buffer[]): Request {
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  const headers = new Headers({ 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) });
  return { headers, body: new Blob([body]).stream() } as unknown as Request;
}

async function refuses(request: Request, status: number, text: RegExp) {
  await assert.rejects(parseMultipart(request, limits()), (error: unknown) => {
    assert.ok(error instanceof UploadError);
    assert.equal(error.status, status);
    assert.match(error.message, text);
    return true;
  });
}

test('two files in the flair field are refused, not silently cut to one', async () => {
  await refuses(multipartRequest([part('flair', slice, 'a.png'), part('flair', slice, 'b.png')]), 400, /one file in the field "flair", not 2/);
});

test('one flair file with unknown fields and files next to it is read', async () => {
  const parsed = await parseMultipart(multipartRequest([part('patient', 'Jane Doe'), part('evil', '#!/bin/sh', 'evil.sh'), part('flair', slice, '../../etc/passwd.png')]), limits());
  assert.deepEqual(Object.keys(parsed.files), ['flair']);
  assert.equal(parsed.files.flair.size, slice.length);
});

test('too many fields and a body that is not multipart are refused', async () => {
  await refuses(multipartRequest(Array.from({ length: 40 }, (_, i) => part(`field${i}`, 'x'))), 400, /could not be read/);
  await refuses(new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 415, /multipart/);
});

test('an unused file input, as the server action receives it, is no file', () => {
  // Next's decoder turns the browser's filename="" into the name "undefined"
  assert.equal(fromFormFile(new File([], 'undefined')), undefined);
  assert.equal(fromFormFile(new File([], '')), undefined);
  assert.equal(fromFormFile(new File([], 'empty.png'))?.size, 0);
});
