"""Time and peak memory per input byte, for each class of input sweeplint reads.

    python bench/bench_input_classes.py [--sizes 250,500,1000,2000] [--repeat 3]
    python bench/bench_input_classes.py --composers [--rounds 10]

The first form checks generated files of several sizes per class (a W&B sweep in YAML, an NNI search
space in JSON, an Optuna objective in Python), each in its own `sweeplint check --no-cache` process,
and prints the wall time and peak RSS of each run, the marginal cost per input byte between
consecutive sizes (the constants: start-up cost drops out) and whether growth is linear (each
step's per-byte cost within 2x of the first step's).

The second form compares ways to compose YAML on the project's corpus and on large generated files:
a bare libyaml compose (PyYAML's CSafeLoader, the reference the issue measures against), sweeplint's
event composer alone, and sweeplint's compose (in C with one pass over the finished tree, where the
bounds allow; large files take the event composer).
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

TRAIN = "import wandb\nrun = wandb.init()\nwandb.log({'val_loss': 1})\n"
NAMES = ["learning_rate", "weight_decay", "dropout", "momentum", "batch_size", "warmup", "layers", "width"]


def wandb_yaml(n: int, rng: random.Random) -> str:
    lines = ["program: train.py", "method: random", "run_cap: 100", "metric: {name: val_loss, goal: minimize}", "parameters:"]
    for i in range(n):
        name = f"{rng.choice(NAMES)}_{i}"
        if i % 3 == 0:
            lines += [f"  {name}:", "    values: [16, 32, 64, 128]"]
        else:
            lines += [f"  {name}:", "    distribution: log_uniform_values", f"    min: {rng.uniform(1e-6, 1e-3):.6g}", f"    max: {rng.uniform(0.01, 1):.6g}"]
    return "\n".join(lines) + "\n"


def nni_json(n: int, rng: random.Random) -> str:
    import json
    space = {}
    for i in range(n):
        name = f"{rng.choice(NAMES)}_{i}"
        space[name] = ({"_type": "choice", "_value": [16, 32, 64]} if i % 3 == 0
                       else {"_type": "loguniform", "_value": [rng.uniform(1e-6, 1e-3), rng.uniform(0.01, 1)]})
    return json.dumps(space, indent=2) + "\n"


def optuna_python(n: int, rng: random.Random) -> str:
    body = []
    for i in range(n):
        name = f"{rng.choice(NAMES)}_{i}"
        body.append(f"    v{i} = trial.suggest_float({name!r}, {rng.uniform(1e-6, 1e-3):.6g}, {rng.uniform(0.01, 1):.6g}, log=True)")
    return ("import optuna\n\n\ndef objective(trial):\n" + "\n".join(body) + "\n    return v0\n\n\n"
            "study = optuna.create_study(direction='minimize')\nstudy.optimize(objective, n_trials=100)\n")


CLASSES = {"YAML (W&B sweep)": ("sweep.yaml", wandb_yaml), "JSON (NNI search space)": ("search_space.json", nni_json),
           "Python (Optuna objective)": ("study.py", optuna_python)}


def run_once(folder: Path, name: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one `sweeplint check` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sweeplint", "check", name, "--no-cache", "--output-format", "json"],
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss * 1024


def measure_classes(sizes: list[int], repeat: int) -> None:
    print(f"{'class':26s} {'params':>7s} {'bytes':>9s} {'time s':>8s} {'peak MB':>8s} {'us/byte':>8s} {'bytes/byte':>10s}")
    summary = []
    for label, (name, make) in CLASSES.items():
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "train.py").write_text(TRAIN)
            for n in sizes:
                text = make(n, random.Random(n))
                (root / name).write_text(text)
                runs = [run_once(root, name) for _ in range(repeat)]
                rows.append((n, len(text.encode()), min(t for t, _ in runs), min(m for _, m in runs)))
        steps = []
        for (n0, b0, t0, m0), (n1, b1, t1, m1) in zip(rows, rows[1:]):
            steps.append(((t1 - t0) / (b1 - b0) * 1e6, (m1 - m0) / (b1 - b0)))
        for i, (n, size, seconds, peak) in enumerate(rows):
            per = f"{steps[i - 1][0]:8.2f} {steps[i - 1][1]:10.0f}" if i else f"{'':8s} {'':10s}"
            print(f"{label:26s} {n:7d} {size:9d} {seconds:8.2f} {peak / 2**20:8.0f} {per}")
        time_steps = [s[0] for s in steps]
        linear = all(abs(s) <= 2 * max(time_steps[0], 1e-9) for s in time_steps)
        summary.append((label, time_steps[-1], max(s[1] for s in steps), linear))
    print("\nper-byte constants (marginal, largest step) and growth:")
    for label, us, mem, linear in summary:
        print(f"  {label:26s} {us:7.2f} us/byte  {mem:8.0f} bytes of memory/byte  {'linear' if linear else 'NOT linear'}")


# --- composers ---------------------------------------------------------------------------------------


def compare_composers(rounds: int) -> None:
    from sweeplint import yamldoc
    from sweeplint.read import semantics_for

    corpus = os.environ.get("SWEEPLINT_CORPUS", "/work/shared/corpus")
    files = sorted(f for f in glob.glob(f"{corpus}/**/*", recursive=True) if f.endswith((".yaml", ".yml", ".json")))
    sets = {"corpus": [(f, Path(f).read_text(encoding="utf-8", errors="replace")) for f in files]}
    rng = random.Random(0)
    sets["generated (2,000-parameter YAML, 1,500-parameter JSON)"] = [("big.yaml", wandb_yaml(2000, rng)), ("big.json", nni_json(1500, rng))]

    def bare(texts):
        for _, t in texts:
            try:
                list(yaml.compose_all(t, Loader=yaml.CSafeLoader))
            except yaml.YAMLError:
                pass

    def events(texts):
        for f, t in texts:
            try:
                yamldoc._compose_events(t.replace("\t", " ") if f.endswith(".json") else t, semantics_for(f))
            except yamldoc.YAMLReadError:
                pass

    def composed(texts):  # what sweeplint does: in C where the bounds allow, else the events
        for f, t in texts:
            try:
                yamldoc.compose(t, semantics_for(f))
            except yamldoc.YAMLReadError:
                pass

    ways = {"bare libyaml compose (CSafeLoader)": bare, "sweeplint event composer": events,
            "sweeplint compose (C where safe)": composed}
    for label, texts in sets.items():
        best = {w: float("inf") for w in ways}
        for _ in range(rounds):
            for w, fn in ways.items():
                start = time.process_time()  # CPU time: the machine may be shared
                fn(texts)
                best[w] = min(best[w], time.process_time() - start)
        size = sum(len(t) for _, t in texts)
        print(f"{label}: {len(texts)} files, {size} characters (best of {rounds})")
        for w, seconds in best.items():
            print(f"  {w:36s} {seconds * 1000:8.1f} ms  {seconds / best['bare libyaml compose (CSafeLoader)']:5.2f}x bare")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000,2000", help="parameters per generated file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--composers", action="store_true")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if args.composers:
        compare_composers(args.rounds)
    else:
        measure_classes([int(s) for s in args.sizes.split(",")], args.repeat)


if __name__ == "__main__":
    main()
