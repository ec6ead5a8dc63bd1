"""Time and peak memory per input byte, for each class of input sweeplint reads.

    python bench/bench_input_classes.py [--sizes 250,500,1000,2000] [--repeat 3] [--class optuna]
    python bench/bench_input_classes.py --composers [--rounds 10]
    python bench/bench_input_classes.py --adversarial [--repeat 1]

The first form checks generated files of several sizes per class (W&B, Hydra-sweeper and Katib YAML, nested
W&B groups, an NNI search space in JSON, an Optuna objective and one long training function in Python), the
sizes of a class taking turns in one process, and prints the CPU time of checking the file and the memory
Python allocated for it (start-up left out: see CHECK_TIMED), the peak RSS of a whole
`sweeplint check --no-cache` process, the marginal cost per input byte between sizes (the constants) and whether growth is
linear (the marginal cost per byte over the upper half of the sizes against the lower part, for the
CPU time and the allocated memory).

The second form compares ways to compose YAML on the project's corpus and on large generated files:
a bare libyaml compose (PyYAML's CSafeLoader, the reference the issue measures against), sweeplint's
event composer alone, and sweeplint's compose (in C with one pass over the finished tree, where the
bounds allow; large files take the event composer).

The third form checks each hostile input of adversarial_inputs.py (alias bombs, deep nesting, a 50 MB
config, 200,000 entries, a 20,000-line function, ...) and prints its time and peak memory.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from adversarial_inputs import SWEEP  # bench/ is the script's folder, first on the path
from probe import measure

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


def hydra_sweeper(n: int, rng: random.Random) -> str:
    rows = ["defaults:", "  - override hydra/sweeper: optuna", "hydra:", "  sweeper:", "    direction: minimize",
            "    n_trials: 100", "    params:"]
    for i in range(n):
        name = f"{rng.choice(NAMES)}_{i}"
        rows.append(f"      {name}: choice(16, 32, 64)" if i % 3 == 0
                    else f"      {name}: tag(log, interval({rng.uniform(1e-6, 1e-3):.6g}, {rng.uniform(0.01, 1):.6g}))")
    return "\n".join(rows) + "\n"


def katib_experiment(n: int, rng: random.Random) -> str:
    rows = ["apiVersion: kubeflow.org/v1beta1", "kind: Experiment", "metadata:", "  name: bench", "spec:",
            "  objective:", "    type: minimize", "    objectiveMetricName: val_loss", "  algorithm:",
            "    algorithmName: random", "  maxTrialCount: 100", "  parameters:"]
    for i in range(n):
        name = f"{rng.choice(NAMES)}_{i}"
        if i % 3 == 0:
            rows += [f"    - name: {name}", "      parameterType: categorical", "      feasibleSpace:", "        list: [a, b, c]"]
        else:
            rows += [f"    - name: {name}", "      parameterType: double", "      feasibleSpace:",
                     f'        min: "{rng.uniform(0.1, 0.4):.4g}"', f'        max: "{rng.uniform(0.5, 0.9):.4g}"']
    return "\n".join(rows) + "\n"


def training_function(n: int, rng: random.Random) -> str:
    """One training function of 4 * n lines, read by a fixed sweep (the function-length class; the
    largest size stays under sweeplint's bounds: 10,000 lines a function, 50,000 tokens a file)."""
    body = "".join(f"    v{i} = cfg.learning_rate * {rng.randint(1, 9)} + v{max(0, i - 1)}\n" if i else "    v0 = 1.0\n"
                   for i in range(4 * n))
    return ("import wandb\n\n\ndef main():\n    run = wandb.init()\n    cfg = wandb.config\n" + body
            + "    wandb.log({'val_loss': v1})\n\n\nmain()\n")


def nested_wandb_groups(n: int, rng: random.Random) -> str:
    """n / 4 groups of nested W&B parameters, each an optimizer choice with a learning rate."""
    rows = ["program: train.py", "method: random", "run_cap: 500", "metric: {name: val_loss, goal: minimize}", "parameters:"]
    for g in range(max(1, n // 4)):
        rows += [f"  g{g}:", "    parameters:", "      optimizer:", "        values: [sgd, adam]", "      learning_rate:",
                 "        distribution: log_uniform_values", f"        min: {rng.uniform(1e-6, 1e-4):.6g}", "        max: 0.1"]
    return "\n".join(rows) + "\n"


# Entries per file, up to the per-sweep bound (sweeplint.limits.MAX_PARAMETERS): past it the work is cut.
SIZES = (125, 250, 500, 1000)

# label: (the file that grows, how it is made, what is checked)
CLASSES = {"YAML (W&B sweep)": ("sweep.yaml", wandb_yaml, "sweep.yaml"),
           "JSON (NNI search space)": ("search_space.json", nni_json, "search_space.json"),
           "YAML (Hydra Optuna sweeper)": ("config.yaml", hydra_sweeper, "config.yaml"),
           "YAML (Katib experiment)": ("experiment.yaml", katib_experiment, "experiment.yaml"),
           "YAML (nested W&B groups)": ("groups.yaml", nested_wandb_groups, "groups.yaml"),
           "Python (Optuna objective)": ("study.py", optuna_python, "study.py"),
           "Python (training function)": ("train.py", training_function, "sweep.yaml")}


def run_once(folder: Path, name: str, env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one `sweeplint check` process."""
    seconds, cpu, peak_mib = measure([sys.executable, "-m", "sweeplint", "check", name, "--no-cache",
                                      "--output-format", "json"], str(folder), env)
    return seconds, cpu, int(peak_mib * 2**20)


# The CPU time of checking one file, start-up left out: a process imports sweeplint and checks each
# size's file once (imports, the knowledge base, the code reader), then times `times` more checks of
# every size, the sizes taking turns (size after size, round after round), each check from scratch
# (a fresh worker each time, so the program's facts are extracted again; the knowledge base, loaded
# once, is shared), and prints each size's fastest check, and the memory Python allocated at the
# peak of one more check (tracemalloc) above what it held before: the whole process's peak RSS moves
# in steps of the allocator's arenas, too coarse for a few MB of growth. Start-up costs the same at
# every size, but varies by a few hundredths of a second from one process to the next, as much as a
# small file's whole check: left in, it decides the growth figure. The sizes take turns inside one
# process because this machine's speed drifts from one minute to the next by up to a third: sizes
# timed in separate processes, seconds apart, were each timed at another speed, which alone moved
# the growth figure of a class whose checks take tens of milliseconds by half.
CHECK_TIMED = """
import gc, os, sys, time, tracemalloc
gc.disable()  # as `sweeplint check` runs for a few named files (sweeplint.cli)
from pathlib import Path
from sweeplint.parallel import Worker
from sweeplint.rules.registry import rule_index
from sweeplint.settings import load_settings
name, times, folders = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rules = list(rule_index())
settings = {}
for folder in folders:
    os.chdir(folder)
    settings[folder] = load_settings(None, Path.cwd())
first = Worker(rules, settings[folders[0]], None, None)
def check(folder):
    os.chdir(folder)  # the file's project, as a check run there sees it
    worker = Worker(rules, settings[folder], None, None)
    worker.knowledge_loader = first.knowledge_loader
    return worker.check(name, True, None, None)
for folder in folders:
    check(folder)
best = dict.fromkeys(folders, float("inf"))
for _ in range(times):
    for folder in folders:
        start = time.process_time()
        check(folder)
        best[folder] = min(best[folder], time.process_time() - start)
        gc.collect()  # (the next check starts from the same heap, garbage-free)
tracemalloc.start()
for folder in folders:
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    check(folder)
    print(best[folder], tracemalloc.get_traced_memory()[1] - held)
    gc.collect()
"""


def check_costs(folders: list[Path], name: str, times: int, env: dict | None = None) -> list[tuple[float, int]]:
    """For each folder (one per size), CPU seconds of one check of `name` in it, start-up left out
    (the fastest of `times`, the folders taking turns in one process), and the bytes Python
    allocated at the peak of a check (see CHECK_TIMED)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", CHECK_TIMED, name, str(times), *map(str, folders)], env=env,
                          capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()[-len(folders):]
    return [(float(seconds), int(peak)) for seconds, peak in (line.split() for line in lines)]


def growth(rows: list[tuple], column: int) -> float:
    """How the marginal cost per byte grows: over the upper half of the sizes against the lower part
    (1 = linear; a quadratic cost gives about 2.4 on sizes that double). Both spans are wide, so
    run-to-run noise in a single step does not decide it."""
    (_, b0, *c0), (_, b2, *c2), (_, b3, *c3) = rows[0], rows[-2], rows[-1]
    lower = (c2[column] - c0[column]) / (b2 - b0)
    upper = (c3[column] - c2[column]) / (b3 - b2)
    return upper / lower if lower > 0 else float("inf") if upper > 0 else 1.0


def measure_classes(sizes: list[int], repeat: int, env: dict | None = None, only: str = "") -> list[dict]:
    """Per class (those whose label contains `only`, case-insensitive): CPU time and peak memory at
    each size, the cost per byte, and its growth."""
    print(f"{'class':28s} {'units':>6s} {'bytes':>9s} {'cpu s':>7s} {'alloc MiB':>9s} {'peak MiB':>8s}")
    summary = []
    for label, (name, make, checked) in CLASSES.items():
        if only.lower() not in label.lower():
            continue
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            sizes_in = {}   # size -> (its folder, bytes of the file that grows)
            for n in sizes:
                root = Path(folder, str(n))
                root.mkdir()
                (root / "train.py").write_text(TRAIN)
                (root / "sweep.yaml").write_text(SWEEP)
                text = make(n, random.Random(n))
                (root / name).write_text(text)
                sizes_in[n] = (root, len(text.encode()))
            # Every size in every round: a spell of load from elsewhere on a shared machine slows
            # one round of all sizes rather than every run of one size, and the minimum drops it.
            # Time and allocated memory: the check alone (CHECK_TIMED: the fastest of 10 checks of
            # each size, the sizes taking turns in one process per round); peak RSS: a whole
            # `sweeplint check` process per size and round.
            peaks: dict[int, list] = {n: [] for n in sizes}
            costs: dict[int, list] = {n: [] for n in sizes}
            for _ in range(repeat):
                for n in sizes:
                    peaks[n].append(run_once(sizes_in[n][0], checked, env)[2])
                for n, cost in zip(sizes, check_costs([sizes_in[n][0] for n in sizes], checked, 10, env)):
                    costs[n].append(cost)
            for n in sizes:
                seconds, allocated = min(s for s, _ in costs[n]), min(a for _, a in costs[n])
                rows.append((n, sizes_in[n][1], seconds, allocated, min(peaks[n])))
                print(f"{label:28s} {n:6d} {rows[-1][1]:9d} {seconds:7.3f} {allocated / 2**20:9.1f} {rows[-1][4] / 2**20:8.1f}", flush=True)
        (_, first, cpu0, mem0, _), (_, last, cpu1, mem1, _) = rows[0], rows[-1]
        summary.append({"class": label, "us_per_byte": (cpu1 - cpu0) / (last - first) * 1e6,
                        "memory_per_byte": (mem1 - mem0) / (last - first), "time_growth": growth(rows, 0),
                        "memory_growth": growth(rows, 1), "peak_mib": max(r[4] for r in rows) / 2**20})
    print("\nper-byte constants (marginal, smallest to largest size) and growth (upper half over lower, 1 = linear):")
    for c in summary:
        print(f"  {c['class']:28s} {c['us_per_byte']:7.2f} us cpu/byte  {c['memory_per_byte']:6.1f} bytes allocated/byte  "
              f"growth: time {c['time_growth']:4.2f}, memory {c['memory_growth']:4.2f}")
    return summary


def measure_adversarial(repeat: int = 1, env: dict | None = None) -> list[dict]:
    """Time and peak memory of one `sweeplint check` of each hostile input (adversarial_inputs.py)."""
    from adversarial_inputs import CASES

    print(f"{'adversarial input':40s} {'bytes':>10s} {'time s':>8s} {'peak MiB':>9s}")
    found = []
    for label, make in CASES.items():
        with tempfile.TemporaryDirectory() as folder:
            files = make()
            for name, text in files.items():
                Path(folder, name).write_text(text)
            runs = [run_once(Path(folder), ".", env) for _ in range(repeat)]
        seconds, peak = min(t for t, _, _ in runs), max(m for _, _, m in runs) / 2**20
        size = sum(len(t.encode()) for t in files.values())
        print(f"{label:40s} {size:10d} {seconds:8.2f} {peak:9.1f}", flush=True)
        found.append({"input": label, "bytes": size, "seconds": seconds, "peak_mib": peak})
    return found


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
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="entries per generated file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--composers", action="store_true")
    parser.add_argument("--adversarial", action="store_true", help="time and peak memory of each hostile input")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--class", dest="only", default="", metavar="TEXT",
                        help="measure only the classes whose label contains TEXT (e.g. --class optuna)")
    args = parser.parse_args()
    if args.composers:
        compare_composers(args.rounds)
    elif args.adversarial:
        measure_adversarial(args.repeat)
    else:
        measure_classes([int(s) for s in args.sizes.split(",")], args.repeat, only=args.only)


if __name__ == "__main__":
    main()
