"""LGG slices: loading, the patient split, the intensity contract and augmentation.

Cache the data once (later runs read the .npz):
    /usr/bin/python3 training/data.py --data ../shared/data/lgg --cache training/cache/lgg.npz
"""
import io
import json
import os
import random
import re

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import command_line, lgg_options

# The intensity contract, mirrored by lib/imaging/normalise.ts and written to models/manifest.json.
FOREGROUND_MIN = 10  # 8-bit values below this are background (air, JPEG noise)
SCALE_PERCENTILE = 99  # each channel is divided by this percentile of its foreground
MIN_FOREGROUND_PIXELS = 64  # fewer than this: the channel is treated as blank (scale 255)
CLIP_MAX = 2.0


def slice_number(name):
    return int(re.search(r"_(\d+)\.png$", name).group(1))


def load_lgg(root):
    """All slices of every patient, in axial order: images uint8 [N,H,W,3] (T1, FLAIR, T1c), masks bool."""
    images, masks, patient_index, patients = [], [], [], sorted(os.listdir(root))
    patients = [p for p in patients if os.path.isdir(os.path.join(root, p))]
    for i, patient in enumerate(patients):
        folder = os.path.join(root, patient)
        names = sorted((n for n in os.listdir(folder) if n.endswith(".png") and not n.endswith("_mask.png")), key=slice_number)
        for name in names:
            images.append(np.asarray(Image.open(os.path.join(folder, name)).convert("RGB")))
            masks.append(np.asarray(Image.open(os.path.join(folder, name[:-4] + "_mask.png")).convert("L")) > 127)
            patient_index.append(i)
    return np.stack(images), np.stack(masks), np.array(patient_index), patients


def load_cached(data_root, cache_path):
    if os.path.exists(cache_path):
        z = np.load(cache_path, allow_pickle=False)
        return z["images"], z["masks"], z["patient_index"], list(z["patients"])
    images, masks, patient_index, patients = load_lgg(data_root)
    os.makedirs(os.path.dirname(cache_path) or ".", exist_ok=True)
    np.savez(cache_path, images=images, masks=masks, patient_index=patient_index, patients=np.array(patients))
    return images, masks, patient_index, patients


def load_rendered_volumes(prefix, patients):
    """Slices rendered by scripts/render-volume-slices.ts: images uint8 [N,256,256,3], masks bool, one group per volume."""
    images, masks, groups = [], [], []
    for i, patient in enumerate(patients):
        meta = json.load(open(f"{prefix}-{patient}.json"))
        n, size = meta["slices"], meta["size"]
        images.append(np.fromfile(f"{prefix}-{patient}.images.u8", np.uint8).reshape(n, size, size, 3))
        masks.append(np.fromfile(f"{prefix}-{patient}.masks.u8", np.uint8).reshape(n, size, size) > 0)
        groups.append(np.full(n, i))
    return np.concatenate(images), np.concatenate(masks), np.concatenate(groups)


def institution(patient):
    return patient.split("_")[1]


def split_patients(patients, seed=7, test_count=18, val_count=8):
    """Patients, never slices: test and validation groups drawn per institution, in proportion."""
    rng = random.Random(seed)
    by_site = {}
    for p in sorted(patients):
        by_site.setdefault(institution(p), []).append(p)
    for group in by_site.values():
        rng.shuffle(group)
    order = []  # round-robin over sites so each group is stratified
    while any(by_site.values()):
        for site in sorted(by_site):
            if by_site[site]:
                order.append(by_site[site].pop())
    test = sorted(order[:test_count])
    val = sorted(order[test_count:test_count + val_count])
    train = sorted(order[test_count + val_count:])
    return {"train": train, "val": val, "test": test}


