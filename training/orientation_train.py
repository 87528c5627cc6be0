"""Train the orientation reader: which way up is an uploaded slice? Export models/orientation.onnx with models/orientation.json.

    nice -n 19 /usr/bin/python3 training/orientation_train.py --out training/runs/orientation
    nice -n 19 /usr/bin/python3 training/orientation_train.py --out training/runs/orientation-1.2 --init training/runs/orientation/last.pt \
        --epochs 5 --lr 1e-3 --not-mri-turns --seed 12 --version 1.2.0    # the shipped reader
    /usr/bin/python3 training/orientation_train.py --export-only --out training/runs/orientation    # threshold and export from last.pt

A picture carries no orientation, and slices exported as pictures come turned by 90 or 180 degrees (a volume sliced without
transposing) or mirrored. A mirror cannot be seen in an axial slice (either hemisphere may be on either side); a turn can
(where is the front of the head?). So the reader answers one of five classes on the guard's own input (guard_model.py, the
same network with five outputs): the picture is upright, or turned by a quarter, a half or three quarters (counter-
clockwise: turning it clockwise by as much makes it upright, up to a mirror), or "do not turn" (no brain in it). Its labels
come free: every MRI picture of the guard's arrays (guard_dataset.py: axial FLAIR, T1, T1c, sagittal and coronal planes, each
as sent and under upload transforms) is mirrored at random, turned by a random quarter, and labelled with that turn; slices
without visible brain, turned alike, are labelled "do not turn". Pictures that are not an MRI were labelled "do not turn" too
up to version 1.1.0; since 1.2.0 (--not-mri-turns) they are labelled with their turn: an ultrasound fan or a document turned
by a quarter is made upright, and the guard, trained on them upright, refuses it.

The app turns a picture only when the reader's answer is a turn with probability at least `threshold`: the lowest level at
which at most --max-turned-as-given of validation MRI pictures with visible brain as given (LGG VAL patients and the other
MRI of the validation arrays, as sent and mirrored) would be turned. Version 1.0.0 allowed 0.1% of all validation pictures in
all turns to be turned wrongly, which left a quarter of turned pictures as sent, for the guard (trained the right way up) to
refuse about a quarter of those and the model to read turned. And the guard vetoes a turn: a picture whose not-MRI score as
sent reaches `guardVeto` (a level that --veto-share of validation MRI pictures reach turned) is not turned, so that a
picture that is not an MRI is not turned into one the guard lets through. The export also reports, on validation, what the
app then does (`through_guard`): not-MRI pictures flagged and axial slices refused in each of the four turns.
"""
import hashlib
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import GUARD_VAL, command_line, option, small_net_options, start_run
from flops import multiply_adds
from guard_model import CELL, INPUT_SIZE, Ensemble, GuardNet, from_state
from guard_real import VISIBLE_SHARE
from guard_train import NOT_MRI, batches, ensemble_probabilities, to_tensor, turned

CLASSES = ["upright", "turned-90", "turned-180", "turned-270", "do-not-turn"]
KEEP = 4


def targets(y, visible, not_mri_turns=False):
    """Whether each picture is labelled with its turn: an MRI slice with visible brain, and with not_mri_turns a picture
    that is not an MRI too (the corpus keeps them upright: an ultrasound fan, a document, a chest X-ray have an upright,
    and turned the right way the guard refuses them as it was trained to; a planet or noise has none, and the reader learns
    that it cannot tell, which keeps it under the threshold)."""
    return ((y != NOT_MRI) & (visible >= VISIBLE_SHARE)) | ((y == NOT_MRI) & not_mri_turns)


def probabilities(model, x_u8, turns, mirror, size=512):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(x_u8), size):
            xb = to_tensor(x_u8[start:start + size])
            if mirror:
                xb = xb.flip(3)
            out.append(torch.softmax(model(turned(xb, torch.full((len(xb),), turns))), 1).numpy())
    return np.concatenate(out)


