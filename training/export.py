"""Fit the slice decision on the validation patients, export to ONNX and write models/manifest.json.

    /usr/bin/python3 training/export.py --run training/runs/v2 --version 2.6.0

The served slice probability combines the two heads (decision.py), fitted on validation patients (never on test
patients); the threshold is the one with the best F1 there, and so is the smallest tumour component drawn.
Metrics are added by evaluate.py and `npm run evaluate`.
"""
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn as nn

import data
import decision
from common import checkpoint_options, command_line, option
from data import load_cached
from metrics import best_f1_threshold, expected_calibration_error, per_patient_dice
from model import TumourUNet, count_flops
from predict import network_outputs

MODEL_FILE = "tumour-unet.onnx"


class Exported(nn.Module):
    """The served graph: the tumour probability of every pixel, and the one slice probability of decision.py."""

    def __init__(self, net, weights, bias):
        super().__init__()
        self.net = net
        self.register_buffer("weights", torch.tensor(weights, dtype=torch.float32))
        self.register_buffer("bias", torch.tensor(float(bias)))

    def forward(self, image):
        mask_logits, slice_logit = self.net(image)
        mask_prob = torch.sigmoid(mask_logits)
        combined = decision.features(slice_logit[:, 0], mask_prob[:, 0]) @ self.weights + self.bias
        return mask_prob, torch.sigmoid(combined)[:, None]


def load_net(run, checkpoint):
    saved = torch.load(os.path.join(run, checkpoint), map_location="cpu")
    net = TumourUNet(base=saved["base"])
    net.load_state_dict(saved["state"])
    return net.eval(), saved


def choose_min_component(mask_prob, served_tumour, masks, patient_index, threshold, candidates=(0, 10, 20, 40, 80, 160)):
    """The smallest component drawn, by mean per-patient Dice of the validation patients: the smallest size within 0.002
    of the best, since differences below that are noise on 8 patients and a larger size can erase small tumours."""
    def score(min_px):
        drawn = np.stack([decision.drawing(m, t, min_px, threshold) for m, t in zip(mask_prob, served_tumour)])
        return float(np.mean(list(per_patient_dice(drawn, masks, patient_index).values())))
    scores = {min_px: score(min_px) for min_px in candidates}
    best = max(scores.values())
    return min(k for k, v in scores.items() if v >= best - 0.002), scores


def learning_curve(run):
    """Validation figures per epoch from the run's log, for the model card. A run started from another run's checkpoint
    continues that run's curve: its epochs and minutes count on from the checkpoint's."""
    path = os.path.join(run, "log.jsonl")
    if not os.path.exists(path):
        return []
    records = [json.loads(line) for line in open(path) if line.strip()]
    curve = [{"epoch": r["epoch"], "minutes": round(r["minutes"], 1), "loss": round(r["loss"], 4), "run": os.path.basename(run),
              "valDiceFlair": round(r["val_flair"]["dice_mean"], 4), "valAucFlair": round(r["val_flair"]["auc_head"], 4)} for r in records]
    init = json.load(open(os.path.join(run, "args.json"))).get("init", "")
    if not init.endswith(".pt") or os.path.dirname(init) == run:
        return curve
    start = torch.load(init, map_location="cpu")["epoch"]
    parent = [r for r in learning_curve(os.path.dirname(init)) if r["epoch"] <= start]
    minutes = parent[-1]["minutes"] if parent else 0
    return parent + [{**r, "epoch": r["epoch"] + start, "minutes": round(r["minutes"] + minutes, 1)} for r in curve]