def channel_scales(images_u8):
    """Per-sample, per-channel scale: the SCALE_PERCENTILE of foreground values, from a 256-bin histogram.

    images_u8: integer tensor [N,C,H,W] with values 0..255. Returns float [N,C].
    The same rule as lib/imaging/normalise.ts: the smallest v with count(fg <= v) >= p% of fg.
    """
    n, c = images_u8.shape[:2]
    flat = images_u8.reshape(n * c, -1).long()
    offsets = (torch.arange(n * c) * 256).unsqueeze(1)
    hist = torch.bincount((flat + offsets).reshape(-1), minlength=n * c * 256).reshape(n * c, 256)
    hist[:, :FOREGROUND_MIN] = 0
    total = hist.sum(1)
    cumulative = hist.cumsum(1)
    needed = torch.ceil(total.double() * SCALE_PERCENTILE / 100).long().clamp(min=1)
    scale = (cumulative < needed.unsqueeze(1)).sum(1).float()
    scale = torch.where(total >= MIN_FOREGROUND_PIXELS, scale.clamp(min=1), torch.full_like(scale, 255.0))
    return scale.reshape(n, c)


def normalise(images_u8):
    """uint8-valued [N,C,H,W] -> float model input."""
    scale = channel_scales(images_u8)
    return (images_u8.float() / scale[:, :, None, None]).clamp(0, CLIP_MAX)


def drop_modalities(images, rng, p_flair_only=0.5, p_one=0.15):
    """Modality dropout: a missing T1 or T1c is replaced by FLAIR, as the dataset itself does, so one network serves both modes."""
    out = images.clone()
    for i in range(images.shape[0]):
        r = rng.random()
        if r < p_flair_only:
            out[i, 0] = images[i, 1]
            out[i, 2] = images[i, 1]
        elif r < p_flair_only + p_one:
            out[i, rng.choice([0, 2])] = images[i, 1]
    return out


def smooth_field(n, channels, h, w, cells, amplitude, rng):
    """Random values on a coarse grid, upsampled smoothly: elastic displacements and bias fields."""
    coarse = torch.tensor([[[[rng.uniform(-1, 1) for _ in range(cells)] for _ in range(cells)] for _ in range(channels)] for _ in range(n)],
                          dtype=torch.float32)
    return F.interpolate(coarse * amplitude, size=(h, w), mode="bicubic", align_corners=False)


def add_cavities(x, masks, rng, p):
    """Tumours after surgery: a dark, CSF-like cavity inside the lesion, rimmed by what stays bright. The label keeps it."""
    n, _, h, w = x.shape
    yy, xx = torch.meshgrid(torch.arange(h).float(), torch.arange(w).float(), indexing="ij")
    for i in range(n):
        ys, xs = torch.nonzero(masks[i, 0] > 0, as_tuple=True)
        if len(ys) < 150 or rng.random() >= p:
            continue
        k = rng.randrange(len(ys))
        extent = max(float(ys.max() - ys.min()), float(xs.max() - xs.min()))
        ry, rx = (extent * rng.uniform(0.15, 0.35) for _ in range(2))
        inside = (((yy - ys[k]) / ry) ** 2 + ((xx - xs[k]) / rx) ** 2)
        cavity = torch.sigmoid((1 - inside) * 6) * (masks[i, 0] > 0).float()
        depth = rng.uniform(0.6, 0.95)
        x[i] = x[i] * (1 - depth * cavity)
    return x


