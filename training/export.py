"""Calibrate on the validation patients, export to ONNX and write models/manifest.json.

    /usr/bin/python3 training/export.py --run training/runs/main --out models

The slice probability is temperature-scaled on validation patients (never on test patients)
and the threshold is the one with the best F1 there. Metrics are added by evaluate.py.
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn as nn

import data
from data import load_cached
from metrics import best_f1_threshold, expected_calibration_error
from model import TumourUNet, count_flops
from predict import flair_only

MODEL_FILE = "tumour-unet.onnx"


class Exported(nn.Module):
    """The served graph: probabilities out, the calibration temperature folded in."""

    def __init__(self, net, temperature):
        super().__init__()
        self.net = net
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def forward(self, image):
        mask_logits, slice_logit = self.net(image)
        return torch.sigmoid(mask_logits), torch.sigmoid(slice_logit / self.temperature)


@torch.no_grad()
def slice_logits(net, images_u8, modalities, batch=32):
    out = []
    for start in range(0, len(images_u8), batch):
        x = torch.from_numpy(images_u8[start:start + batch]).permute(0, 3, 1, 2).float()
        if modalities == "flair":
            x = flair_only(x)
        out.append(net(data.normalise(x))[1][:, 0])
    return torch.cat(out)


def fit_temperature(logits, labels):
    log_t = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)
    target = torch.as_tensor(labels, dtype=torch.float32)

    def closure():
        optimiser.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(logits / log_t.exp(), target)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.exp())


def load_net(run, checkpoint):
    saved = torch.load(os.path.join(run, checkpoint), map_location="cpu")
    net = TumourUNet(base=saved["base"])
    net.load_state_dict(saved["state"])
    return net.eval(), saved


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="training/runs/main", help="training output folder (default: %(default)s)")
    parser.add_argument("--checkpoint", default="best.pt", help="(default: %(default)s)")
    parser.add_argument("--out", default="models", help="(default: %(default)s)")
    parser.add_argument("--version", default="1.0.0", help="model version written to the manifest (default: %(default)s)")
    args = parser.parse_args()

    run_args = json.load(open(os.path.join(args.run, "args.json")))
    split = json.load(open(os.path.join(args.run, "split.json")))
    net, saved = load_net(args.run, args.checkpoint)
    images, masks, patient_index, patients = load_cached(run_args["data"], run_args["cache"])
    val_ids = [patients.index(p) for p in split["val"]]
    rows = np.flatnonzero(np.isin(patient_index, val_ids))
    labels = masks[rows].any((1, 2))
    # calibrate on both input modes together: the app serves both with one threshold
    logits = torch.cat([slice_logits(net, images[rows], "flair"), slice_logits(net, images[rows], "all")])
    both_labels = np.concatenate([labels, labels])
    temperature = fit_temperature(logits, both_labels)
    probabilities = torch.sigmoid(logits / temperature).numpy()
    threshold = best_f1_threshold(both_labels, probabilities)

    os.makedirs(args.out, exist_ok=True)
    exported = Exported(net, temperature).eval()
    path = os.path.join(args.out, MODEL_FILE)
    torch.onnx.export(exported, torch.zeros(1, 3, 256, 256), path, opset_version=13,
                      input_names=["image"], output_names=["tumour_probability", "slice_probability"],
                      dynamic_axes={"image": {0: "batch"}, "tumour_probability": {0: "batch"}, "slice_probability": {0: "batch"}})
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()

    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = {
        "model": {"name": f"tumour-unet-b{saved['base']}", "version": args.version, "file": MODEL_FILE, "sha256": digest,
                  "bytes": os.path.getsize(path), "architecture": f"U-Net, {saved['base']} base filters, two heads (mask, slice)",
                  "epoch": saved["epoch"], "gflopsPerSlice": round(count_flops(net) / 1e9, 3),
                  "parameters": sum(p.numel() for p in net.parameters()), "training": run_args},
        "input": {"name": "image", "shape": ["batch", 3, 256, 256], "dtype": "float32",
                  "channels": ["T1", "FLAIR", "T1c"],
                  "missingModality": "a missing T1 or T1c channel is filled with the FLAIR channel (FLAIR alone: FLAIR in all three)"},
        "normalisation": {"method": "foreground-percentile", "foregroundMin": data.FOREGROUND_MIN,
                          "percentile": data.SCALE_PERCENTILE, "minForegroundPixels": data.MIN_FOREGROUND_PIXELS,
                          "clipMax": data.CLIP_MAX, "pixelDepth": 8,
                          "resize": {"size": 256, "fit": "contain", "background": 0, "kernel": "linear"},
                          "rule": "per channel: x / v, v = smallest 8-bit value with >= percentile% of pixels >= foregroundMin at or below it; "
                                  "v = 255 when fewer than minForegroundPixels; clipped to [0, clipMax]"},
        "outputs": {"mask": {"name": "tumour_probability", "shape": ["batch", 1, 256, 256]},
                    "slice": {"name": "slice_probability", "shape": ["batch", 1]}},
        "labels": {"negative": "No Tumor", "positive": "Tumor"},
        "thresholds": {"slice": threshold, "mask": 0.5, "chosenOn": "validation patients, best F1, both input modes"},
        "calibration": {"method": "temperature scaling of the slice logit", "temperature": temperature,
                        "fittedOn": "validation patients",
                        "val_ece_after": expected_calibration_error(both_labels, probabilities)},
        "split": split,
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
    print(json.dumps({"onnx": path, "bytes": os.path.getsize(path), "temperature": temperature, "threshold": threshold}))


if __name__ == "__main__":
    main()
