"""Train the two-headed tumour U-Net on LGG patients with progressive resizing.

    /usr/bin/python3 training/train.py --out training/runs/main --schedule 128:10,256:4

Writes args.json, log.jsonl, last.pt and best.pt (best validation score) into --out.
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from data import augment, drop_modalities, load_cached, normalise, resize_batch, split_patients
from metrics import dice, per_patient_dice, roc_auc
from model import TumourUNet


def parse_schedule(text):
    return [(int(size), int(epochs)) for size, epochs in (part.split(":") for part in text.split(","))]


def soft_dice_loss(logits, target):
    probability = torch.sigmoid(logits)
    intersection = (probability * target).sum((1, 2, 3))
    total = probability.sum((1, 2, 3)) + target.sum((1, 2, 3))
    return (1 - (2 * intersection + 1) / (total + 1)).mean()


def random_crop(images, masks, side, rng):
    """Random side x side windows, one per sample; the slice label follows what the window shows."""
    h, w = images.shape[-2:]
    crops_x, crops_y = [], []
    for i in range(images.shape[0]):
        top, left = rng.randint(0, h - side), rng.randint(0, w - side)
        crops_x.append(images[i, :, top:top + side, left:left + side])
        crops_y.append(masks[i, :, top:top + side, left:left + side])
    return torch.stack(crops_x), torch.stack(crops_y)


def flair_only(images):
    """The FLAIR-alone mode: FLAIR copied into the T1 and T1c channels."""
    return images[:, 1:2].expand(-1, 3, -1, -1)


@torch.no_grad()
def predict(model, images_u8, batch=32, modalities="flair"):
    """images_u8: numpy [N,H,W,3]. Returns mask probabilities [N,H,W] and slice probabilities [N]."""
    model.eval()
    masks, slices = [], []
    for start in range(0, len(images_u8), batch):
        x = torch.from_numpy(images_u8[start:start + batch]).permute(0, 3, 1, 2).float()
        if modalities == "flair":
            x = flair_only(x)
        mask_logits, slice_logit = model(normalise(x))
        masks.append(torch.sigmoid(mask_logits)[:, 0].numpy())
        slices.append(torch.sigmoid(slice_logit)[:, 0].numpy())
    return np.concatenate(masks), np.concatenate(slices)


def validate(model, images, masks, patient_index, modalities, size=256):
    if size != images.shape[1]:  # at a lower training size, look at the model at the scale it is learning
        x = torch.from_numpy(images).permute(0, 3, 1, 2).float()
        images = F.interpolate(x, size=(size, size), mode="area").round().byte().permute(0, 2, 3, 1).numpy()
        masks = F.interpolate(torch.from_numpy(masks).float()[:, None], size=(size, size), mode="area")[:, 0].numpy() > 0.5
    mask_prob, slice_prob = predict(model, images, modalities=modalities)
    has_tumour = masks.any((1, 2))
    dices = per_patient_dice(mask_prob > 0.5, masks, patient_index)
    return {
        "dice_mean": float(np.mean(list(dices.values()))),
        "auc_head": roc_auc(has_tumour, slice_prob),
        "auc_map": roc_auc(has_tumour, mask_prob.reshape(len(mask_prob), -1).max(1)),
        "slice_dice_tumour": float(np.mean([dice(p, t) for p, t in zip(mask_prob > 0.5, masks) if t.any()])),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/lgg", help="LGG folder (default: %(default)s)")
    parser.add_argument("--cache", default="training/cache/lgg.npz", help="cache of the decoded slices (default: %(default)s)")
    parser.add_argument("--out", default="training/runs/main", help="output folder (default: %(default)s)")
    parser.add_argument("--base", type=int, default=8, help="U-Net filters in the first level (default: %(default)s)")
    parser.add_argument("--schedule", default="128:10,256:4", help="progressive resizing, size:epochs,... (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=16, help="(default: %(default)s)")
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=7, help="(default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default: %(default)s)")
    parser.add_argument("--val-every", type=int, default=4, help="validate every N epochs before the last size (default: %(default)s)")
    parser.add_argument("--crop", type=int, default=0, help="at the last (full) size, train on random crops of this side: full-scale pixels at a fraction of the compute (default: whole slices)")
    parser.add_argument("--warmup", type=float, default=0.15, help="share of steps spent warming the learning rate up (default: %(default)s)")
    parser.add_argument("--init", default="", help="start from this checkpoint's weights, e.g. to fine-tune (default: from scratch)")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps, for a smoke test (default: no limit)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=2)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np_rng = np.random.default_rng(args.seed)

    images, masks, patient_index, patients = load_cached(args.data, args.cache)
    split = split_patients(patients, seed=args.seed)
    with open(os.path.join(args.out, "split.json"), "w") as f:
        json.dump(split, f, indent=2)
    ids = {name: np.array([patients.index(p) for p in split[name]]) for name in split}
    train_rows = np.flatnonzero(np.isin(patient_index, ids["train"]))
    val_rows = np.flatnonzero(np.isin(patient_index, ids["val"]))
    print(f"train {len(train_rows)} slices / {len(ids['train'])} patients, val {len(val_rows)} / {len(ids['val'])}", flush=True)

    model = TumourUNet(base=args.base)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["state"])
    schedule = parse_schedule(args.schedule)
    steps_per_epoch = len(train_rows) // args.batch_size
    total_steps = sum(e for _, e in schedule) * steps_per_epoch
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=total_steps, pct_start=args.warmup)

    best_score, step, epoch = -1.0, 0, 0
    started = time.time()
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    for size, epochs in schedule:
        for _ in range(epochs):
            epoch += 1
            model.train()
            order = np_rng.permutation(train_rows)
            losses = []
            for b in range(steps_per_epoch):
                rows = np.sort(order[b * args.batch_size:(b + 1) * args.batch_size])
                x = torch.from_numpy(images[rows]).permute(0, 3, 1, 2).float()
                y = torch.from_numpy(masks[rows]).float().unsqueeze(1)
                x = drop_modalities(x, rng)
                x, y = resize_batch(x, y, size)
                if args.crop and size == schedule[-1][0]:
                    x, y = random_crop(x, y, args.crop, rng)
                x, y = augment(x, y, rng)
                mask_logits, slice_logit = model(normalise(x))
                has_tumour = (y.sum((1, 2, 3)) > 0).float()
                loss = (F.binary_cross_entropy_with_logits(mask_logits, y) + soft_dice_loss(mask_logits, y)
                        + 0.5 * F.binary_cross_entropy_with_logits(slice_logit[:, 0], has_tumour))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                scheduler.step()
                losses.append(loss.item())
                step += 1
                if step % 50 == 0:
                    print(f"epoch {epoch} size {size} step {step}/{total_steps} loss {np.mean(losses[-50:]):.4f} "
                          f"{(time.time() - started) / 60:.1f} min", flush=True)
                if args.max_steps and step >= args.max_steps:
                    break
            last_of_phase = epoch == sum(e for _, e in schedule[:schedule.index((size, epochs)) + 1])
            if size != schedule[-1][0] and not last_of_phase and epoch % args.val_every:
                continue  # validating costs time; at low resolution a look every few epochs is enough
            flair = validate(model, images[val_rows], masks[val_rows], patient_index[val_rows], "flair", size)
            full = validate(model, images[val_rows], masks[val_rows], patient_index[val_rows], "all", size)
            # only full-size checkpoints can be chosen: the app serves 256 x 256
            score = flair["dice_mean"] + flair["auc_head"] if size == schedule[-1][0] else -1.0
            record = {"epoch": epoch, "size": size, "loss": float(np.mean(losses)), "minutes": (time.time() - started) / 60,
                      "val_flair": flair, "val_all": full}
            print(json.dumps(record), flush=True)
            log.write(json.dumps(record) + "\n")
            log.flush()
            torch.save({"state": model.state_dict(), "base": args.base, "epoch": epoch}, os.path.join(args.out, "last.pt"))
            if score > best_score or not os.path.exists(os.path.join(args.out, "best.pt")):
                best_score = score
                torch.save({"state": model.state_dict(), "base": args.base, "epoch": epoch}, os.path.join(args.out, "best.pt"))
            if args.max_steps and step >= args.max_steps:
                return


if __name__ == "__main__":
    main()
