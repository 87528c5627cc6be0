"""The guard's training and validation pictures, prepared once as 64 x 64 arrays exactly as the app prepares an upload.

    nice -n 10 /usr/bin/python3 training/guard_dataset.py --out training/cache/guard-dataset.npz
    nice -n 10 /usr/bin/python3 training/guard_dataset.py --val-only --out training/cache/guard-val.npz

Training: LGG TRAIN patients (as grey FLAIR, as RGB, T1 alone, T1c alone), BRATS pat0001 and pat0003 (axial FLAIR,
axial T1c, sagittal and coronal planes of both, and axial FLAIR cut from turned copies of the volumes) and the `train` part
of the not-MRI corpus (guard_corpus.py), each as sent and under random upload transforms (guard_transforms.py). Validation (thresholds only): LGG VAL patients, each axial slice
as sent and once under each upload transform (the protocol of the measurement, on other patients), T1 and T1c as sent, and
the corpus's `val` part. LGG test patients, BRATS pat0002/pat0004 and the corpus's `measure` part are never read here.
"""
import json
import os
import random

import numpy as np
from PIL import Image
from scipy import ndimage

from common import GUARD_DATASET, brats_option, command_line, lgg_options, option
from guard_model import CELL, CLASSES, INPUT_SIZE
from guard_real import brats_planes, brats_volume, eight_bit, lgg_forms, lgg_slices, visible_share
from guard_transforms import FAMILIES, apply_family, upload_variant

MODEL_SQUARE = INPUT_SIZE * CELL
AXIAL, OTHER, NOT_MRI = range(3)


