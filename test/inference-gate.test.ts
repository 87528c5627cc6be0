import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gate } from '../lib/runtime/inference-gate';
import { ServerBusyError } from '../lib/errors';
import { errorResponse } from '../lib/http/responses';

test('beyond capacity a request is refused at once with a retry delay, and a released place is reused', () => {
  const queue = new Gate(1, 2);
  const first = queue.admit();
  const second = queue.admit();
  assert.equal(queue.size, 2);
  assert.throws(() => queue.admit(), (error: unknown) => error instanceof ServerBusyError && error.status === 503 && error.retryAfterSeconds > 0);
  first();
  first(); // releasing twice frees one place, not two
  assert.equal(queue.size, 1);
  const third = queue.admit();
  assert.throws(() => queue.admit(), ServerBusyError);
  second();
  third();
  assert.equal(queue.size, 0);
});

test('run() never runs more tasks at once than its concurrency, in arrival order', async () => {
  const queue = new Gate(2, 100);
  let running = 0, most = 0;
  const order: number[] = [];
  await Promise.all(Array.from({ length: 8 }, (_, i) => queue.run(async () => {
    running++;
    most = Math.max(most, running);
    order.push(i);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
  })));
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('a task that fails frees its turn for the next one', async () => {
  const queue = new Gate(1, 10);
  await assert.rejects(queue.run(async () => { throw new Error('decoder crashed'); }), /decoder crashed/);
  assert.equal(await queue.run(async () => 'next one ran'), 'next one ran');
});

test('a busy error thrown by another copy of the error classes is still 503 with Retry-After, not 500', async () => {
  // what the start-up warm-up's bundle throws from the shared queue: the same name and fields, another class
  const OtherCopy = class ServerBusyError extends Error {
    readonly status = 503;
    constructor(readonly retryAfterSeconds: number) {
      super('The server is busy analysing other images. Please try again in a few seconds.');
      this.name = 'ServerBusyError';
    }
  };
  const response = errorResponse(new OtherCopy(2));
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '2');
  const otherUploadError = Object.assign(new Error('Send one file in each field (flair).'), { name: 'UploadError', status: 400 });
  assert.equal(errorResponse(otherUploadError).status, 400);
});
