"""A Ray Tune experiment folder, as Ray's default loggers write it.

Layout (Ray Tune's JSON/CSV logger callbacks and experiment checkpoint): the folder holds
`experiment_state-<time>.json` and one folder per trial with `params.json` (the trial's config,
possibly nested), `result.json` (one JSON object per reported result, with `training_iteration`)
and `progress.csv` (the same results as a table); a trial that raised has an `error.txt`. The
metric and its mode are not stored in these files, so they come from the space config's objective.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from sweeplint.model import NOWHERE, Span
from sweeplint.source import UnreadableFile, read_text
from sweeplint.results.model import MAX_FILE_BYTES, MAX_TRIALS, ReadProblem, ResultSet, State, Trial, finite, thin

MAX_LINES = 100_000


def is_experiment(folder: Path) -> bool:
    return any(folder.glob("experiment_state-*.json")) or any(_trial_folders(folder))


def _trial_folders(folder: Path):
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child / "params.json").is_file():
            yield child


def flatten(config: dict, prefix: str = "") -> dict:
    """Nested configs as the dotted names parameters use."""
    out = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def read(folder: Path, metric: str | None, goal: str | None) -> list[ResultSet]:
    result = ResultSet(str(folder), "ray", name=folder.name, goal=goal, metric=metric)
    if metric is None:
        result.problems.append(ReadProblem(str(folder), NOWHERE, "Ray Tune does not store the metric in the experiment "
                                           "folder; give --space CONFIG whose objective names it"))
        return [result]
    for index, trial_dir in enumerate(_trial_folders(folder)):
        if index >= MAX_TRIALS:
            result.problems.append(ReadProblem(str(folder), NOWHERE, f"more than {MAX_TRIALS} trials; only the first are judged"))
            break
        trial = _trial(trial_dir, metric, result.problems)
        if trial is not None:
            result.trials.append(trial)
    return [result]


def _trial(folder: Path, metric: str, problems: list[ReadProblem]) -> Trial | None:
    params_path = folder / "params.json"
    try:
        params = json.loads(read_text(str(params_path)))  # a regular file, within the size cap
        if not isinstance(params, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError, RecursionError) as exc:
        problems.append(ReadProblem(str(params_path), NOWHERE, f"cannot read the trial's parameters: {exc}"))
        return None
    except UnreadableFile as exc:
        problems.append(ReadProblem(str(params_path), exc.span, f"cannot read the trial's parameters: {exc.message}"))
        return None
    ids: list[str] = []
    history, value = _results(folder, metric, problems, ids)
    failed = (folder / "error.txt").exists()
    state = State.FAILED if failed or value is None else State.COMPLETE
    return Trial(ids[0] if ids else folder.name, flatten(params), value, state, thin(history), str(folder))


def _results(folder: Path, metric: str, problems: list[ReadProblem], ids: list[str]) -> tuple[list, float | None]:
    """Each reported value of the metric by training iteration, from result.json or else progress.csv.
    The trial's value is its last report, which is what Ray ranks by with its default scope."""
    history: list[tuple[int, float]] = []
    path = folder / "result.json"
    if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number > MAX_LINES or not raw.strip():
                    continue
                try:
                    row = json.loads(raw)
                except (ValueError, RecursionError):
                    problems.append(ReadProblem(str(path), Span.point(number, 1), f"line {number} is not valid JSON; skipped"))
                    continue
                _take(row, metric, history)
                if not ids and isinstance(row, dict) and isinstance(row.get("trial_id"), str):
                    ids.append(row["trial_id"])   # Ray's own name for the trial
    elif (folder / "progress.csv").is_file():
        path = folder / "progress.csv"
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                for number, row in enumerate(csv.DictReader(handle)):
                    if number < MAX_LINES:
                        _take(row, metric, history)
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            problems.append(ReadProblem(str(path), NOWHERE, f"cannot read progress.csv: {exc}"))
    if not history:
        return [], None
    return history, history[-1][1]


def _take(row, metric: str, history: list) -> None:
    if not isinstance(row, dict) or metric not in row:
        return
    value = finite(row[metric])
    step = finite(row.get("training_iteration"))
    history.append((int(step) if step is not None and math.isfinite(step) else len(history) + 1,
                    math.nan if value is None else value))