def augment(images, masks, rng, jpeg_p=0.2, degrade_p=0.2, scanner_p=0.5, cavity_p=0.15):
    """Uploads as people send them and scanners we never saw. images float [N,3,H,W] in 0..255, masks float [N,1,H,W];
    returns uint8-valued images."""
    n, _, h, w = images.shape
    # geometry: flips, rotation +-15 deg, anisotropic scale 0.85..1.15, shift, elastic; one warp for image and mask
    angle = torch.tensor([rng.uniform(-15, 15) for _ in range(n)]) * np.pi / 180
    scale = torch.tensor([rng.uniform(0.85, 1.15) for _ in range(n)])
    aspect = torch.tensor([float(np.exp(rng.uniform(-0.12, 0.12))) for _ in range(n)])
    flip = torch.tensor([rng.choice([-1.0, 1.0]) for _ in range(n)])
    shift = torch.tensor([[rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)] for _ in range(n)])
    sx, sy = 1 / (scale * aspect), aspect / scale
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos * sx * flip, -sin * sy, shift[:, 0]], 1), torch.stack([sin * sx * flip, cos * sy, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, images.shape, align_corners=False)
    elastic = smooth_field(n, 2, h, w, 6, 0.02, rng).permute(0, 2, 3, 1) * torch.tensor([float(rng.random() < 0.5) for _ in range(n)])[:, None, None, None]
    grid = grid + elastic
    images = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    masks = (F.grid_sample(masks, grid, mode="bilinear", padding_mode="zeros", align_corners=False) > 0.5).float()
    images = add_cavities(images, masks, rng, cavity_p)
    # intensity: per-channel gain (windowing), gamma and contrast
    x = images / 255.0
    gain = torch.tensor([[rng.uniform(0.7, 1.4) for _ in range(3)] for _ in range(n)])[:, :, None, None]
    gamma = torch.tensor([[float(np.exp(rng.uniform(-0.4, 0.4))) for _ in range(3)] for _ in range(n)])[:, :, None, None]
    x = (x.clamp(0, 1) ** gamma) * gain
    # other scanners: a smooth bias field, blur, noise
    scanner = torch.tensor([float(rng.random() < scanner_p) for _ in range(n)])[:, None, None, None]
    x = x * torch.exp(smooth_field(n, 1, h, w, 4, 0.3, rng) * scanner)
    for i in range(n):
        if scanner[i] and rng.random() < 0.3:
            sigma = rng.uniform(0.5, 1.3)
            taps = torch.exp(-torch.arange(-3, 4).float() ** 2 / (2 * sigma ** 2))
            taps = (taps / taps.sum()).repeat(3, 1, 1, 1)
            x[i:i + 1] = F.conv2d(F.conv2d(x[i:i + 1], taps.reshape(3, 1, 1, 7), padding=(0, 3), groups=3), taps.reshape(3, 1, 7, 1), padding=(3, 0), groups=3)
    x = x + torch.randn_like(x) * scanner * torch.tensor([rng.uniform(0, 0.03) for _ in range(n)])[:, None, None, None] * (x > 0.02)
    x = (x * 255).clamp(0, 255)
    # resizing artefacts: down and up again
    for i in range(n):
        if rng.random() < degrade_p:
            factor = rng.uniform(0.35, 0.8)
            small = F.interpolate(x[i:i + 1], scale_factor=factor, mode="bilinear", align_corners=False)
            x[i:i + 1] = F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)
    x = x.round()
    # JPEG compression
    for i in range(n):
        if rng.random() < jpeg_p:
            pil = Image.fromarray(x[i].permute(1, 2, 0).byte().numpy())
            buf = io.BytesIO()
            pil.save(buf, format="JPEG", quality=rng.randint(40, 95))
            x[i] = torch.from_numpy(np.asarray(Image.open(buf).convert("RGB")).copy()).permute(2, 0, 1).float()
    return x, masks


def resize_batch(images, masks, size):
    if images.shape[-1] == size:
        return images, masks
    images = F.interpolate(images, size=(size, size), mode="area")
    masks = (F.interpolate(masks, size=(size, size), mode="area") > 0.5).float()
    return images, masks


def main():
    parser = command_line(__doc__)
    lgg_options(parser, "--data", "--cache")
    args = parser.parse_args()
    images, masks, patient_index, patients = load_cached(args.data, args.cache)
    split = split_patients(patients)
    print(json.dumps({"slices": len(images), "patients": len(patients), "tumour_slices": int(masks.any((1, 2)).sum()),
                      **{k: len(v) for k, v in split.items()}}))


if __name__ == "__main__":
    main()
