import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atThreshold, DiceAccumulator, expectedCalibrationError, rocAuc } from '../lib/evaluation/metrics';

test('ROC AUC: perfect, reversed and tied rankings', () => {
  assert.equal(rocAuc([false, false, true, true], [0.1, 0.2, 0.8, 0.9]), 1);
  assert.equal(rocAuc([false, false, true, true], [0.9, 0.8, 0.2, 0.1]), 0);
  assert.equal(rocAuc([false, true], [0.5, 0.5]), 0.5);
});

test('sensitivity, specificity and F1 at a threshold', () => {
  const figures = atThreshold([true, true, false, false], [0.9, 0.4, 0.6, 0.1], 0.5);
  assert.equal(figures.sensitivity, 0.5);
  assert.equal(figures.specificity, 0.5);
  assert.equal(figures.f1, 0.5);
});

test('calibration error is zero when confidence matches frequency', () => {
  assert.equal(expectedCalibrationError([true, false], [1, 0]), 0);
  assert.ok(Math.abs(expectedCalibrationError([false, false], [0.95, 0.95]) - 0.95) < 1e-9);
});

test('Dice stacks slices of a patient and is 1 when both are empty', () => {
  const dice = new DiceAccumulator();
  dice.add(new Uint8Array([255, 0]), new Uint8Array([255, 255]));
  dice.add(null, new Uint8Array([0, 0]));
  assert.ok(Math.abs(dice.dice - 2 / 3) < 1e-9);
  assert.equal(new DiceAccumulator().dice, 1);
});
