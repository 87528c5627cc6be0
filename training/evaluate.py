"""Measure the exported model on the held-out test patients and draw the model card's pictures.

    /usr/bin/python3 training/evaluate.py --run training/runs/main --models models --figures public/model-card

Test patients are never used for training, checkpoint choice, calibration or the threshold.
Writes metrics.test into models/manifest.json, a ROC curve (SVG) and example overlays (PNG).
"""
import argparse
import json
import os

import numpy as np
import torch
from PIL import Image

from data import load_cached, normalise
from export import load_net
from metrics import at_threshold, expected_calibration_error, per_patient_dice, roc_auc, roc_curve
from predict import flair_only


@torch.no_grad()
def mask_and_slice_logits(net, images_u8, modalities, batch=32):
    """One pass of the network: tumour probability maps and raw slice logits."""
    masks, logits = [], []
    for start in range(0, len(images_u8), batch):
        x = torch.from_numpy(images_u8[start:start + batch]).permute(0, 3, 1, 2).float()
        if modalities == "flair":
            x = flair_only(x)
        mask_logits, slice_logit = net(normalise(x))
        masks.append(torch.sigmoid(mask_logits)[:, 0].numpy())
        logits.append(slice_logit[:, 0].numpy())
    return np.concatenate(masks), np.concatenate(logits)


def measure(net, temperature, images, masks, patient_index, modalities, threshold, mask_threshold):
    mask_prob, logits = mask_and_slice_logits(net, images, modalities)
    # the exported graph divides the slice logit by the temperature; do the same here
    slice_prob = 1 / (1 + np.exp(-logits / temperature))
    labels = masks.any((1, 2))
    predicted_tumour = slice_prob >= threshold
    # as the app does: a slice called No Tumor shows no mask
    predicted_masks = (mask_prob >= mask_threshold) & predicted_tumour[:, None, None]
    dices = per_patient_dice(predicted_masks, masks, patient_index)
    return {
        "auc": roc_auc(labels, slice_prob),
        **at_threshold(labels, slice_prob, threshold),
        "ece": expected_calibration_error(labels, slice_prob),
        "dice_mean": float(np.mean(list(dices.values()))),
        "dice_median": float(np.median(list(dices.values()))),
        "threshold": threshold,
    }, slice_prob, mask_prob, labels


def roc_svg(curves, path):
    size, pad = 320, 40
    lines = []
    colours = {"FLAIR alone": "#0f766e", "FLAIR + T1 + T1c": "#b45309"}
    for name, (points, auc) in curves.items():
        coords = " ".join(f"{pad + fpr * size:.1f},{pad + (1 - tpr) * size:.1f}" for fpr, tpr in sorted(points))
        lines.append(f'<polyline fill="none" stroke="{colours[name]}" stroke-width="2" points="{coords}"/>')
    legend = "".join(f'<text x="{pad + 150}" y="{pad + size - 40 + 18 * i}" font-size="13" fill="{colours[n]}">{n}: AUC {a:.3f}</text>'
                     for i, (n, (_, a)) in enumerate(curves.items()))
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size + 2 * pad} {size + 2 * pad}" font-family="sans-serif">
<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="white" stroke="#94a3b8"/>
<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" stroke="#cbd5e1" stroke-dasharray="4 4"/>
{''.join(lines)}{legend}
<text x="{pad + size / 2}" y="{size + 2 * pad - 8}" text-anchor="middle" font-size="13">false positive rate</text>
<text x="14" y="{pad + size / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 14 {pad + size / 2})">true positive rate</text>
<text x="{pad + size / 2}" y="24" text-anchor="middle" font-size="14">ROC, slice has tumour, held-out test patients</text>
</svg>"""
    open(path, "w").write(svg)


def overlay_picture(image, truth, predicted, path):
    """FLAIR in grey; expert mask outlined in green, prediction filled red."""
    flair = image[..., 1].astype(float)
    rgb = np.stack([flair] * 3, -1)
    red = predicted.astype(bool)
    rgb[red] = 0.55 * rgb[red] + 0.45 * np.array([239, 68, 68])
    edge = truth & ~(np.roll(truth, 1, 0) & np.roll(truth, -1, 0) & np.roll(truth, 1, 1) & np.roll(truth, -1, 1))
    rgb[edge] = [34, 197, 94]
    Image.fromarray(rgb.clip(0, 255).astype(np.uint8)).save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="training/runs/main", help="training output folder (default: %(default)s)")
    parser.add_argument("--checkpoint", default="best.pt", help="(default: %(default)s)")
    parser.add_argument("--models", default="models", help="folder with manifest.json (default: %(default)s)")
    parser.add_argument("--figures", default="public/model-card", help="where pictures go (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="(default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    manifest_path = os.path.join(args.models, "manifest.json")
    manifest = json.load(open(manifest_path))
    run_args = json.load(open(os.path.join(args.run, "args.json")))
    net, _ = load_net(args.run, args.checkpoint)
    images, masks, patient_index, patients = load_cached(run_args["data"], run_args["cache"])
    test_ids = [patients.index(p) for p in manifest["split"]["test"]]
    rows = np.flatnonzero(np.isin(patient_index, test_ids))
    threshold = manifest["thresholds"]["slice"]
    temperature = manifest["calibration"]["temperature"]

    results, curves = {}, {}
    for key, name, modalities in [("flair", "FLAIR alone", "flair"), ("all", "FLAIR + T1 + T1c", "all")]:
        figures, slice_prob, mask_prob, labels = measure(net, temperature, images[rows], masks[rows], patient_index[rows],
                                                         modalities, threshold, manifest["thresholds"]["mask"])
        results[key] = figures
        curves[name] = (roc_curve(labels, slice_prob), figures["auc"])
        if key == "flair":
            flair_masks = (mask_prob >= manifest["thresholds"]["mask"]) & (slice_prob >= threshold)[:, None, None]
    manifest["metrics"]["test"] = {"patients": len(test_ids), "slices": int(len(rows)),
                                   "tumour_slices": int(masks[rows].any((1, 2)).sum()),
                                   "measuredBy": "training/evaluate.py (PyTorch, same weights as the ONNX file)", **results}
    json.dump(manifest, open(manifest_path, "w"), indent=2)

    os.makedirs(args.figures, exist_ok=True)
    roc_svg(curves, os.path.join(args.figures, "roc.svg"))
    # examples: for four test patients, the slice with the most expert-marked tumour
    for i, p in enumerate(test_ids[:: max(1, len(test_ids) // 4)][:4]):
        local = np.flatnonzero(patient_index[rows] == p)
        best = local[np.argmax(masks[rows][local].sum((1, 2)))]
        overlay_picture(images[rows][best], masks[rows][best], flair_masks[best], os.path.join(args.figures, f"example-{i + 1}.png"))
    print(json.dumps(manifest["metrics"]["test"], indent=2))


if __name__ == "__main__":
    main()
