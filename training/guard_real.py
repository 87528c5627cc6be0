"""Real MRI pictures for the guard: LGG slices in every form a person uploads, and BRATS planes, plus the measuring set.

    nice -n 10 /usr/bin/python3 training/guard_real.py --out training/cache/guard-real

Writes the measuring set of real slices: LGG TEST patients (data.py split_patients, seed 7) as grey FLAIR and as RGB, and
BRATS pat0002 and pat0004 axial FLAIR, each as sent and under every upload transform (guard_transforms.FAMILIES); T1 and
T1c alone (LGG test patients) and sagittal and coronal planes (BRATS pat0002, pat0004) as sent. <out>/index.json lists
each file with its kind, family, patient and visible-brain share (FLAIR pixels at 8-bit >= 20, on the slice as sent).
Nothing here is used for training; training/guard.py draws its real slices from the other patients with these functions.
"""
import json
import os
import random

import nibabel as nib
import numpy as np
from PIL import Image

from common import brats_option, command_line, lgg_options, option
from data import load_cached, split_patients
from guard_transforms import FAMILIES, apply_family

VISIBLE_LEVEL = 20  # "visible brain": FLAIR pixels at this 8-bit value or more ...
VISIBLE_SHARE = 0.03  # ... make up at least this share of the slice
SAME_AS_FLAIR = 2.0  # mean |channel - FLAIR| below this: the dataset filled a missing sequence with FLAIR


def visible_share(flair_u8):
    return float((flair_u8 >= VISIBLE_LEVEL).mean())


def lgg_slices(lgg_cache, lgg_root, which):
    """Dicts {patient, index, rgb} for the patients of one split ("train", "val", "test")."""
    images, _, patient_index, patients = load_cached(lgg_root, lgg_cache)
    chosen = set(split_patients(patients)[which])
    for i in range(len(images)):
        if patients[patient_index[i]] in chosen:
            yield {"patient": patients[patient_index[i]], "index": i, "rgb": images[i]}


def lgg_forms(rgb):
    """The uploads one LGG slice gives: (kind, image). T1 or T1c only where the dataset had that sequence."""
    flair = rgb[..., 1]
    forms = [("axial-flair-grey", Image.fromarray(flair).convert("RGB")), ("axial-flair-rgb", Image.fromarray(rgb))]
    for channel, kind in [(0, "t1"), (2, "t1c")]:
        if np.abs(rgb[..., channel].astype(np.int16) - flair).mean() >= SAME_AS_FLAIR:
            forms.append((kind, Image.fromarray(rgb[..., channel]).convert("RGB")))
    return forms


def eight_bit(volume):
    """Mirrors lib/imaging/nifti-intensity.ts: the constant background to 0, head voxels windowed 0.5-99.5 percentile."""
    low_value = volume.min()
    background = volume == low_value if (volume == low_value).mean() >= 0.01 else np.zeros(volume.shape, bool)
    head = volume[~background]
    low, high = np.percentile(head, 0.5), np.percentile(head, 99.5)
    out = np.clip((volume - low) * 255 / max(high - low, 1e-6), 0, 255).round().astype(np.uint8)
    out[background] = 0
    return out, ~background


def brats_volume(root, patient, modality="Flair"):
    folder = next(os.path.join(root, d) for d in sorted(os.listdir(root)) if patient in d)
    return nib.load(os.path.join(folder, f"{modality}_subtrMeanDivStd.nii.gz")).get_fdata(dtype=np.float32)


def brats_planes(root, patient, modality="Flair", min_head=64):
    """(plane, index, uint8 image) of one BRATS volume: axial, sagittal and coronal, radiological view, superior up."""
    pixels, head = eight_bit(brats_volume(root, patient, modality))
    nx, ny, nz = pixels.shape
    for k in range(nz):
        if head[:, :, k].sum() >= min_head:
            yield "axial", k, pixels[:, :, k].T
    for i in range(nx):
        if head[i].sum() >= min_head:
            yield "sagittal", i, pixels[i].T[::-1]
    for j in range(ny):
        if head[:, j].sum() >= min_head:
            yield "coronal", j, pixels[:, j].T[::-1]


def main():
    parser = command_line(__doc__)
    option(parser, "--out", "training/cache/guard-real", "folder for the measuring set")
    lgg_options(parser)
    brats_option(parser)
    option(parser, "--brats-patients", "pat0002,pat0004", "outside-test volumes")
    option(parser, "--seed", 2024, "seed of the transforms")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    index = []

    def write(image, kind, family, patient, number, share):
        folder = os.path.join(args.out, kind, family)
        os.makedirs(folder, exist_ok=True)
        name = f"{patient}_{number}"
        if family == "jpeg-30":
            file = os.path.join(folder, name + ".jpg")
            image.save(file, quality=30)
        else:
            file = os.path.join(folder, name + ".png")
            image.save(file, compress_level=1)
        index.append({"file": os.path.relpath(file, args.out), "kind": kind, "family": family, "patient": patient, "visibleBrain": round(share, 4)})

    def with_transforms(image, kind, patient, number, share):
        write(image, kind, "as-sent", patient, number, share)
        for family in FAMILIES:
            write(image if family == "jpeg-30" else apply_family(image, family, rng), kind, family, patient, number, share)

    for s in lgg_slices(args.lgg_cache, args.lgg, "test"):
        share = visible_share(s["rgb"][..., 1])
        for kind, image in lgg_forms(s["rgb"]):
            if kind.startswith("axial"):
                with_transforms(image, kind, s["patient"], s["index"], share)
            else:
                write(image, kind, "as-sent", s["patient"], s["index"], visible_share(np.asarray(image)[..., 0]))
    for patient in args.brats_patients.split(","):
        for plane, number, pixels in brats_planes(args.brats, patient):
            image = Image.fromarray(np.ascontiguousarray(pixels)).convert("RGB")
            if plane == "axial":
                with_transforms(image, "brats-axial-flair", patient, number, visible_share(pixels))
            else:
                write(image, plane, "as-sent", patient, number, visible_share(pixels))
        for plane, number, pixels in brats_planes(args.brats, patient, "T1c"):
            if plane == "axial":
                write(Image.fromarray(np.ascontiguousarray(pixels)).convert("RGB"), "brats-axial-t1c", "as-sent", patient, number, visible_share(pixels))
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump(index, f, indent=0)
    counts = {}
    for item in index:
        counts[f"{item['kind']} {item['family']}"] = counts.get(f"{item['kind']} {item['family']}", 0) + 1
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
