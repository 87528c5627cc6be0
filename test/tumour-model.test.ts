import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTumourModel } from '../lib/model/tumour-model';

// A volume sends its slices in batches, as views into one buffer: each slice's answer must not depend on its neighbours.
test('a batch, or a view into a larger buffer, gives each slice the answer it gets alone', async () => {
  const model = await loadTumourModel();
  const area = 3 * model.inputSize * model.inputSize;
  const inputs = Array.from({ length: 3 }, (_, k) => new Float32Array(area).map((_, i) => ((i * (k + 3)) % 97) / 97));
  const alone = await Promise.all(inputs.map((input) => model.predict(input, 1)));
  const batch = new Float32Array(area * 4);
  inputs.forEach((input, k) => batch.set(input, (k + 1) * area));
  const batched = await model.predict(batch.subarray(area), 3);
  for (let k = 0; k < inputs.length; k++) {
    assert.ok(Math.abs(batched[k].sliceProbability - alone[k][0].sliceProbability) < 1e-5);
    assert.ok(batched[k].maskProbability.every((p, i) => Math.abs(p - alone[k][0].maskProbability[i]) < 1e-5));
  }
});
