"""Reading a finished sweep's results (`sweeplint results`): one reader per tool, one common shape.

Imported only by the `results` command and the SL5xx rules when they have results to judge, so
`sweeplint check` never pays for it. Nothing here runs user code: files are read as data.
"""

from __future__ import annotations

from pathlib import Path

from sweeplint.model import NOWHERE
from sweeplint.results.model import ReadProblem, ResultSet


def load(path: str, metric: str | None = None, goal: str | None = None, names: tuple[str, ...] = ()) -> list[ResultSet]:
    """Every study stored at `path`. `metric`, `goal` and `names` come from the space config, for
    stores that do not keep them (Ray, W&B). Never raises on a bad file: problems are in the result."""
    where = Path(path)
    try:
        if where.is_dir():
            from sweeplint.results import ray_tune, wandb_runs

            if wandb_runs.run_folders(where):
                return wandb_runs.read_folders(where, metric, goal)
            if ray_tune.is_experiment(where):
                return ray_tune.read(where, metric, goal)
            return [_unknown(path, "a folder with neither W&B run folders (wandb/run-*/files) nor a Ray Tune experiment "
                                   "(experiment_state-*.json, trial folders with params.json)")]
        if not where.is_file():
            return [_unknown(path, "no such file or folder")]
        from sweeplint.results import nni_sqlite, optuna_journal, optuna_sqlite

        if optuna_sqlite.is_optuna_sqlite(where):
            if nni_sqlite.is_nni_sqlite(where):
                return nni_sqlite.read(where)
            return optuna_sqlite.read(where)
        if optuna_journal.looks_like_journal(where):
            return optuna_journal.read(where)
        if where.suffix.lower() == ".csv":
            from sweeplint.results import wandb_runs

            return wandb_runs.read_csv(where, metric, goal, names)
        return [_unknown(path, "not a results file sweeplint reads (an Optuna SQLite or journal storage, an NNI database, "
                               "a W&B runs table as CSV, a Ray Tune or W&B run folder)")]
    except OSError as exc:
        return [_unknown(path, f"cannot read: {exc.strerror or exc}")]


def _unknown(path: str, message: str) -> ResultSet:
    return ResultSet(path, "unknown", problems=[ReadProblem(path, NOWHERE, message)])
