"""Metrics shared by training and evaluation: ROC AUC, thresholded counts, calibration, per-patient Dice."""
import numpy as np


def roc_auc(labels, scores):
    labels = np.asarray(labels, bool)
    scores = np.asarray(scores, float)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks for ties
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos, neg = labels.sum(), (~labels).sum()
    if pos == 0 or neg == 0:
        return float("nan")
    return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


def roc_curve(labels, scores):
    labels = np.asarray(labels, bool)
    thresholds = np.unique(np.concatenate([[0.0, 1.0 + 1e-9], scores]))[::-1]
    pos, neg = labels.sum(), (~labels).sum()
    return [(float(((scores >= t) & ~labels).sum() / neg), float(((scores >= t) & labels).sum() / pos)) for t in thresholds]


def at_threshold(labels, scores, threshold):
    labels = np.asarray(labels, bool)
    predicted = np.asarray(scores) >= threshold
    tp = int((predicted & labels).sum())
    tn = int((~predicted & ~labels).sum())
    fp = int((predicted & ~labels).sum())
    fn = int((~predicted & labels).sum())
    sensitivity = tp / max(tp + fn, 1)
    specificity = tn / max(tn + fp, 1)
    precision = tp / max(tp + fp, 1)
    f1 = 2 * precision * sensitivity / max(precision + sensitivity, 1e-12)
    return {"accuracy": (tp + tn) / len(labels), "sensitivity": sensitivity, "specificity": specificity, "f1": f1}


def best_f1_threshold(labels, scores):
    candidates = np.unique(np.round(np.asarray(scores), 3))
    best = max(candidates, key=lambda t: (at_threshold(labels, scores, t)["f1"], -abs(t - 0.5)))
    return float(best)


def expected_calibration_error(labels, probabilities, bins=10):
    labels = np.asarray(labels, float)
    probabilities = np.asarray(probabilities, float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (probabilities >= lo) & ((probabilities < hi) if hi < 1 else (probabilities <= hi))
        if inside.any():
            ece += inside.mean() * abs(probabilities[inside].mean() - labels[inside].mean())
    return float(ece)


def dice(predicted, truth):
    """Dice of two boolean arrays; 1 when both are empty."""
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    total = predicted.sum() + truth.sum()
    return 1.0 if total == 0 else float(2 * (predicted & truth).sum() / total)


def per_patient_dice(predicted_masks, true_masks, patient_index):
    """Slices stacked per patient, one Dice per patient."""
    return {int(p): dice(predicted_masks[patient_index == p], true_masks[patient_index == p]) for p in np.unique(patient_index)}
