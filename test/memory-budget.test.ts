import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { ServerBusyError, UploadError } from '../lib/errors';

test('requests are admitted by bytes: busy past the budget, too large when they could never fit', () => {
  const budget = new MemoryBudget(100);
  const a = budget.reserve(60);
  assert.throws(() => budget.reserve(50), ServerBusyError);
  assert.throws(() => budget.reserve(101), (e: unknown) => e instanceof UploadError && e.status === 413);
  const b = budget.reserve(40);
  assert.equal(budget.usedBytes, 100);
  a.release();
  a.release(); // twice is once
  b.release();
  assert.equal(budget.usedBytes, 0);
});

test('a body of declared length waits its turn for room, in order, and is busy only when the wait runs out', async () => {
  const budget = new MemoryBudget(100);
  const holder = budget.reserve(80);
  const first = budget.reserve(), second = budget.reserve(), late = budget.reserve();
  const order: string[] = [];
  const waiting = [
    first.growToWhenFree(50, 1000).then(() => order.push('first')),
    second.growToWhenFree(40, 1000).then(() => order.push('second')),
  ];
  await assert.rejects(late.growToWhenFree(90, 30), ServerBusyError);
  holder.release();
  await Promise.all(waiting);
  assert.deepEqual(order, ['first', 'second']);
  assert.equal(budget.usedBytes, 90);
});
