"""One decision from the two heads: the slice probability that is served, and the drawing that goes with it.

The slice head alone can say "Tumor, 71%" while the mask head draws nothing. The served probability is therefore a
logistic combination, fitted on validation patients, of the slice head's logit, the mask's area and its peak:
    p = sigmoid(w0 * slice_logit + w1 * log1p(area_px) + w2 * logit(peak) + b)
It is calibrated by construction (a logistic fit) and exported inside the ONNX graph (export.py), so the app reads it
as `slice_probability`. The drawing: mask-head pixels >= 0.5 in components of at least `min_component_px`; on a slice
called Tumor whose drawing would be empty, the mask head's most confident region (pixels >= half its peak) instead.
"""
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

MASK_THRESHOLD = 0.5
EPS = 1e-4


def features(slice_logit, mask_prob):
    """Torch tensors: slice_logit [N], mask_prob [N,H,W] -> [N,3]. Also used inside the exported graph."""
    area = (mask_prob > MASK_THRESHOLD).float().sum((-2, -1))
    peak = mask_prob.amax((-2, -1)).clamp(EPS, 1 - EPS)
    return torch.stack([slice_logit, torch.log1p(area), torch.log(peak / (1 - peak))], -1)


def fit(feature_rows, labels, steps=300):
    """Logistic regression (L2 1e-3) on validation slices: returns (weights [3], bias)."""
    x = torch.as_tensor(np.asarray(feature_rows), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    mean, std = x.mean(0), x.std(0).clamp(min=1e-3)
    w = torch.zeros(3, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([w, b], lr=0.5, max_iter=steps)

    def closure():
        optimiser.zero_grad()
        loss = F.binary_cross_entropy_with_logits(((x - mean) / std) @ w + b, y) + 1e-3 * (w ** 2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    weights = (w / std).detach()
    bias = (b - (w * mean / std).sum()).detach()
    return weights.numpy().astype(float).tolist(), float(bias)


def probability(feature_rows, weights, bias):
    z = np.asarray(feature_rows) @ np.asarray(weights) + bias
    return 1 / (1 + np.exp(-z))


def drawing(mask_prob, is_tumour, min_component_px, threshold=MASK_THRESHOLD):
    """The served mask of one slice (256 x 256 bool), or an all-false one for No Tumor."""
    if not is_tumour:
        return np.zeros(mask_prob.shape, bool)
    mask = remove_small(mask_prob >= threshold, min_component_px)
    if not mask.any():
        mask = mask_prob >= 0.5 * mask_prob.max()
    return mask


def remove_small(mask, min_component_px):
    """Drops 8-connected components smaller than min_component_px (the app does the same, lib/imaging/components.ts)."""
    if min_component_px <= 1 or not mask.any():
        return mask
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel())
    keep = sizes >= min_component_px
    keep[0] = False
    return keep[labels]
