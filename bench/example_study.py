"""Make the README's example round: a real 40-trial Optuna study whose trials diverge above a
learning rate of 1e-2 and overfit after step 4, with the W&B-style sweep config that defined it.

    pip install optuna
    python bench/example_study.py OUT_DIR && sweeplint results OUT_DIR/optuna.db --space OUT_DIR/sweep.yaml
"""

from __future__ import annotations

import math
import os
import sys

SPACE = """\
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  wd:
    min: 0.0
    max: 0.1
"""


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = trial.suggest_float("wd", 0.0, 0.1)
    if lr > 1e-2:
        return float("nan")    # diverged
    base = (math.log10(lr) + 3) ** 2 + wd
    curve = [base + abs(step - 4) * 0.2 for step in range(20)]   # best at step 4, then overfits
    for step, value in enumerate(curve):
        trial.report(value, step)
    return min(curve)


def main(folder: str) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "sweep.yaml"), "w", encoding="utf-8") as handle:
        handle.write(SPACE)
    storage = f"sqlite:///{os.path.join(folder, 'optuna.db')}"
    study = optuna.create_study(study_name="round1", storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=40)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "example-round")
