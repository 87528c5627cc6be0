import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { greaterThanPattern } from '../lib/http/length-pattern';
import { MAX_SLICE_UPLOAD_BYTES, MAX_VOLUME_UPLOAD_BYTES, MULTIPART_OVERHEAD_BYTES } from '../lib/limits';
import { config } from '../proxy';

const matches = (pattern: string, value: string) => new RegExp(`^${pattern}$`).test(value); // as Next anchors a `has` value

test('"greater than" patterns agree with the number for every length', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.nat(2), (value, limit, zeros) => {
      assert.equal(matches(greaterThanPattern(limit), '0'.repeat(zeros) + String(value)), value > limit, `${value} > ${limit}`);
    }),
    { numRuns: 3000 },
  );
  for (const limit of [10551296, 9, 99, 100]) {
    for (const value of [limit - 1, limit, limit + 1]) assert.equal(matches(greaterThanPattern(limit), String(value)), value > limit);
  }
});

test("the proxy's literal matchers are the limits of lib/limits.ts", () => {
  const conditions = config.matcher.flatMap((m) => ('has' in m ? (m.has as Array<{ key: string; value?: string }>) : []));
  const lengthPatterns = conditions.filter((h) => h.key === 'content-length').map((h) => h.value);
  assert.deepEqual(lengthPatterns, [
    greaterThanPattern(MAX_SLICE_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES),
    greaterThanPattern(MAX_VOLUME_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES),
  ]);
});
