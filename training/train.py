"""Train the two-headed tumour U-Net on LGG patients and two BRATS volumes; resumable.

    nice -n 19 /usr/bin/python3 training/train.py --out training/runs/v2 --init models/tumour-unet.onnx

Run the same command again to continue: it resumes from <out>/last.pt (weights, EMA, optimiser, RNG and step).
Writes args.json, split.json, log.jsonl, last.pt and best.pt (best per-patient Dice of the validation patients,
FLAIR alone, as served: no mask on a slice called No Tumor) into --out.
"""
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import command_line, lgg_options, option, start_run
from data import augment, drop_modalities, load_cached, load_rendered_volumes, normalise, split_patients
from metrics import dice, per_patient_dice, roc_auc
from model import TumourUNet
from predict import predict
from weights import load_weights

# BRATS 2013 volumes: two train, two are the outside test (random.Random(7).sample, chosen before any training on them)
BRATS_TRAIN = ["pat0001", "pat0003"]
BRATS_TEST = ["pat0002", "pat0004"]


def overlap_loss(logits, target, miss_weight=0.5):
    """Soft Dice at miss_weight 0.5; above it a missed tumour pixel costs more than a false one (Tversky), which
    widens edges drawn too tight."""
    probability = torch.sigmoid(logits)
    hit = (probability * target).sum((1, 2, 3))
    false = probability.sum((1, 2, 3)) - hit
    missed = target.sum((1, 2, 3)) - hit
    return (1 - (2 * hit + 1) / (2 * hit + 2 * (1 - miss_weight) * false + 2 * miss_weight * missed + 1)).mean()


def random_crop(images, masks, side, rng):
    """Random side x side windows, one per sample; the slice label follows what the window shows."""
    h, w = images.shape[-2:]
    crops_x, crops_y = [], []
    for i in range(images.shape[0]):
        top, left = rng.randint(0, h - side), rng.randint(0, w - side)
        crops_x.append(images[i, :, top:top + side, left:left + side])
        crops_y.append(masks[i, :, top:top + side, left:left + side])
    return torch.stack(crops_x), torch.stack(crops_y)


def sampling_weights(masks, uniform_share, area_power=1.0):
    """Each slice's chance: a uniform share plus the rest in proportion to its tumour area (to a power below 1, small
    tumours are drawn more often than their area alone would), so tumours are seen often and healthy slices still are."""
    area = masks.reshape(len(masks), -1).sum(1).astype(float) ** area_power
    weights = uniform_share / len(area) + (1 - uniform_share) * area / area.sum()
    return weights / weights.sum()


def with_volume_share(weights, volume_rows, share):
    """The rendered BRATS volumes (high-grade, another scanner) drawn this share of the time, the LGG slices the rest."""
    if not share or not volume_rows:
        return weights
    out = weights.copy()
    out[:-volume_rows] *= (1 - share) / out[:-volume_rows].sum()
    out[-volume_rows:] *= share / out[-volume_rows:].sum()
    return out


