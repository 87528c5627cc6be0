// Slice classification and segmentation metrics, as training/metrics.py computes them.

export function rocAuc(labels: boolean[], scores: number[]): number {
  const order = scores.map((score, i) => [score, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  if (!positives || !negatives) return NaN;
  const rankSum = labels.reduce((sum, label, i) => (label ? sum + ranks[i] : sum), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function atThreshold(labels: boolean[], scores: number[], threshold: number) {
  let tp = 0, tn = 0, fp = 0, fn = 0;
  labels.forEach((label, i) => {
    const predicted = scores[i] >= threshold;
    if (predicted && label) tp++;
    else if (!predicted && !label) tn++;
    else if (predicted) fp++;
    else fn++;
  });
  const sensitivity = tp / Math.max(tp + fn, 1);
  const specificity = tn / Math.max(tn + fp, 1);
  const precision = tp / Math.max(tp + fp, 1);
  const f1 = (2 * precision * sensitivity) / Math.max(precision + sensitivity, 1e-12);
  return { accuracy: (tp + tn) / labels.length, sensitivity, specificity, f1 };
}

export function expectedCalibrationError(labels: boolean[], probabilities: number[], bins = 10): number {
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins, hi = (b + 1) / bins;
    const inside = probabilities.map((p, i) => [p, i] as const).filter(([p]) => p >= lo && (b === bins - 1 ? p <= hi : p < hi));
    if (!inside.length) continue;
    const confidence = inside.reduce((s, [p]) => s + p, 0) / inside.length;
    const accuracy = inside.reduce((s, [, i]) => s + (labels[i] ? 1 : 0), 0) / inside.length;
    ece += (inside.length / probabilities.length) * Math.abs(confidence - accuracy);
  }
  return ece;
}

/** Running Dice over many slices of one patient (slices stacked). */
export class DiceAccumulator {
  private overlap = 0;
  private total = 0;

  add(predicted: Uint8Array | null, truth: Uint8Array): void {
    for (let i = 0; i < truth.length; i++) {
      const p = predicted ? predicted[i] > 0 : false;
      const t = truth[i] > 0;
      if (p && t) this.overlap++;
      this.total += (p ? 1 : 0) + (t ? 1 : 0);
    }
  }

  get dice(): number {
    return this.total === 0 ? 1 : (2 * this.overlap) / this.total;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
