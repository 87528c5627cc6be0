import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

// The model's worker pool gives the same answers as a session on the main thread, alone or batched.
const hasModel = existsSync(path.join(process.cwd(), 'models', 'manifest.json'));

test('pooled and batched inference equals the main-thread session, slice for slice', { skip: !hasModel && 'no models/ here' }, async () => {
  process.env.INFERENCE_WORKERS = '2';
  process.env.INFERENCE_BATCH = '3';
  const { createTumourModelUncached, loadTumourModel } = await import('../lib/model/tumour-model');
  const pooled = await loadTumourModel();
  const alone = await createTumourModelUncached();
  const area = 3 * pooled.inputSize * pooled.inputSize;
  const inputs = Array.from({ length: 7 }, (_, k) => new Float32Array(area).map((_, i) => ((i * (k + 3)) % 97) / 97));
  const expected = await Promise.all(inputs.map((input) => alone.predict(input, 1)));
  const answered = await Promise.all(inputs.map((input) => pooled.predict(input, 1)));
  for (let k = 0; k < inputs.length; k++) {
    assert.equal(answered[k][0].sliceProbability, expected[k][0].sliceProbability);
    assert.deepEqual(answered[k][0].maskProbability, expected[k][0].maskProbability);
  }
  // a view into a larger buffer (as a volume's batches are) is read as just that view
  const batch = new Float32Array(area * 3);
  inputs.slice(0, 3).forEach((input, k) => batch.set(input, k * area));
  const [, second] = await pooled.predict(batch.subarray(area, area * 3), 2);
  assert.equal(second.sliceProbability, expected[2][0].sliceProbability);
});
