import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64Bytes, crosshairStep, type Plane } from '../app/ui/viewer/viewer-keys';

test('the arrow keys move the crosshair the way the view shows the patient, and 3D leaves them alone', () => {
  // right on screen is the patient's left (-x) in axial and coronal; in sagittal the nose points left, so right is back (-y)
  assert.deepEqual(crosshairStep('axial', 'ArrowRight'), [-1, 0, 0]);
  assert.deepEqual(crosshairStep('axial', 'ArrowUp'), [0, 1, 0]);
  assert.deepEqual(crosshairStep('coronal', 'ArrowUp'), [0, 0, 1]);
  assert.deepEqual(crosshairStep('sagittal', 'ArrowRight'), [0, -1, 0]);
  for (const plane of ['all', 'axial', 'coronal', 'sagittal'] as Plane[]) {
    for (const [one, other] of [['ArrowLeft', 'ArrowRight'], ['ArrowUp', 'ArrowDown'], ['PageUp', 'PageDown']]) {
      const [a, b] = [crosshairStep(plane, one)!, crosshairStep(plane, other)!];
      assert.deepEqual(a.map((v, i) => v + b[i]), [0, 0, 0], `${plane}: ${one} and ${other} undo each other`);
    }
    // the three pairs move along three different axes
    const axes = ['ArrowLeft', 'ArrowUp', 'PageUp'].map((key) => crosshairStep(plane, key)!.findIndex((v) => v !== 0));
    assert.deepEqual([...axes].sort(), [0, 1, 2], plane);
  }
  assert.equal(crosshairStep('3d', 'ArrowLeft'), null);
  assert.equal(crosshairStep('axial', 'Enter'), null);
});

test('base64 text becomes its bytes', () => {
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
  assert.deepEqual(base64Bytes(Buffer.from(bytes).toString('base64')), bytes);
});