def validate(model, val, max_turned_as_given):
    """Every validation picture in its four turns, as sent and mirrored: the threshold, and how often the reader is right."""
    has_upright = targets(val["val_y"], val["val_visible"])
    answers = []  # (turn given, probabilities, has upright)
    for mirror in [False, True]:
        for k in range(4):
            answers.append((k, probabilities(model, val["val_x"], k, mirror)))
    mri = np.concatenate([p[has_upright] for _, p in answers])
    truth = np.concatenate([np.full(has_upright.sum(), k) for k, _ in answers])
    best, confidence = mri.argmax(1), mri.max(1)
    # levels at which a picture as given (upright, mirrored or not) would be turned; the threshold sits above all but
    # max_turned_as_given of them. Below it, a picture turned from upright is left as sent: the guard and the model read it
    # turned (they are trained with turns, but less sure of them); above it, most turned pictures are made upright.
    as_given = truth == 0
    wrong = np.sort(confidence[as_given & (best >= 1) & (best < KEEP)])[::-1]
    allowed = int(np.floor(max_turned_as_given * as_given.sum()))
    threshold = float(np.nextafter(wrong[allowed], 1)) if allowed < len(wrong) else 0.5
    threshold = max(threshold, 0.5)
    acted = (best < KEEP) & (confidence >= threshold)
    turn = np.where(acted, best, 0)
    as_sent = np.tile(np.char.endswith(val["val_kind"][has_upright], "as-sent") | ~np.char.startswith(val["val_kind"][has_upright], "axial"), len(answers))
    others = np.concatenate([p[~has_upright] for _, p in answers])
    other_turn = (others.argmax(1) < KEEP) & (others.argmax(1) > 0) & (others.max(1) >= threshold)
    report = {
        "mri_pictures": int(len(mri)),
        "made_upright": float((turn == truth).mean()),
        "turned_wrongly": float((acted & (best != truth)).mean()),
        "as_given_turned": float((acted & (best >= 1))[as_given].mean()),
        "left_as_sent_when_turned": float(((turn == 0) & (truth != 0)).mean()),
        "by_turn_made_upright": {str(90 * k): float((turn[truth == k] == k).mean()) for k in range(4)},
        "as_sent_made_upright": float((turn[as_sent] == truth[as_sent]).mean()),
        "as_sent_turned_wrongly": float((acted & (best != truth))[as_sent].mean()),
        "not_mri_or_blank_pictures": int(len(others)),
        "not_mri_or_blank_turned": float(other_turn.mean()),
    }
    return threshold, report


def load_guard(guard_manifest):
    manifest = json.load(open(guard_manifest))
    members = [from_state(torch.load(path)) for path in manifest["model"]["members"]]
    return Ensemble(members, True, manifest["model"].get("sequenceMembers")).eval(), manifest


def guard_scores(guard, x):
    """The guard's not-MRI score of each picture turned by 0, 1, 2 and 3 quarters (rows [k])."""
    return np.stack([ensemble_probabilities(guard, np.ascontiguousarray(np.rot90(x, k, (1, 2))))[:, NOT_MRI] for k in range(4)])


def guard_veto(val, scores, share):
    """The guard's not-MRI level above which a picture as sent is not turned: the level that at most `share` of validation
    MRI pictures with visible brain, turned by a quarter, a half or three quarters, reach as sent (so a turned slice is
    hardly ever kept from being made upright), while a picture the guard is sure is not an MRI is never turned into one."""
    mri = targets(val["val_y"], val["val_visible"])
    turned_scores = np.sort(scores[1:, mri].ravel())[::-1]
    return float(np.nextafter(turned_scores[int(np.floor(share * len(turned_scores)))], 1)), {"turnedMriPictures": len(turned_scores), "share": share}


def through_guard(model, val, threshold, veto, scores, not_mri_level):
    """What the app does with each validation picture given in each of the four turns: the reader's turn (unless the
    guard vetoes it), then the guard on the picture so turned. Not-MRI pictures flagged per turn (all and the weakest
    category), and axial FLAIR slices with visible brain, as sent, refused per turn."""
    y, kind = val["val_y"], val["val_kind"]
    axial = (val["val_visible"] >= VISIBLE_SHARE) & np.isin(kind, ["axial-flair-grey as-sent", "axial-flair-rgb as-sent"])
    report = {}
    for k in range(4):
        p = probabilities(model, val["val_x"], k, False)
        acted = (p.argmax(1) < KEEP) & (p.max(1) >= threshold) & (scores[k] < veto)
        final = np.where(acted, (k - p.argmax(1)) % 4, k)
        flagged = scores[final, np.arange(len(y))] >= not_mri_level
        rates = {c: float(flagged[kind == c].mean()) for c in sorted(set(kind[y == NOT_MRI]))}
        weakest = min(rates, key=rates.get)
        report[str(90 * k)] = {"not_mri_flagged": float(flagged[y == NOT_MRI].mean()), "weakest": [weakest, rates[weakest]],
                               "axial_refused": float(flagged[axial].mean())}
    return report


