"""Measure the exported model on the held-out test patients and draw the model card's pictures.

    /usr/bin/python3 training/evaluate.py --run training/runs/v2 --models models --figures public/model-card

Test patients are never used for training, checkpoint choice, calibration or the threshold.
Writes metrics.test into models/manifest.json, a ROC curve (SVG) and example overlays (PNG).
"""
import json
import os

import numpy as np
import torch
from PIL import Image

import decision
from common import checkpoint_options, command_line, option
from data import load_cached
from export import load_net
from metrics import at_threshold, expected_calibration_error, per_patient_dice, roc_auc, roc_curve
from predict import network_outputs


def served(net, manifest, images, modalities):
    """What the app serves for each slice: the decision's probability and the drawing (decision.py)."""
    mask_prob, logits = network_outputs(net, images, modalities)
    rule = manifest["decision"]
    feats = decision.features(torch.from_numpy(logits), torch.from_numpy(mask_prob)).numpy()
    probability = decision.probability(feats, rule["weights"], rule["bias"])
    is_tumour = probability >= manifest["thresholds"]["slice"]
    pixel = manifest["thresholds"]["mask"]
    drawn = np.stack([decision.drawing(m, t, rule["minComponentPx"], pixel) for m, t in zip(mask_prob, is_tumour)])
    fallbacks = int(sum(t and not (m >= pixel).any() for m, t in zip(mask_prob, is_tumour)))
    return probability, is_tumour, drawn, fallbacks


def measure(net, manifest, images, masks, patient_index, modalities):
    probability, is_tumour, drawn, fallbacks = served(net, manifest, images, modalities)
    labels = masks.any((1, 2))
    dices = per_patient_dice(drawn, masks, patient_index)
    tumour_px = {int(p): int(masks[patient_index == p].sum()) for p in np.unique(patient_index)}
    with_tumour = [d for p, d in dices.items() if tumour_px[p] >= 1000]
    disagreements = int((is_tumour != drawn.any((1, 2))).sum())
    return {
        "auc": roc_auc(labels, probability),
        **at_threshold(labels, probability, manifest["thresholds"]["slice"]),
        "ece": expected_calibration_error(labels, probability),
        "dice_mean": float(np.mean(list(dices.values()))),
        "dice_median": float(np.median(list(dices.values()))),
        "dice_worst_with_1000px": float(min(with_tumour)) if with_tumour else None,
        "threshold": manifest["thresholds"]["slice"],
        "label_drawing_disagreements": disagreements,
        "fallback_drawings": fallbacks,
    }, probability, drawn, labels, dices


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


