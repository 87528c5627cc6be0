"""Train the guard, choose its thresholds on validation pictures, and export models/guard.onnx with models/guard.json.

    nice -n 10 /usr/bin/python3 training/guard_train.py --dataset training/cache/guard-dataset.npz --out training/runs/guard
    nice -n 10 /usr/bin/python3 training/guard_train.py --export-only    # thresholds on --val and export from last.pt

Thresholds (validation only: LGG VAL patients and the corpus's `val` part, --val built by guard_dataset.py --val-only):
`notMri` is the lowest not-MRI probability that flags at most --max-flagged-axial of validation axial FLAIR slices with
visible brain; `otherMri` likewise for the warning, with --max-warned-axial. The measured rates on held-out pictures come from scripts/measure-mri-likeness.ts.
"""
import hashlib
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import GUARD_VAL, command_line, option, small_net_options, start_run, threshold_options
from flops import multiply_adds
from guard_model import CELL, CLASSES, INPUT_SIZE, Ensemble, GuardNet, combine, from_state
from guard_real import VISIBLE_SHARE

AXIAL, OTHER, NOT_MRI = range(3)


def to_tensor(x_u8):
    return torch.from_numpy(x_u8).permute(0, 3, 1, 2).float() / 255


def batches(x, y, size, rng):
    order = list(range(len(x)))
    rng.shuffle(order)
    for start in range(0, len(order), size):
        idx = order[start:start + size]
        xb = to_tensor(x[idx])
        flip = torch.rand(len(idx)) < 0.5  # left-right mirror: either hemisphere may be on either side
        xb[flip] = xb[flip].flip(3)
        gain = torch.empty(len(idx), 1, 1, 1).uniform_(0.8, 1.2)
        # colour balance differs between exports and viewers: half the pictures get their own gain and gamma per channel
        jitter = (torch.rand(len(idx), 1, 1, 1) < 0.5).float()
        channel_gain = 1 + jitter * torch.empty(len(idx), 3, 1, 1).uniform_(-0.5, 0.5)
        channel_gamma = torch.exp(jitter * torch.empty(len(idx), 3, 1, 1).uniform_(-0.4, 0.4))
        yield (xb.clamp(1e-4, 1) ** channel_gamma * channel_gain * gain).clamp(0, 1), torch.from_numpy(y[idx])


def turned(xb, turns):
    """Each picture turned counter-clockwise by its number of quarters (torch.rot90 from rows towards columns)."""
    out = xb.clone()
    for k in range(1, 4):
        sel = turns == k
        out[sel] = torch.rot90(xb[sel], k, (2, 3))
    return out


