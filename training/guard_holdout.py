"""What another scanner costs the guard: one BRATS training volume held out of training, its slices counted.

    /usr/bin/python3 training/guard_holdout.py build --hold-out pat0003 [--tilts 24] [--t1c-tilts 24]     # writes cache/guard-holdout-*.npz
    nice -n 19 /usr/bin/python3 training/guard_train.py --dataset training/cache/guard-holdout-train.npz --out /tmp/ho/s8 --seed 8 --epochs 12 --threads 1 --models /tmp/ho/s8
    /usr/bin/python3 training/guard_holdout.py score /tmp/ho/s8/last.pt /tmp/ho/s9/last.pt [--mirror]

Validation has LGG patients only, so it cannot see a new scanner. `build` takes the training arrays (guard_dataset.py) without
the held-out volume's pictures, optionally with the other volume's turned FLAIR and T1c slices (--tilts, --t1c-tilts; 0 for
none), and writes the held-out volume's axial FLAIR as sent and once under each upload transform, and its axial T1c as sent.
`score` chooses thresholds on validation as the export does and counts the held-out FLAIR slices with visible brain that are
refused (422) or warned, and reads the T1c as the volume guard does: the median other-MRI score of the axial slices in the
middle 60% of those with head (lib/analysis/volume-guard.ts takes 12 of them), and how many are warned. The measuring set is
not read.
"""
import argparse
import random

import numpy as np
import torch
from PIL import Image

from common import GUARD_DATASET, GUARD_VAL, brats_option, command_line, option, threshold_options
from guard_dataset import AXIAL, Collector, add_brats_tilted
from guard_model import Ensemble, from_state
from guard_real import VISIBLE_SHARE, brats_planes, visible_share
from guard_train import NOT_MRI, OTHER, choose_thresholds, ensemble_probabilities


def volume_items(root, patient):
    """How many training pictures add_brats() made of one volume: four of each axial FLAIR slice, two of every other."""
    return sum(4 if plane == "axial" and modality == "Flair" else 2 for modality in ["Flair", "T1c"] for plane, _, _ in brats_planes(root, patient, modality))


def build(args):
    data = np.load(args.dataset)
    kind = data["train_kind"]
    tilted = np.char.startswith(kind, "brats-tilted-")
    brats = np.flatnonzero(np.char.startswith(kind, "brats-") & ~tilted)
    patients = args.brats_train.split(",")
    start = brats[0] + sum(volume_items(args.brats, p) for p in patients[:patients.index(args.hold_out)])
    dropped = np.arange(start, start + volume_items(args.brats, args.hold_out))
    keep = np.setdiff1d(np.arange(len(kind)), np.concatenate([dropped, np.flatnonzero(tilted)]))
    train = {k: data[f"train_{k}"][keep] for k in ["x", "y", "kind", "visible"]}
    if args.tilts or args.t1c_tilts:
        turned = Collector()
        others = argparse.Namespace(brats=args.brats, brats_train=",".join(p for p in patients if p != args.hold_out),
                                    brats_tilts=args.tilts, brats_t1c_tilts=args.t1c_tilts)
        add_brats_tilted(turned, others)
        add_brats_tilted(turned, others, "T1c")
        train = {k: np.concatenate([train[k], v]) for k, v in zip(["x", "y", "kind", "visible"], turned.arrays("t").values())}
    np.savez(args.out_train, classes=data["classes"], **{f"train_{k}": v for k, v in train.items()},
             **{k: data[k] for k in data.files if k.startswith("val_")})
    held = Collector()
    rng = random.Random(3)
    for plane, _, pixels in brats_planes(args.brats, args.hold_out, "Flair"):
        if plane == "axial":
            held.add_families(Image.fromarray(np.ascontiguousarray(pixels)).convert("RGB"), AXIAL, args.hold_out, visible_share(pixels), rng)
    t1c = [pixels for plane, _, pixels in brats_planes(args.brats, args.hold_out, "T1c") if plane == "axial"]
    for pixels in t1c[round(len(t1c) * 0.2):round(len(t1c) * 0.8)]:
        held.add(Image.fromarray(np.ascontiguousarray(pixels)).convert("RGB"), OTHER, "t1c", visible_share(pixels), rng, 0)
    np.savez(args.out_held, **held.arrays("held"))
    print(f"training pictures {len(kind)} -> {len(train['y'])} ({len(dropped)} of {args.hold_out} left out); held out {len(held.y)}")


def score(args):
    val, held = np.load(args.val), np.load(args.out_held)
    model = Ensemble([from_state(torch.load(path)) for path in args.members], args.mirror)
    thresholds, report = choose_thresholds(ensemble_probabilities(model, val["val_x"]), val["val_y"], val["val_kind"], val["val_visible"], args)
    every, t1c = ensemble_probabilities(model, held["held_x"]), held["held_kind"] == "t1c"
    t1c_warned = (every[t1c, NOT_MRI] < thresholds["notMri"]) & (every[t1c, OTHER] >= thresholds["otherMri"])
    p, visible = every[~t1c], held["held_visible"][~t1c] >= VISIBLE_SHARE
    refused = visible & (p[:, NOT_MRI] >= thresholds["notMri"])
    warned = visible & ~refused & (p[:, OTHER] >= thresholds["otherMri"])
    print({"validation not-MRI flagged": round(report["not_mri_flagged"], 4), **{k: round(v, 3) for k, v in thresholds.items()},
           "held out": int(visible.sum()), "refused": int(refused.sum()), "warned": int(warned.sum()),
           "T1c middle slices": int(t1c.sum()), "T1c median other-MRI": round(float(np.median(every[t1c, OTHER])), 3),
           "T1c warned": int(t1c_warned.sum())})


def main():
    parser = command_line(__doc__)
    parser.add_argument("step", choices=["build", "score"])
    parser.add_argument("members", nargs="*", help="score: last.pt files whose mean is judged")
    option(parser, "--hold-out", "pat0003", "the BRATS training volume left out")
    option(parser, "--brats-train", "pat0001,pat0003", "as guard_dataset.py built them")
    option(parser, "--tilts", 24, "turned copies of the other volume's FLAIR")
    option(parser, "--t1c-tilts", 0, "turned copies of the other volume's T1c")
    brats_option(parser)
    option(parser, "--dataset", GUARD_DATASET, "training arrays (guard_dataset.py)")
    option(parser, "--val", GUARD_VAL, "validation arrays for the thresholds")
    option(parser, "--out-train", "training/cache/guard-holdout-train.npz", "build: training arrays without the held-out volume")
    option(parser, "--out-held", "training/cache/guard-holdout-held.npz", "build: the held-out volume's slices")
    parser.add_argument("--mirror", action="store_true", help="score: each member also reads the pictures mirrored")
    threshold_options(parser)
    args = parser.parse_args()
    torch.set_num_threads(2)
    build(args) if args.step == "build" else score(args)


if __name__ == "__main__":
    main()
