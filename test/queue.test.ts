import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from '../lib/analysis/work-queue';
import { ServerBusyError } from '../lib/errors';

test('beyond capacity a request is refused at once with a retry delay, and a released place is reused', () => {
  const queue = new WorkQueue(1, 2);
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
  const queue = new WorkQueue(2, 100);
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
  const queue = new WorkQueue(1, 10);
  await assert.rejects(queue.run(async () => { throw new Error('decoder crashed'); }), /decoder crashed/);
  assert.equal(await queue.run(async () => 'next one ran'), 'next one ran');
});