def hard_tail(logits, y):
    """The thresholds live in the tails: the not-MRI threshold sits at the 0.1% most not-MRI-looking real slices. Cross
    entropy on average pictures hardly moves them, so this term pushes the batch's tenth most not-MRI-looking axial
    slices below every not-MRI picture in it, by a margin of 2 in log-odds."""
    log_p = F.log_softmax(logits, 1)
    score = log_p[:, NOT_MRI] - torch.logsumexp(log_p[:, :NOT_MRI], 1)
    axial, not_mri = score[y == AXIAL], score[y == NOT_MRI]
    if not len(axial) or not len(not_mri):
        return logits.new_zeros(())
    hardest = axial.topk(max(1, len(axial) // 10)).values
    return F.softplus(hardest[:, None] - not_mri[None, :] + 2).mean()


def probabilities(model, x, size=512):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(x), size):
            out.append(F.softmax(model(to_tensor(x[start:start + size])), 1))
    return torch.cat(out).numpy()


def ensemble_probabilities(model, x):
    """What an exported Ensemble computes, member by member (guard_model.combine over every member and, when mirrored,
    both readings), without building the graph."""
    views = [x, x[:, :, ::-1].copy()] if model.mirror else [x]
    readings = torch.from_numpy(np.stack([probabilities(m, v) for m in model.members for v in views]))
    return combine(readings, model.sequence * len(views)).numpy()


def threshold_for(scores, max_share):
    """The lowest threshold that lets at most max_share of these scores reach it (and never below 0.5)."""
    ranked = np.sort(scores)[::-1]
    allowed = int(np.floor(max_share * len(ranked)))
    return float(max(0.5, ranked[allowed] + 1e-6 if allowed < len(ranked) else 0.5))


def choose_thresholds(p, y, kind, visible, args):
    axial = (y == AXIAL) & (visible >= VISIBLE_SHARE)
    not_mri = float(threshold_for(p[axial, NOT_MRI], args.max_flagged_axial))
    kept = axial & (p[:, NOT_MRI] < not_mri)
    other = float(threshold_for(p[kept, OTHER], args.max_warned_axial))
    flagged = p[:, NOT_MRI] >= not_mri
    warned = ~flagged & (p[:, OTHER] >= other)
    report = {"axial_visible_n": int(axial.sum()), "axial_visible_flagged": float(flagged[axial].mean()),
              "axial_visible_warned": float(warned[axial].mean()), "not_mri_n": int((y == NOT_MRI).sum()),
              "not_mri_flagged": float(flagged[y == NOT_MRI].mean())}
    for k in sorted(set(kind[y == OTHER])):
        sel = (kind == k) & (visible >= VISIBLE_SHARE)
        report[f"{k}_warned"] = float(warned[sel].mean()) if sel.any() else None
    return {"notMri": not_mri, "otherMri": other}, report


def in_turns(predict, val, not_mri_level):
    """At the not-MRI threshold chosen as given: not-MRI pictures flagged, and axial slices with visible brain flagged,
    with each picture turned by a quarter, a half and three quarters (the orientation reader leaves some pictures turned)."""
    y, axial = val["val_y"], (val["val_y"] == AXIAL) & (val["val_visible"] >= VISIBLE_SHARE)
    report = {}
    for k in (1, 2, 3):
        flagged = predict(np.ascontiguousarray(np.rot90(val["val_x"], k, (1, 2))))[:, NOT_MRI] >= not_mri_level
        report[str(90 * k)] = {"not_mri_flagged": float(flagged[y == NOT_MRI].mean()), "axial_visible_flagged": float(flagged[axial].mean())}
    return report


def main():
    parser = command_line(__doc__)
    small_net_options(parser, "training/runs/guard", "guard", epochs=10)
    option(parser, "--tail", 0.5, "weight of the hard-tail term")
    threshold_options(parser)
    option(parser, "--seed", 7)
    option(parser, "--val", GUARD_VAL, "validation arrays for the thresholds")
    parser.add_argument("--turns", action="store_true", help="turn axial slices and pictures that are not MRI by random quarters: "
                        "they are what they are whichever way up they come; other MRI keep their way up, which tells a "
                        "coronal or sagittal slice from an axial one")
    parser.add_argument("--upright", choices=["other-mri", "planes"], default="other-mri", help="with --turns, what keeps its "
                        "way up: all other MRI (runs guard-v1.5-*), or only coronal and sagittal slices, so that an axial T1 or "
                        "T1c is told from a FLAIR by its contrast, not by being upright")
    parser.add_argument("--export-only", action="store_true", help="load the members, choose thresholds on --val, export")
    parser.add_argument("--mirror", action="store_true", help="export: each member also reads the picture mirrored, and the mean is over both")
    parser.add_argument("--members", nargs="+", default=None, help="last.pt files whose mean is exported (default: <out>/last.pt)")
    parser.add_argument("--sequence-members", type=int, default=None, help="export: only the first N of --members say which MRI "
                        "it is; all say whether it is one (guard_model.Ensemble; default: all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    if args.export_only:
        os.makedirs(args.out, exist_ok=True)
        return export_from_checkpoint(args)
    start_run(args, indent=1)

    data = np.load(args.dataset)
    x, y = data["train_x"], data["train_y"]
    planes = (np.char.find(data["train_kind"], "coronal") >= 0) | (np.char.find(data["train_kind"], "sagittal") >= 0)
    keeps_way_up = torch.from_numpy(y == OTHER if args.upright == "other-mri" else planes)
    counts = np.bincount(y, minlength=3)
    weights = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float32)
    model = GuardNet(args.width, args.depth)
    if args.init:
        model.load_state_dict(torch.load(args.init))
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * int(np.ceil(len(x) / args.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    log = open(os.path.join(args.out, "log.jsonl"), "w")
    for epoch in range(args.epochs):
        model.train()
        started, total, n = time.time(), 0.0, 0
        for xb, ib in batches(x, np.arange(len(x)), args.batch, rng):
            yb = torch.from_numpy(y[ib.numpy()])
            if args.turns:
                xb = turned(xb, torch.where(keeps_way_up[ib], 0, torch.randint(0, 4, (len(xb),))))
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, weight=weights) + args.tail * hard_tail(logits, yb)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total, n = total + float(loss) * len(yb), n + len(yb)
        p = probabilities(model, data["val_x"])
        thresholds, report = choose_thresholds(p, data["val_y"], data["val_kind"], data["val_visible"], args)
        report["turned"] = in_turns(lambda v: probabilities(model, v), data, thresholds["notMri"])
        entry = {"epoch": epoch + 1, "loss": total / n, "seconds": round(time.time() - started), **thresholds, **report}
        print(json.dumps(entry), flush=True)
        log.write(json.dumps(entry) + "\n")
        log.flush()
        torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
    export_from_checkpoint(args, model)


def export_from_checkpoint(args, model=None):
    members = [from_state(torch.load(path)) for path in args.members or [os.path.join(args.out, "last.pt")]]
    model = Ensemble(members if model is None else [model.eval()], args.mirror, args.sequence_members if model is None else None)
    val = np.load(args.val)
    p = ensemble_probabilities(model, val["val_x"])
    thresholds, report = choose_thresholds(p, val["val_y"], val["val_kind"], val["val_visible"], args)
    report["turned"] = in_turns(lambda v: ensemble_probabilities(model, v), val, thresholds["notMri"])
    for family in sorted({k.split(" ", 1)[1] for k in val["val_kind"] if k.startswith("axial") and " " in k}):
        sel = np.array([k.endswith(" " + family) for k in val["val_kind"]]) & (val["val_visible"] >= VISIBLE_SHARE)
        report[f"axial {family} flagged"] = float((p[sel, NOT_MRI] >= thresholds["notMri"]).mean())
    json.dump({**thresholds, **report}, open(os.path.join(args.out, "thresholds.json"), "w"), indent=1)
    print(json.dumps({**thresholds, **report}))
    export(model, thresholds, report, args)


def export(model, thresholds, report, args):
    model.eval()
    file = os.path.join(args.models, "guard.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE), file, input_names=["image"],
                      output_names=["probabilities"], dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=13)
    data = open(file, "rb").read()
    split = json.load(open(os.path.join(os.path.dirname(__file__), "guard-corpus-split.json")))
    manifest = {
        "model": {"name": "mri-guard", "version": args.version, "file": "guard.onnx", "sha256": hashlib.sha256(data).hexdigest(),
                  "bytes": len(data), "parameters": sum(p.numel() for p in model.parameters()), "multiplyAdds": (2 if model.mirror else 1) * sum(multiply_adds(m, (1, 3, INPUT_SIZE, INPUT_SIZE)) for m in model.members),
                  "architecture": "the mean probability of " + " and ".join(
                      f"5 stages of {m.depth} 3x3 conv + BN + ReLU (width {m.width})"
                      for m in model.members) + ", each ending in a global mean and a linear layer (training/guard_model.py)"
                      + (", each reading the picture as sent and mirrored left to right" if model.mirror else "")
                      + (f"; only the first {model.sequence} tell axial FLAIR from other MRI" if model.sequence < len(model.members) else ""),
                  "members": args.members or [os.path.join(args.out, "last.pt")], "sequenceMembers": model.sequence},
        "input": {"name": "image", "shape": ["batch", 3, INPUT_SIZE, INPUT_SIZE], "channels": ["R", "G", "B"], "scale": 1 / 255,
                  "preparation": f"the upload letterboxed into the {INPUT_SIZE * CELL} square, the mean of each {CELL}x{CELL} cell"},
        "output": {"name": "probabilities", "classes": CLASSES},
        "thresholds": thresholds,
        "metrics": {"validation": report},
        "split": {"lggTrain": "training/data.py split_patients(seed=7)['train']", "lggValidation": "split_patients(seed=7)['val'] (thresholds)",
                  "bratsTrain": ["brats_2013_pat0001_1", "brats_2013_pat0003_1"], "corpus": "training/guard-corpus-split.json",
                  "corpusRule": split["rule"]},
    }
    json.dump(manifest, open(os.path.join(args.models, "guard.json"), "w"), indent=1)
    print(json.dumps(manifest["thresholds"]), file.replace(os.sep, "/"), len(data), "bytes")


if __name__ == "__main__":
    main()
