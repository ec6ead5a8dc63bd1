"""`sweeplint results` on one Optuna study of 10,000 trials, against reading the same storage bare.

    pip install -e '.[test]'            # optuna makes the storage's schema
    env -u PYTHONDONTWRITEBYTECODE python bench/bench_results.py [--trials 10000] [--steps 20] [--runs 5]

Optuna creates the study and its first trials, so the SQLite schema is Optuna's own; the rest of
the trials are copied from those rows in one transaction (making 10,000 trials through Optuna's
API takes many minutes of per-trial commits). "bare" is the standard library's sqlite3 fetching
every row of the four tables sweeplint reads; "judged" is `sweeplint results` reading the storage
and running every SL5xx rule, in process (the command's own startup is measured separately, as
`sweeplint results` in a fresh process). Figures are medians of --runs runs.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def make_study(path: str, trials: int, steps: int, seed: int = 0) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    rng = random.Random(seed)

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        wd = trial.suggest_float("wd", 0.0, 0.1)
        trial.suggest_categorical("act", ["relu", "gelu", "silu"])
        trial.suggest_int("layers", 1, 12)
        final = (math.log10(lr) + 3) ** 2 + wd
        for step in range(steps):
            trial.report(final + max(0, steps - 5 - step) * 0.1, step)
        return final

    study = optuna.create_study(study_name="bench", storage=f"sqlite:///{path}",
                                sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=2)
    db = sqlite3.connect(path)
    (study_id,) = db.execute("SELECT study_id FROM studies").fetchone()
    template = db.execute("SELECT trial_id FROM trials ORDER BY trial_id LIMIT 1").fetchone()[0]
    params = db.execute("SELECT param_name, distribution_json FROM trial_params WHERE trial_id=?", (template,)).fetchall()
    start = db.execute("SELECT datetime_start, datetime_complete FROM trials WHERE trial_id=?", (template,)).fetchone()
    with db:
        for number in range(2, trials):
            cursor = db.execute("INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) "
                                "VALUES (?, ?, 'COMPLETE', ?, ?)", (number, study_id, *start))
            trial_id = cursor.lastrowid
            lr, wd = 10 ** rng.uniform(-5, -1), rng.uniform(0, 0.1)
            values = {"lr": lr, "wd": wd, "act": float(rng.randrange(3)), "layers": float(rng.randint(1, 12))}
            db.executemany("INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)",
                           [(trial_id, name, values[name], dist) for name, dist in params])
            final = (math.log10(lr) + 3) ** 2 + wd
            db.execute("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, 0, ?, 'FINITE')",
                       (trial_id, final))
            db.executemany("INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) "
                           "VALUES (?, ?, ?, 'FINITE')",
                           [(trial_id, s, final + max(0, steps - 5 - s) * 0.1) for s in range(steps)])
    db.close()


def bare(path: str) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = 0
    for table in ("trials", "trial_params", "trial_values", "trial_intermediate_values"):
        rows += len(db.execute(f"SELECT * FROM {table}").fetchall())
    db.close()
    return rows


def judged(path: str) -> int:
    from sweeplint.results.judge import judge
    from sweeplint.settings import Settings

    return len(judge([path], Settings()).diagnostics)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.db")
        start = time.perf_counter()
        make_study(path, args.trials, args.steps)
        print(f"made {args.trials} trials x {args.steps} steps ({os.path.getsize(path) / 1e6:.1f} MB) "
              f"in {time.perf_counter() - start:.1f} s")
        bare_s = median_time(lambda: bare(path), args.runs)
        judged_s = median_time(lambda: judged(path), args.runs)
        cli = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sweeplint", "results", path, "--exit-zero", "-q"],
                           capture_output=True, check=True)
            cli.append(time.perf_counter() - start)
        print(f"bare sqlite3 read:         {bare_s:.3f} s")
        print(f"read + judged (in process): {judged_s:.3f} s  ratio {judged_s / bare_s:.1f}x")
        print(f"`sweeplint results` process: {statistics.median(cli):.3f} s")


if __name__ == "__main__":
    main()