def main():
    parser = command_line(__doc__)
    small_net_options(parser, "training/runs/orientation", "orientation", epochs=8)
    option(parser, "--val", GUARD_VAL, "validation arrays for the threshold (guard_dataset.py --val-only)")
    option(parser, "--max-turned-as-given", 0.01, "share of validation MRI pictures with visible brain, as given, that may be turned")
    option(parser, "--veto-share", 0.001, "share of validation MRI pictures, turned, that the guard's veto may keep as sent")
    option(parser, "--seed", 7)
    option(parser, "--guard", "models/guard.json", "the guard manifest whose members veto a turn and judge the turned picture")
    parser.add_argument("--not-mri-turns", action="store_true", help="label pictures that are not MRI with their turn too, "
                        "not 'do not turn': made upright, they are refused as the guard was trained to")
    parser.add_argument("--export-only", action="store_true", help="choose the threshold on --val from <out>/last.pt and export")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    if args.export_only:
        return export(from_state(torch.load(os.path.join(args.out, "last.pt"))), args)
    start_run(args, indent=1)

    data = np.load(args.dataset)
    x, has_upright = data["train_x"], targets(data["train_y"], data["train_visible"], args.not_mri_turns)
    model = GuardNet(args.width, args.depth, len(CLASSES))
    if args.init:
        model.load_state_dict(torch.load(args.init))
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * int(np.ceil(len(x) / args.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    # batches() mirrors and jitters the colours; the index comes along as the label so the turn can be drawn after
    index = np.arange(len(x))
    val = np.load(args.val)
    log = open(os.path.join(args.out, "log.jsonl"), "w")
    for epoch in range(args.epochs):
        model.train()
        started, total, n = time.time(), 0.0, 0
        for xb, ib in batches(x, index, args.batch, rng):
            turns = torch.randint(0, 4, (len(ib),))
            labels = torch.where(torch.from_numpy(has_upright[ib.numpy()]), turns, torch.full_like(turns, KEEP))
            loss = F.cross_entropy(model(turned(xb, turns)), labels)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total, n = total + float(loss) * len(ib), n + len(ib)
        threshold, report = validate(model, val, args.max_turned_as_given)
        entry = {"epoch": epoch + 1, "loss": total / n, "seconds": round(time.time() - started), "threshold": threshold, **report}
        print(json.dumps(entry), flush=True)
        log.write(json.dumps(entry) + "\n")
        log.flush()
        torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
    export(model, args)


def export(model, args):
    model.eval()
    val = np.load(args.val)
    threshold, report = validate(model, val, args.max_turned_as_given)
    guard, guard_manifest = load_guard(args.guard)
    scores = guard_scores(guard, val["val_x"])
    veto, veto_facts = guard_veto(val, scores, args.veto_share)
    report["through_guard"] = through_guard(model, val, threshold, veto, scores, guard_manifest["thresholds"]["notMri"])
    json.dump({"threshold": threshold, **report}, open(os.path.join(args.out, "threshold.json"), "w"), indent=1)
    file = os.path.join(args.models, "orientation.onnx")
    with_softmax = torch.nn.Sequential(model, torch.nn.Softmax(1))
    torch.onnx.export(with_softmax, torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE), file, input_names=["image"],
                      output_names=["probabilities"], dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=13)
    data = open(file, "rb").read()
    manifest = {
        "model": {"name": "orientation", "version": args.version, "file": "orientation.onnx", "sha256": hashlib.sha256(data).hexdigest(),
                  "bytes": len(data), "parameters": sum(p.numel() for p in model.parameters()),
                  "multiplyAdds": multiply_adds(model, (1, 3, INPUT_SIZE, INPUT_SIZE)),
                  "architecture": f"5 stages of {model.depth} 3x3 conv + BN + ReLU (width {model.width}), a global mean and a linear layer to 5 classes (training/guard_model.py)",
                  "weights": os.path.join(args.out, "last.pt")},
        "input": {"name": "image", "shape": ["batch", 3, INPUT_SIZE, INPUT_SIZE], "channels": ["R", "G", "B"], "scale": 1 / 255,
                  "preparation": f"the upload letterboxed into the {INPUT_SIZE * CELL} square, the mean of each {CELL}x{CELL} cell (the guard's input)"},
        "output": {"name": "probabilities", "classes": CLASSES,
                   "meaning": "turned-N: the picture is turned N degrees counter-clockwise from upright; turning it clockwise by N makes it upright, up to a left-right mirror"},
        "threshold": threshold,
        "guardVeto": {"notMri": veto, "chosenOn": {"guard": guard_manifest["model"]["version"], **veto_facts},
                      "meaning": "a picture whose not-MRI score from the guard, as sent, is at least this is not turned: the reader "
                                 "may turn a picture that is not an MRI (a mask, a chart) into one that the guard then lets through"},
        "metrics": {"validation": report},
        "split": {"train": "the guard's training arrays (training/cache/guard-dataset.npz)", "validation": "the guard's validation arrays: LGG VAL patients and the corpus's val part"},
    }
    json.dump(manifest, open(os.path.join(args.models, "orientation.json"), "w"), indent=1)
    print(json.dumps({"threshold": threshold, **report}), file.replace(os.sep, "/"), len(data), "bytes")


if __name__ == "__main__":
    main()
