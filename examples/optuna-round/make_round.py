"""Make this folder's example round: a real 40-trial Optuna study in a journal file (round1.log),
searched over the space in sweep.yaml. Its trials diverge above a learning rate of 1e-2 and its
curves are best at step 4 and then get worse (overfitting), so `sweeplint results` has two things
to say. The sampler's seed is fixed: running it again writes the same trials.

    pip install optuna
    python examples/optuna-round/make_round.py          # rewrites examples/optuna-round/round1.log
    sweeplint results examples/optuna-round/round1.log --space examples/optuna-round/sweep.yaml --report report
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import optuna
from optuna.storages.journal import JournalFileBackend, JournalStorage

HERE = Path(__file__).resolve().parent
STEPS = 12


def objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = trial.suggest_float("wd", 1e-6, 1e-2, log=True)
    if lr > 1e-2:
        return float("nan")    # diverged
    base = (math.log10(lr) + 3) ** 2 + 10 * wd
    curve = [round(base + abs(step - 4) * 0.2, 4) for step in range(STEPS)]   # best at step 4, then overfits
    for step, value in enumerate(curve):
        trial.report(value, step)
    return min(curve)


def main(path: Path) -> None:
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    path.unlink(missing_ok=True)
    storage = JournalStorage(JournalFileBackend(str(path)))
    study = optuna.create_study(study_name="round1", storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=40)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "round1.log")