def learning_rate(step, total, warmup, peak):
    """Linear warm-up, then cosine down to a twentieth of the peak at the planned end (and flat after it)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def validate(model, images, masks, patient_index, modalities):
    """What the app serves: the mask is drawn only on slices whose probability clears 0.5 (before calibration)."""
    mask_prob, slice_prob = predict(model, images, modalities=modalities)
    has_tumour = masks.any((1, 2))
    served = (mask_prob > 0.5) & (slice_prob > 0.5)[:, None, None]
    dices = per_patient_dice(served, masks, patient_index)
    drawn = {p: served[patient_index == p].sum() for p in np.unique(patient_index)}
    true = {p: masks[patient_index == p].sum() for p in np.unique(patient_index)}
    return {
        "dice_mean": float(np.mean(list(dices.values()))),
        # signed error of the drawn tumour's size per patient with tumour, mean: the volume bias
        "size_error_mean": float(np.mean([drawn[p] / true[p] - 1 for p in true if true[p] > 0])),
        "dice_min": float(np.min(list(dices.values()))),
        "auc_head": roc_auc(has_tumour, slice_prob),
        "slice_dice_tumour": float(np.mean([dice(p, t) for p, t in zip(mask_prob > 0.5, masks) if t.any()])),
    }


def main():
    parser = command_line(__doc__)
    lgg_options(parser, "--data", "--cache")
    option(parser, "--volumes", "training/cache/brats", "prefix of the rendered BRATS training slices, '' for none")
    option(parser, "--out", "training/runs/v2", "output folder")
    option(parser, "--base", 8, "U-Net filters in the first level")
    option(parser, "--epochs", 120, "planned length: the learning rate reaches its floor here")
    option(parser, "--samples", 2400, "slices drawn per epoch")
    option(parser, "--uniform-share", 0.5, "share of draws that ignore tumour area")
    option(parser, "--area-power", 1.0, "draws with tumour go by tumour area to this power: below 1 small tumours come up more")
    option(parser, "--volume-share", 0.0, "share of draws from the BRATS training volumes (0: as tumour area gives, about 0.15)")
    option(parser, "--miss-weight", 0.5, "weight of a missed tumour pixel in the overlap loss (0.5: soft Dice; above: Tversky)")
    option(parser, "--batch-size", 16)
    option(parser, "--crop", 192, "train on random crops of this side, 0 for whole slices")
    option(parser, "--lr", 6e-4, "peak learning rate")
    option(parser, "--warmup-epochs", 2)
    option(parser, "--ema", 0.998, "decay of the weights' moving average, which is validated and exported")
    option(parser, "--seed", 7)
    option(parser, "--threads", 2, "torch threads")
    parser.add_argument("--init", default="", help="start from these weights: a .pt checkpoint or an exported .onnx (default: from scratch)")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps, for a smoke test (default: no limit)")
    args = parser.parse_args()

    start_run(args)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np_rng = np.random.default_rng(args.seed)

    images, masks, patient_index, patients = load_cached(args.data, args.cache)
    split = split_patients(patients, seed=args.seed)
    split.update({"volumes_train": BRATS_TRAIN if args.volumes else [], "volumes_test": BRATS_TEST})
    with open(os.path.join(args.out, "split.json"), "w") as f:
        json.dump(split, f, indent=2)
    ids = {name: np.array([patients.index(p) for p in split[name]]) for name in ("train", "val")}
    train_rows = np.flatnonzero(np.isin(patient_index, ids["train"]))
    val_rows = np.flatnonzero(np.isin(patient_index, ids["val"]))
    train_images, train_masks = images[train_rows], masks[train_rows]
    if args.volumes:
        volume_images, volume_masks, _ = load_rendered_volumes(args.volumes, BRATS_TRAIN)
        train_images, train_masks = np.concatenate([train_images, volume_images]), np.concatenate([train_masks, volume_masks])
    weights = sampling_weights(train_masks, args.uniform_share, args.area_power)
    weights = with_volume_share(weights, len(volume_masks) if args.volumes else 0, args.volume_share)
    print(f"train {len(train_images)} slices ({len(ids['train'])} LGG patients + {len(BRATS_TRAIN) if args.volumes else 0} volumes), "
          f"val {len(val_rows)} / {len(ids['val'])}", flush=True)

    model = TumourUNet(base=args.base)
    ema = TumourUNet(base=args.base)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = args.samples // args.batch_size
    total_steps, warmup = args.epochs * steps_per_epoch, args.warmup_epochs * steps_per_epoch
    last_path, best_path = os.path.join(args.out, "last.pt"), os.path.join(args.out, "best.pt")
    step, epoch, best_score, minutes = 0, 0, -1.0, 0.0
    if os.path.exists(last_path):
        saved = torch.load(last_path, map_location="cpu")
        model.load_state_dict(saved["state"])
        ema.load_state_dict(saved["ema"])
        optimiser.load_state_dict(saved["optimiser"])
        step, epoch, best_score, minutes = saved["step"], saved["epoch"], saved["best_score"], saved["minutes"]
        rng.setstate(saved["rng"])
        np_rng.bit_generator.state = saved["np_rng"]
        torch.set_rng_state(saved["torch_rng"])
        print(f"resumed at epoch {epoch}, step {step}, best validation score {best_score:.4f}", flush=True)
    else:
        if args.init:
            load_weights(model, args.init, train_images[np_rng.choice(len(train_images), 64, replace=False)])
        ema.load_state_dict(model.state_dict())
    # channels-last runs oneDNN's convolutions: 2.5x faster a step on these CPUs (0.97 s against 2.4 s, batch 16 of 192 px)
    model.to(memory_format=torch.channels_last)
    ema.to(memory_format=torch.channels_last).eval()

    started = time.time() - minutes * 60
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    while epoch < args.epochs:
        epoch += 1
        model.train()
        draws = np_rng.choice(len(train_images), size=steps_per_epoch * args.batch_size, p=weights)
        losses = []
        for b in range(steps_per_epoch):
            rows = np.sort(draws[b * args.batch_size:(b + 1) * args.batch_size])
            x = torch.from_numpy(train_images[rows]).permute(0, 3, 1, 2).float()
            y = torch.from_numpy(train_masks[rows]).float().unsqueeze(1)
            x = drop_modalities(x, rng)
            if args.crop:
                x, y = random_crop(x, y, args.crop, rng)
            x, y = augment(x, y, rng)
            mask_logits, slice_logit = model(normalise(x).contiguous(memory_format=torch.channels_last))
            has_tumour = (y.sum((1, 2, 3)) > 0).float()
            loss = (F.binary_cross_entropy_with_logits(mask_logits, y) + overlap_loss(mask_logits, y, args.miss_weight)
                    + 0.5 * F.binary_cross_entropy_with_logits(slice_logit[:, 0], has_tumour))
            for group in optimiser.param_groups:
                group["lr"] = learning_rate(step, total_steps, warmup, args.lr)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            with torch.no_grad():
                for e, m in zip(ema.state_dict().values(), model.state_dict().values()):
                    if e.dtype.is_floating_point:
                        e.mul_(args.ema).add_(m, alpha=1 - args.ema)
                    else:
                        e.copy_(m)
            losses.append(loss.item())
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{total_steps} loss {np.mean(losses[-50:]):.4f} "
                      f"{(time.time() - started) / 60:.1f} min", flush=True)
            if args.max_steps and step >= args.max_steps:
                break
        flair = validate(ema, images[val_rows], masks[val_rows], patient_index[val_rows], "flair")
        # both input modes share the weights; the second one is looked at every few epochs to save time
        full = validate(ema, images[val_rows], masks[val_rows], patient_index[val_rows], "all") if epoch % 4 == 0 else None
        score = flair["dice_mean"]
        minutes = (time.time() - started) / 60
        record = {"epoch": epoch, "step": step, "lr": learning_rate(step - 1, total_steps, warmup, args.lr), "loss": float(np.mean(losses)),
                  "minutes": minutes, "val_flair": flair, "val_all": full}
        print(json.dumps(record), flush=True)
        log.write(json.dumps(record) + "\n")
        log.flush()
        if score > best_score:
            best_score = score
            torch.save({"state": ema.state_dict(), "base": args.base, "epoch": epoch}, best_path + ".tmp")
            os.replace(best_path + ".tmp", best_path)
        torch.save({"state": model.state_dict(), "ema": ema.state_dict(), "optimiser": optimiser.state_dict(), "base": args.base,
                    "step": step, "epoch": epoch, "best_score": best_score, "minutes": minutes, "rng": rng.getstate(),
                    "np_rng": np_rng.bit_generator.state, "torch_rng": torch.get_rng_state()}, last_path + ".tmp")
        os.replace(last_path + ".tmp", last_path)  # a kill mid-write never leaves a broken checkpoint
        if args.max_steps and step >= args.max_steps:
            return


if __name__ == "__main__":
    main()