def dice_strip_svg(dices, names, path):
    """Per-patient Dice of the test patients, one dot each, worst named."""
    width, height, pad = 420, 150, 30
    order = sorted(dices.items(), key=lambda kv: kv[1])
    dots = "".join(f'<circle cx="{pad + d * (width - 2 * pad):.1f}" cy="{height / 2 + (i % 5 - 2) * 9:.1f}" r="4" fill="#0f766e" fill-opacity="0.7"><title>{names[p]}: {d:.3f}</title></circle>'
                   for i, (p, d) in enumerate(order))
    ticks = "".join(f'<line x1="{pad + t * (width - 2 * pad)}" y1="{height - 28}" x2="{pad + t * (width - 2 * pad)}" y2="{height - 22}" stroke="#64748b"/>'
                    f'<text x="{pad + t * (width - 2 * pad)}" y="{height - 8}" font-size="11" text-anchor="middle">{t:.1f}</text>' for t in np.linspace(0, 1, 6))
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif">
<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">Dice per test patient (FLAIR alone, slices stacked)</text>
<line x1="{pad}" y1="{height - 28}" x2="{width - pad}" y2="{height - 28}" stroke="#64748b"/>{ticks}{dots}</svg>"""
    open(path, "w").write(svg)


def learning_curve_svg(curve, path):
    """Validation Dice (FLAIR alone) per epoch of the run, with a mark where a run continued another's checkpoint."""
    if not curve:
        return
    width, height, pad = 420, 220, 40
    epochs = [c["epoch"] for c in curve]
    top = max(epochs)
    xs = lambda e: pad + (e - 1) / max(1, top - 1) * (width - 2 * pad)
    ys = lambda v: height - pad - v * (height - 2 * pad)
    points = " ".join(f"{xs(c['epoch']):.1f},{ys(c['valDiceFlair']):.1f}" for c in curve)
    grid = "".join(f'<line x1="{pad}" y1="{ys(v):.1f}" x2="{width - pad}" y2="{ys(v):.1f}" stroke="#e2e8f0"/><text x="{pad - 6}" y="{ys(v) + 4:.1f}" font-size="11" text-anchor="end">{v:.1f}</text>'
                   for v in np.linspace(0, 1, 6))
    marks = "".join(f'<line x1="{xs(c["epoch"]):.1f}" y1="{pad}" x2="{xs(c["epoch"]):.1f}" y2="{height - pad}" stroke="#94a3b8" stroke-dasharray="4 3"/>'
                    f'<text x="{xs(c["epoch"]) - 4:.1f}" y="{pad + 12}" font-size="10" text-anchor="end">run {c["run"]} from epoch {c["epoch"] - 1}</text>'
                    for before, c in zip(curve, curve[1:]) if before.get("run") != c.get("run"))
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif">
<text x="{width / 2}" y="18" text-anchor="middle" font-size="13">Learning curve: validation Dice per patient (FLAIR alone)</text>{grid}{marks}
<polyline fill="none" stroke="#0f766e" stroke-width="2" points="{points}"/>
<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="11">epoch (1 to {top}; {curve[-1]['minutes']:.0f} CPU-minutes)</text></svg>"""
    open(path, "w").write(svg)


def main():
    parser = command_line(__doc__)
    checkpoint_options(parser)
    option(parser, "--models", "models", "folder with manifest.json")
    option(parser, "--figures", "public/model-card", "where pictures go")
    option(parser, "--threads", 2, "torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    manifest_path = os.path.join(args.models, "manifest.json")
    manifest = json.load(open(manifest_path))
    run_args = json.load(open(os.path.join(args.run, "args.json")))
    net, _ = load_net(args.run, args.checkpoint)
    images, masks, patient_index, patients = load_cached(run_args["data"], run_args["cache"])
    test_ids = [patients.index(p) for p in manifest["split"]["test"]]
    rows = np.flatnonzero(np.isin(patient_index, test_ids))
    results, curves = {}, {}
    for key, name, modalities in [("flair", "FLAIR alone", "flair"), ("all", "FLAIR + T1 + T1c", "all")]:
        figures, probability, drawn, labels, dices = measure(net, manifest, images[rows], masks[rows], patient_index[rows], modalities)
        results[key] = figures
        curves[name] = (roc_curve(labels, probability), figures["auc"])
        if key == "flair":
            flair_drawn, flair_dices = drawn, dices
    manifest["metrics"]["test"] = {"patients": len(test_ids), "slices": int(len(rows)),
                                   "tumour_slices": int(masks[rows].any((1, 2)).sum()),
                                   "measuredBy": "training/evaluate.py (PyTorch, same weights as the ONNX file)", **results}
    json.dump(manifest, open(manifest_path, "w"), indent=2)

    os.makedirs(args.figures, exist_ok=True)
    roc_svg(curves, os.path.join(args.figures, "roc.svg"))
    dice_strip_svg(flair_dices, {p: patients[p] for p in flair_dices}, os.path.join(args.figures, "dice-per-patient.svg"))
    learning_curve_svg(manifest.get("learningCurve", []), os.path.join(args.figures, "learning-curve.svg"))
    # the four worst test patients with tumour: the slice with the most expert-marked tumour, expert outline and drawing
    tumour_patients = [p for p in flair_dices if masks[rows][patient_index[rows] == p].sum() >= 1000]
    worst = sorted(tumour_patients, key=lambda p: flair_dices[p])[:4]
    examples = []
    for i, p in enumerate(worst):
        local = np.flatnonzero(patient_index[rows] == p)
        best = local[np.argmax(masks[rows][local].sum((1, 2)))]
        overlay_picture(images[rows][best], masks[rows][best], flair_drawn[best], os.path.join(args.figures, f"worst-{i + 1}.png"))
        examples.append({"patient": patients[p], "dice": round(flair_dices[p], 3), "picture": f"worst-{i + 1}.png",
                         "tumourPx": int(masks[rows][local].sum()), "slice": int(best - local[0])})
    manifest["metrics"]["test"]["worstPatients"] = examples
    manifest["metrics"]["test"]["dicePerPatientFlair"] = {patients[p]: round(d, 4) for p, d in flair_dices.items()}
    json.dump(manifest, open(manifest_path, "w"), indent=2)
    print(json.dumps(manifest["metrics"]["test"], indent=2))


if __name__ == "__main__":
    main()