def guard_input(image):
    """Mirrors lib/imaging: letterbox into the 256 square (aspect kept, centred, black), then the mean of each 4 x 4 cell."""
    image = image.convert("RGB")
    w, h = image.size
    scale = min(MODEL_SQUARE / w, MODEL_SQUARE / h)
    bw, bh = max(1, min(MODEL_SQUARE, round(w * scale))), max(1, min(MODEL_SQUARE, round(h * scale)))
    if (w, h) != (MODEL_SQUARE, MODEL_SQUARE):
        square = Image.new("RGB", (MODEL_SQUARE, MODEL_SQUARE))
        square.paste(image.resize((bw, bh), Image.BILINEAR), ((MODEL_SQUARE - bw) // 2, (MODEL_SQUARE - bh) // 2))
        image = square
    a = np.asarray(image, np.float32).reshape(INPUT_SIZE, CELL, INPUT_SIZE, CELL, 3).mean((1, 3))
    return np.round(a).astype(np.uint8)


class Collector:
    def __init__(self):
        self.x, self.y, self.kind, self.visible = [], [], [], []

    def add(self, image, label, kind, visible, rng, variants):
        for v in range(1 + variants):
            self.x.append(guard_input(image if v == 0 else upload_variant(image, rng)))
            self.y.append(label)
            self.kind.append(kind)
            self.visible.append(visible)

    def add_families(self, image, label, kind, visible, rng):
        """As sent and once under each upload transform family, as scripts/measure-mri-likeness.ts counts them."""
        for family in [None] + FAMILIES:
            self.x.append(guard_input(image if family is None else apply_family(image, family, rng)))
            self.y.append(label)
            self.kind.append(f"{kind} {family or 'as-sent'}")
            self.visible.append(visible)

    def arrays(self, prefix):
        return {f"{prefix}_x": np.stack(self.x), f"{prefix}_y": np.array(self.y, np.int64), f"{prefix}_kind": np.array(self.kind),
                f"{prefix}_visible": np.array(self.visible, np.float32)}


def add_lgg(collector, args, which, rng, axial_variants, other_variants):
    for s in lgg_slices(args.lgg_cache, args.lgg, which):
        share = visible_share(s["rgb"][..., 1])
        for kind, image in lgg_forms(s["rgb"]):
            axial = kind.startswith("axial")
            collector.add(image, AXIAL if axial else OTHER, kind, share, rng, axial_variants if axial else other_variants)


def add_lgg_families(collector, args, which, rng):
    for s in lgg_slices(args.lgg_cache, args.lgg, which):
        share = visible_share(s["rgb"][..., 1])
        for kind, image in lgg_forms(s["rgb"]):
            if kind.startswith("axial"):
                collector.add_families(image, AXIAL, kind, share, rng)
            else:
                collector.add(image, OTHER, kind, share, rng, 0)


def add_brats(collector, args, rng):
    for patient in args.brats_train.split(","):
        for modality in ["Flair", "T1c"]:
            for plane, _, pixels in brats_planes(args.brats, patient, modality):
                image = Image.fromarray(np.ascontiguousarray(pixels)).convert("RGB")
                axial_flair = plane == "axial" and modality == "Flair"
                collector.add(image, AXIAL if axial_flair else OTHER, f"brats-{plane}-{modality.lower()}", visible_share(pixels), rng, 3 if axial_flair else 1)


def add_brats_tilted(collector, args, modality="Flair"):
    """More axial slices from the BRATS training volumes: each volume turned by up to 15 degrees about the left-right and
    the front-back axis, then cut axially again, every second slice, as sent and once under an upload transform. Two volumes
    are all this guard has of another scanner. Its skull-stripped lowest FLAIR slices (a small cerebellum on black) look
    like nothing else it learns from: a held-out volume was refused far more often than LGG patients (training/README.md).
    Its T1c slices are the only post-contrast T1 of a high-grade tumour it sees: an outside T1c volume was taken for FLAIR
    (docs/guard.md), so the T1c volumes are turned too (--brats-t1c-tilts), as other MRI."""
    tilts = args.brats_tilts if modality == "Flair" else args.brats_t1c_tilts
    label, kind = (AXIAL, "brats-tilted-flair") if modality == "Flair" else (OTHER, "brats-tilted-t1c")
    seed = 11 if modality == "Flair" else 13
    rng, angles = random.Random(seed), np.random.default_rng(seed)
    for patient in args.brats_train.split(","):
        pixels, _ = eight_bit(brats_volume(args.brats, patient, modality))
        for t in range(tilts):
            a, b = angles.uniform(-15, 15, 2)
            turned = ndimage.rotate(ndimage.rotate(pixels, a, axes=(1, 2), reshape=False, order=1), b, axes=(0, 2), reshape=False, order=1)
            for k in range(t % 2, turned.shape[2], 2):
                plane = np.ascontiguousarray(turned[:, :, k].T)
                if (plane > 0).sum() >= 64:
                    collector.add(Image.fromarray(plane).convert("RGB"), label, kind, visible_share(plane), rng, 1)


def add_corpus(collector, args, split, rng, variants):
    for item in json.load(open(os.path.join(args.corpus, "index.json"))):
        if item["split"] != split:
            continue
        image = Image.open(os.path.join(args.corpus, item["file"])).convert("RGB")
        collector.add(image, NOT_MRI, item["category"], 0.0, rng, variants)


def main():
    parser = command_line(__doc__)
    option(parser, "--out", GUARD_DATASET, "the .npz written")
    lgg_options(parser)
    brats_option(parser)
    option(parser, "--brats-train", "pat0001,pat0003", "volumes to train on")
    option(parser, "--brats-tilts", 24, "turned copies of each BRATS training volume's FLAIR")
    option(parser, "--brats-t1c-tilts", 0, "turned copies of each BRATS training volume's T1c (other MRI), appended after the FLAIR ones")
    option(parser, "--corpus", "training/cache/guard-corpus", "built by guard_corpus.py")
    option(parser, "--seed", 7)
    parser.add_argument("--val-only", action="store_true", help="write only the validation arrays, by the measuring protocol")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.val_only:
        val = Collector()
        add_lgg_families(val, args, "val", rng)
        add_corpus(val, args, "val", rng, variants=3)
        np.savez(args.out, classes=np.array(CLASSES), **val.arrays("val"))
        print("val", {CLASSES[k]: int((np.array(val.y) == k).sum()) for k in range(3)})
        return
    train, val = Collector(), Collector()
    add_lgg(train, args, "train", rng, axial_variants=3, other_variants=1)
    add_brats(train, args, rng)
    add_corpus(train, args, "train", rng, variants=9)
    add_brats_tilted(train, args)
    add_brats_tilted(train, args, "T1c")
    add_lgg(val, args, "val", rng, axial_variants=3, other_variants=0)
    add_corpus(val, args, "val", rng, variants=3)
    np.savez(args.out, classes=np.array(CLASSES), **train.arrays("train"), **val.arrays("val"))
    for name, c in [("train", train), ("val", val)]:
        print(name, {CLASSES[k]: int((np.array(c.y) == k).sum()) for k in range(3)})


if __name__ == "__main__":
    main()