def main():
    parser = command_line(__doc__)
    checkpoint_options(parser)
    option(parser, "--out", "models", "where tumour-unet.onnx and manifest.json go")
    option(parser, "--version", "1.0.0", "model version written to the manifest")
    option(parser, "--pixel-calibration", "", "a pixel_calibration.py result: its chosen threshold draws the mask (default 0.5)")
    args = parser.parse_args()
    mask_threshold, mask_chosen_on = decision.MASK_THRESHOLD, "fixed"
    if args.pixel_calibration:
        calibration = json.load(open(args.pixel_calibration))
        assert calibration["run"] == args.run and calibration["checkpoint"] == args.checkpoint, "calibrated on another checkpoint"
        mask_threshold, mask_chosen_on = calibration["chosen"], f"validation patients ({args.pixel_calibration})"

    run_args = json.load(open(os.path.join(args.run, "args.json")))
    split = json.load(open(os.path.join(args.run, "split.json")))
    net, saved = load_net(args.run, args.checkpoint)
    images, masks, patient_index, patients = load_cached(run_args["data"], run_args["cache"])
    val_ids = [patients.index(p) for p in split["val"]]
    rows = np.flatnonzero(np.isin(patient_index, val_ids))
    labels = masks[rows].any((1, 2))
    # fit on both input modes together: the app serves both with one decision
    outputs = [network_outputs(net, images[rows], modalities) for modalities in ("flair", "all")]
    rows_features = np.concatenate([decision.features(torch.from_numpy(logit), torch.from_numpy(prob)).numpy() for prob, logit in outputs])
    both_labels = np.concatenate([labels, labels])
    weights, bias = decision.fit(rows_features, both_labels)
    probabilities = decision.probability(rows_features, weights, bias)
    threshold = best_f1_threshold(both_labels, probabilities)
    flair_prob = probabilities[:len(labels)]
    min_component_px, component_scores = choose_min_component(outputs[0][0], flair_prob >= threshold, masks[rows], patient_index[rows],
                                                              mask_threshold)

    os.makedirs(args.out, exist_ok=True)
    exported = Exported(net, weights, bias).eval()
    path = os.path.join(args.out, MODEL_FILE)
    size = images.shape[1]  # the served square is the training slices' size
    torch.onnx.export(exported, torch.zeros(1, 3, size, size), path, opset_version=13,
                      input_names=["image"], output_names=["tumour_probability", "slice_probability"],
                      dynamic_axes={"image": {0: "batch"}, "tumour_probability": {0: "batch"}, "slice_probability": {0: "batch"}})
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()

    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = {
        "model": {"name": f"tumour-unet-b{saved['base']}", "version": args.version, "file": MODEL_FILE, "sha256": digest,
                  "bytes": os.path.getsize(path), "architecture": f"U-Net, {saved['base']} base filters, two heads (mask, slice)",
                  "epoch": saved["epoch"], "gflopsPerSlice": round(count_flops(net) / 1e9, 3),
                  "parameters": sum(p.numel() for p in net.parameters()), "training": run_args},
        "input": {"name": "image", "shape": ["batch", 3, size, size], "dtype": "float32",
                  "channels": ["T1", "FLAIR", "T1c"],
                  "missingModality": "a missing T1 or T1c channel is filled with the FLAIR channel (FLAIR alone: FLAIR in all three)"},
        "normalisation": {"method": "foreground-percentile", "foregroundMin": data.FOREGROUND_MIN,
                          "percentile": data.SCALE_PERCENTILE, "minForegroundPixels": data.MIN_FOREGROUND_PIXELS,
                          "clipMax": data.CLIP_MAX, "pixelDepth": 8,
                          "resize": {"size": size, "fit": "contain", "background": 0, "kernel": "linear"},
                          "rule": "per channel: x / v, v = smallest 8-bit value with >= percentile% of pixels >= foregroundMin at or below it; "
                                  "v = 255 when fewer than minForegroundPixels; clipped to [0, clipMax]"},
        "outputs": {"mask": {"name": "tumour_probability", "shape": ["batch", 1, size, size]},
                    "slice": {"name": "slice_probability", "shape": ["batch", 1]}},
        "labels": {"negative": "No Tumor", "positive": "Tumor"},
        "thresholds": {"slice": threshold, "mask": mask_threshold, "chosenOn": "validation patients, best F1, both input modes",
                       "maskChosenOn": mask_chosen_on},
        "decision": {"rule": "slice_probability = sigmoid(w . [slice-head logit, log(1 + mask pixels >= 0.5), logit(peak mask probability)] + b), "
                             "computed inside the ONNX graph; Tumor when it is >= thresholds.slice",
                     "weights": weights, "bias": bias, "fittedOn": "validation patients, both input modes",
                     "drawing": "on a Tumor slice, mask pixels >= thresholds.mask in 8-connected components of at least minComponentPx; "
                                "if none remain, the pixels >= half the peak mask probability; no drawing on a No Tumor slice",
                     "minComponentPx": min_component_px, "minComponentPxScores": component_scores,
                     "val_ece": expected_calibration_error(both_labels, probabilities)},
        "split": split,
        "learningCurve": learning_curve(args.run),
        "data": {"train": "LGG FLAIR abnormality segmentation (Buda, Saha, Mazurowski 2019; TCGA-LGG via TCIA), kaggle_3m",
                 "licence": "CC BY-NC-SA 4.0: non-commercial research use only",
                 "outsideTest": "BRATS 2013 (Menze et al., IEEE TMI 2015), CC BY-NC-SA 3.0"},
        "metrics": {},
    }
    if os.path.exists(manifest_path):  # keep measured metrics of the same file if they exist
        old = json.load(open(manifest_path))
        if old.get("model", {}).get("sha256") == digest:
            manifest["metrics"] = old.get("metrics", {})
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    print(json.dumps({"onnx": path, "bytes": os.path.getsize(path), "weights": weights, "bias": bias, "threshold": threshold,
                      "minComponentPx": min_component_px, "componentScores": component_scores}))


if __name__ == "__main__":
    main()
