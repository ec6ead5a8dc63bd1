"""Make ray_experiment/: a real Ray Tune experiment folder, written by Ray Tune itself, that
tests/test_results_ray.py reads (Ray is large, so the tests read this committed output and
rerun the script only when Ray is installed). 16 trials over a log-uniform learning rate with a
fixed seed; trials above lr 3e-3 report NaN from their third iteration and then raise (so Ray
writes their error.txt). Only the small text files sweeplint reads are kept: each trial's
params.json, result.json, progress.csv and error.txt (not the experiment_state file, whose
pickled trial states are most of the folder's size).

    pip install 'ray[tune]'
    python tests/results_data/make_ray_experiment.py [OUT_DIR]   # default: next to this script
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
from pathlib import Path

KEEP = ("params.json", "result.json", "progress.csv", "error.txt")


def train(config):
    from ray import tune

    lr = config["lr"]
    for iteration in range(1, 9):
        loss = (math.log10(lr) + 3) ** 2 + config["wd"] * 10 + 1.0 / iteration
        if lr > 3e-3 and iteration >= 3:
            tune.report({"val_loss": float("nan")})
            raise FloatingPointError("loss diverged")
        tune.report({"val_loss": loss})


def main(out: Path) -> None:
    import ray
    from ray import tune

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    space = {"lr": tune.loguniform(1e-5, 1e-1), "wd": tune.loguniform(1e-6, 1e-2)}
    with tempfile.TemporaryDirectory() as storage:
        tuner = tune.Tuner(
            train, param_space=space,
            tune_config=tune.TuneConfig(num_samples=16, metric="val_loss", mode="min",
                                        search_alg=tune.search.BasicVariantGenerator(random_state=3)),
            run_config=tune.RunConfig(name="ray_experiment", storage_path=storage, verbose=0,
                                      failure_config=tune.FailureConfig(max_failures=0)))
        tuner.fit()
        ray.shutdown()
        made = Path(storage) / "ray_experiment"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for trial in sorted(p for p in made.iterdir() if p.is_dir()):
            kept = [name for name in KEEP if (trial / name).is_file()]
            if "params.json" in kept:
                (out / trial.name).mkdir()
                for name in kept:
                    shutil.copy(trial / name, out / trial.name / name)
    trim_errors(out)


def trim_errors(out: Path) -> None:
    """Keep an error.txt's last line, the exception: its traceback names this machine's paths."""
    for error in out.glob("*/error.txt"):
        lines = [line for line in error.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        error.write_text((lines[-1] if lines else "") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "ray_experiment")
