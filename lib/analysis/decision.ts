import { removeSmallComponents } from '../imaging/components';
import type { ModelManifest } from '../model/manifest';
import type { SlicePrediction } from '../model/tumour-model';

// One decision per slice, the same as training/decision.py: the label comes from the served slice probability (which
// the model already computes from both heads), and a Tumor slice always draws, a No Tumor slice never does.

export interface Drawing {
  /** The mask probabilities on the model's square, zero outside the parts kept. */
  map: Float32Array;
  /** Draw where `map` is at or above this. */
  threshold: number;
  /** For a drawing from the most confident region: where its peak is (the drawing is never empty). */
  peakIndex?: number;
}

/** The drawing of a slice called Tumor; null for a slice called No Tumor. */
export function tumourDrawing(prediction: SlicePrediction, manifest: ModelManifest): Drawing | null {
  if (prediction.sliceProbability < manifest.thresholds.slice) return null;
  const probabilities = prediction.maskProbability;
  const size = manifest.normalisation.resize.size;
  const on = new Uint8Array(probabilities.length);
  for (let i = 0; i < on.length; i++) on[i] = probabilities[i] >= manifest.thresholds.mask ? 1 : 0;
  if (removeSmallComponents(on, size, size, manifest.decision.minComponentPx) > 0) {
    const map = new Float32Array(probabilities.length);
    for (let i = 0; i < map.length; i++) if (on[i]) map[i] = probabilities[i];
    return { map, threshold: manifest.thresholds.mask };
  }
  // called Tumor with nothing drawn above the threshold: draw the mask head's most confident region instead (pixels at
  // half its peak or more), as a map scaled to its peak so that 8-bit resizing cannot erase a faint one
  let peak = 0;
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i] > peak) peak = probabilities[i];
  const map = new Float32Array(probabilities.length);
  if (peak > 0) for (let i = 0; i < map.length; i++) map[i] = probabilities[i] / peak;
  return { map, threshold: 0.5, peakIndex: probabilities.indexOf(peak) };
}
