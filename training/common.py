"""What the training scripts share: their command line and a run's folder with its args.json.

Every flag is kebab-case and its help ends with its default (`option`); the inputs that several scripts read have their
default paths here once, relative to the repository root as the README's commands run them.
"""
import argparse
import json
import os

LGG = "../shared/data/lgg"
LGG_CACHE = "training/cache/lgg.npz"
BRATS = "../shared/data/brats2013"
GUARD_DATASET = "training/cache/guard-dataset.npz"
GUARD_VAL = "training/cache/guard-val.npz"


def command_line(doc):
    """The parser every script starts from: its docstring, as written, above the flags."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def option(parser, flag, default, help="", **kwargs):
    """A kebab-case flag whose help ends with its default. An int or float default makes the flag's type, unless `type` says."""
    if not flag.startswith("--") or "_" in flag:
        raise ValueError(f"flags are kebab-case: {flag}")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        kwargs.setdefault("type", type(default))
    parser.add_argument(flag, default=default, help=f"{help} (default: %(default)s)".lstrip(), **kwargs)


def lgg_options(parser, folder="--lgg", cache="--lgg-cache"):
    """The LGG slices: the dataset's folder and the .npz that data.py decodes it into once."""
    option(parser, folder, LGG, "LGG folder")
    option(parser, cache, LGG_CACHE, "cache of the decoded slices")


def brats_option(parser):
    option(parser, "--brats", BRATS, "BRATS 2013 folder")


def threshold_options(parser):
    """The budgets the guard's thresholds are chosen for on validation (guard_train.py choose_thresholds)."""
    option(parser, "--max-flagged-axial", 0.001, "share of validation axial FLAIR slices with visible brain that may be flagged not-MRI")
    option(parser, "--max-warned-axial", 0.001, "share of the rest that may be warned as other MRI")


def checkpoint_options(parser):
    """Which tumour checkpoint export.py and evaluate.py read."""
    option(parser, "--run", "training/runs/v2", "training output folder")
    option(parser, "--checkpoint", "best.pt", "checkpoint file in --run")


def start_run(args, indent=2):
    """A training run starts: its folder (args.out) is made and the command line's values are written into it as args.json."""
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=indent)
