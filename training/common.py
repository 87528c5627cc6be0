"""What the training scripts share: their command line, a run's folder with its args.json, and the pid file.

Every flag is kebab-case and its help ends with its default (`option`); the inputs that several scripts read have their
default paths here once, relative to the repository root as the README's commands run them.

The pid file (training/runs/.training.pid, or $TRAINING_PID_FILE; git-ignored) lists the training processes that run now,
one pid a line, so that benchmarks and e2e tests can pause them (testkit/pause-training.ts sends SIGSTOP, then SIGCONT).
A training script is listed from start_run() until it exits.
"""
import argparse
import atexit
import fcntl
import json
import os
import signal

LGG = "../shared/data/lgg"
LGG_CACHE = "training/cache/lgg.npz"
BRATS = "../shared/data/brats2013"
GUARD_DATASET = "training/cache/guard-dataset.npz"
GUARD_VAL = "training/cache/guard-val.npz"

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PID_FILE = os.path.join(REPO, os.environ.get("TRAINING_PID_FILE") or os.path.join("training", "runs", ".training.pid"))


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


def small_net_options(parser, out, name, epochs):
    """The options of the scripts that train the guard's small network on its arrays (guard_train.py, orientation_train.py);
    `name`: what the export is called in models/ (name.onnx, name.json)."""
    option(parser, "--dataset", GUARD_DATASET, "training arrays (guard_dataset.py)")
    option(parser, "--out", out, "run folder")
    option(parser, "--models", "models", f"where {name}.onnx and {name}.json go")
    option(parser, "--version", "1.0.0", f"version written to {name}.json")
    option(parser, "--epochs", epochs)
    option(parser, "--batch", 128)
    option(parser, "--lr", 3e-3, "peak learning rate")
    option(parser, "--width", 16, "channels of the first stage")
    option(parser, "--depth", 2, "convolutions per stage")
    option(parser, "--threads", 2, "torch threads")
    parser.add_argument("--init", default=None, help="start from these weights (a last.pt) instead of from scratch")


def threshold_options(parser):
    """The budgets the guard's thresholds are chosen for on validation (guard_train.py choose_thresholds)."""
    option(parser, "--max-flagged-axial", 0.001, "share of validation axial FLAIR slices with visible brain that may be flagged not-MRI")
    option(parser, "--max-warned-axial", 0.001, "share of the rest that may be warned as other MRI")


def checkpoint_options(parser):
    """Which tumour checkpoint export.py and evaluate.py read."""
    option(parser, "--run", "training/runs/v2", "training output folder")
    option(parser, "--checkpoint", "best.pt", "checkpoint file in --run")


def start_run(args, indent=2):
    """A training run starts: its folder (args.out) is made, the command line's values are written into it as args.json,
    and this process is listed in the pid file until it exits."""
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=indent)
    list_in_pid_file()


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


def change_pid_file(change):
    """Rewrites the pid file under a lock on its folder (two runs may start or end together), by replacement, so that a
    reader never sees half a file. Pids of processes that are gone are dropped; no pid left, no file."""
    folder = os.path.dirname(PID_FILE)
    os.makedirs(folder, exist_ok=True)
    lock = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(PID_FILE) as f:
                pids = [int(word) for word in f.read().split() if word.isdigit()]
        except FileNotFoundError:
            pids = []
        pids = change([pid for pid in pids if running(pid)])
        if pids:
            with open(PID_FILE + ".tmp", "w") as f:
                f.write("".join(f"{pid}\n" for pid in pids))
            os.replace(PID_FILE + ".tmp", PID_FILE)
        elif os.path.exists(PID_FILE):
            os.remove(PID_FILE)
    finally:
        os.close(lock)


def list_in_pid_file():
    """Lists this process in the pid file and takes it out again at exit: a normal end, an exception, Ctrl-C, and SIGTERM
    or SIGHUP (their default is kept: the process still ends by that signal). SIGKILL leaves the pid behind; readers check
    that a listed pid is a training script before they signal it."""
    pid = os.getpid()
    change_pid_file(lambda pids: [p for p in pids if p != pid] + [pid])

    def unlist():
        if os.getpid() == pid:  # not in a forked child
            change_pid_file(lambda pids: [p for p in pids if p != pid])

    def on_signal(number, frame):
        unlist()
        signal.signal(number, signal.SIG_DFL)
        os.kill(pid, number)

    atexit.register(unlist)
    for number in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) == signal.SIG_DFL:
            signal.signal(number, on_signal)
