// The viewer's keys and bytes, apart from WebGL so that they can be tested in Node.

export type Plane = 'all' | 'axial' | 'coronal' | 'sagittal' | '3d';
type Step = [number, number, number];

// Steps in voxels of the scan turned to RAS (NiiVue's moveCrosshairInVox): +x to the patient's right, +y to the front,
// +z to the top. The viewer shows the patient's right on the screen's left and, in sagittal, the nose on the left, so
// the arrow keys move the crosshair the way it looks on screen; Page Up and Down step through the slices.
const AXIAL: Record<string, Step> = {
  ArrowLeft: [1, 0, 0], ArrowRight: [-1, 0, 0], ArrowUp: [0, 1, 0], ArrowDown: [0, -1, 0], PageUp: [0, 0, 1], PageDown: [0, 0, -1],
};
const STEPS: Record<Plane, Record<string, Step>> = {
  all: AXIAL,
  axial: AXIAL,
  coronal: { ArrowLeft: [1, 0, 0], ArrowRight: [-1, 0, 0], ArrowUp: [0, 0, 1], ArrowDown: [0, 0, -1], PageUp: [0, 1, 0], PageDown: [0, -1, 0] },
  sagittal: { ArrowLeft: [0, 1, 0], ArrowRight: [0, -1, 0], ArrowUp: [0, 0, 1], ArrowDown: [0, 0, -1], PageUp: [1, 0, 0], PageDown: [-1, 0, 0] },
  // NiiVue turns the 3D view with the mouse; the keys leave the page's scrolling alone there
  '3d': {},
};

/** The crosshair's step for a key in a view, or null for a key the viewer leaves alone. */
export function crosshairStep(plane: Plane, key: string): Step | null {
  return STEPS[plane][key] ?? null;
}

/** base64 text -> its bytes. */
export function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
