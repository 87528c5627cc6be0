"""Is the drawing's edge calibrated? Pixel reliability and volume error against the pixel threshold, on validation only.

    /usr/bin/python3 training/pixel_calibration.py --run training/runs/v4 --checkpoint best.pt

Reads the run's validation patients (split.json), FLAIR alone, each slice read as sent and mirrored and averaged as the app
serves it (lib/analysis/mirror-average.ts). Writes <run>/pixel-calibration.json:
- reliability: pixels binned by predicted probability, with the share that is tumour (a calibrated 0.5 is half tumour);
- edge: the same for pixels within 2 px of the true or the predicted border, where a volume is won or lost;
- by threshold: the signed volume error per patient (drawn pixels / true pixels - 1, patients with >= 1,000 tumour pixels)
  and its mean, and the mean per-patient Dice;
- chosen: the threshold whose mean signed volume error is nearest zero, among those within 0.005 of the best Dice.
Test patients and the outside volumes are never read.
"""
import json
import os

import numpy as np
from scipy import ndimage

from common import checkpoint_options, command_line, option
from data import load_cached
from export import load_net
from metrics import per_patient_dice
from predict import network_outputs

THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
BINS = np.linspace(0, 1, 11)
MIN_TUMOUR_PX = 1000


def served_maps(net, images):
    """The mask probability as served: the mean of the slice read as sent and mirrored (mirrored back)."""
    as_sent, _ = network_outputs(net, images)
    mirrored, _ = network_outputs(net, np.ascontiguousarray(images[:, :, ::-1]))
    return (as_sent + mirrored[:, :, ::-1]) / 2


def reliability(prob, truth):
    which = np.clip(np.digitize(prob, BINS) - 1, 0, len(BINS) - 2)
    rows = []
    for b in range(len(BINS) - 1):
        sel = which == b
        if sel.any():
            rows.append({"from": round(float(BINS[b]), 2), "to": round(float(BINS[b + 1]), 2), "pixels": int(sel.sum()),
                         "meanPredicted": round(float(prob[sel].mean()), 4), "tumourShare": round(float(truth[sel].mean()), 4)})
    return rows


def near_border(masks, drawn):
    """Pixels within 2 px of the true or the drawn border."""
    def border(m):
        return ndimage.binary_dilation(m, iterations=2, structure=np.ones((1, 3, 3))) & ~ndimage.binary_erosion(m, iterations=2, structure=np.ones((1, 3, 3)))
    return border(masks) | border(drawn)


def main():
    parser = command_line(__doc__)
    checkpoint_options(parser)
    option(parser, "--out", "", "where the json goes (default <run>/pixel-calibration.json)")
    args = parser.parse_args()
    run_args = json.load(open(os.path.join(args.run, "args.json")))
    split = json.load(open(os.path.join(args.run, "split.json")))
    net, saved = load_net(args.run, args.checkpoint)
    images, masks, patient_index, patients = load_cached(run_args["data"], run_args["cache"])
    rows = np.flatnonzero(np.isin(patient_index, [patients.index(p) for p in split["val"]]))
    images, masks, patient_index = images[rows], masks[rows] > 0, patient_index[rows]
    prob = served_maps(net, images)
    edge = near_border(masks, prob >= 0.5)
    true_px = {int(p): int(masks[patient_index == p].sum()) for p in np.unique(patient_index)}
    measured = [p for p, n in true_px.items() if n >= MIN_TUMOUR_PX]
    by_threshold = []
    for t in THRESHOLDS:
        drawn = prob >= t
        errors = {patients[p]: float(drawn[patient_index == p].sum() / true_px[p] - 1) for p in measured}
        dice = per_patient_dice(drawn, masks, patient_index)
        by_threshold.append({"threshold": t, "meanSignedVolumeError": round(float(np.mean(list(errors.values()))), 4),
                             "diceMean": round(float(np.mean(list(dice.values()))), 4),
                             "perPatient": {k: round(v, 4) for k, v in errors.items()}})
    best_dice = max(r["diceMean"] for r in by_threshold)
    chosen = min((r for r in by_threshold if r["diceMean"] >= best_dice - 0.005), key=lambda r: abs(r["meanSignedVolumeError"]))
    result = {"run": args.run, "checkpoint": args.checkpoint, "epoch": saved["epoch"], "patients": split["val"],
              "reliability": reliability(prob, masks), "edge": reliability(prob[edge], masks[edge]),
              "byThreshold": by_threshold, "chosen": chosen["threshold"]}
    out = args.out or os.path.join(args.run, "pixel-calibration.json")
    json.dump(result, open(out, "w"), indent=1)
    print(json.dumps({k: v for k, v in result.items() if k != "byThreshold"}))
    for r in by_threshold:
        print(r["threshold"], r["meanSignedVolumeError"], r["diceMean"])


if __name__ == "__main__":
    main()
