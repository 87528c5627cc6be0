import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { parseMultipart } from '../lib/http/multipart';

// The files of a DICOM series in one field: kept in order, one after another in one buffer (so the series can be stacked
// inside it); a single-file field keeps its own buffer; with and without a declared length.

const boundary = 'series-boundary';
const file = (name: string, data: Uint8Array, filename: string) => Buffer.concat([
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/dicom\r\n\r\n`),
  data, Buffer.from('\r\n'),
]);

test('several files in the flair field lie one after another in one buffer, in the order they came', async () => {
  const slices = [3000, 5000, 70000, 1].map((size, k) => Uint8Array.from({ length: size }, (_, i) => (i * (k + 3)) % 251));
  const t1c = new Uint8Array(9000).fill(7);
  const body = Buffer.concat([...slices.map((data, k) => file('flair', data, `IM${k}`)), file('t1c', t1c, 't1c.nii'), Buffer.from(`--${boundary}--\r\n`)]);
  for (const declareLength of [true, false]) {
    const headers = new Headers({ 'content-type': `multipart/form-data; boundary=${boundary}` });
    headers.set(...(declareLength ? ['content-length', String(body.length)] : ['transfer-encoding', 'chunked']) as [string, string]);
    // small chunks, so the shared buffer grows when no length was declared
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 4096) controller.enqueue(body.subarray(at, at + 4096));
        controller.close();
      },
    });
    const parsed = await parseMultipart({ headers, body: stream } as unknown as Request, {
      maxTotalBytes: 1 << 20, fileFields: ['flair', 't1c'], multiFileFields: ['flair'], maxFiles: 10, memory: new MemoryBudget(8 << 20).reserve(),
    });
    const flair = await Promise.all(parsed.fileLists.flair.map((f) => f.read()));
    assert.deepEqual(flair.map((bytes) => Buffer.from(bytes).toString('hex')), slices.map((bytes) => Buffer.from(bytes).toString('hex')));
    flair.forEach((bytes, k) => {
      assert.equal(bytes.buffer, flair[0].buffer);
      if (k > 0) assert.equal(bytes.byteOffset, flair[k - 1].byteOffset + flair[k - 1].length);
    });
    const own = await parsed.files.t1c.read();
    assert.deepEqual(Array.from(own), Array.from(t1c));
    assert.notEqual(own.buffer, flair[0].buffer);
  }
});
