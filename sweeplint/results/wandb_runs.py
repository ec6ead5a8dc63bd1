"""W&B results without a server: local run folders and a runs table exported as CSV.

Run folders (what the W&B client writes offline or online): `wandb/run-<time>-<id>/files/` holds
`config.yaml` (each key as `{desc: ..., value: ...}`, plus W&B's own `_wandb` key) and
`wandb-summary.json` (the last logged value of each metric, or the summary the run defined). The
per-step history is kept in a binary `.wandb` file and is not read. A run whose summary lacks the
metric counts as failed. The CSV export of the runs table has `Name`, `State` and `ID` columns, then
one column per config key and summary metric.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from sweeplint.model import NOWHERE, Span
from sweeplint.source import UnreadableFile, read_text
from sweeplint.yamldoc import YAMLReadError, compose, to_python
from sweeplint.results.model import MAX_FILE_BYTES, MAX_TRIALS, ReadProblem, ResultSet, State, Trial, finite
from sweeplint.results.ray_tune import flatten

_CSV_STATES = {"finished": State.COMPLETE, "crashed": State.FAILED, "failed": State.FAILED,
               "killed": State.PRUNED, "running": State.RUNNING, "preempted": State.FAILED}


def run_folders(folder: Path) -> list[Path]:
    base = folder / "wandb" if (folder / "wandb").is_dir() else folder
    return sorted(p for p in base.glob("*run-*") if (p / "files").is_dir())


def read_folders(folder: Path, metric: str | None, goal: str | None) -> list[ResultSet]:
    result = ResultSet(str(folder), "wandb-runs", name=folder.name, goal=goal, metric=metric)
    if metric is None:
        result.problems.append(ReadProblem(str(folder), NOWHERE, "W&B run folders do not say which metric the sweep "
                                           "optimised; give --space CONFIG whose metric names it"))
        return [result]
    for index, run in enumerate(run_folders(folder)):
        if index >= MAX_TRIALS:
            result.problems.append(ReadProblem(str(folder), NOWHERE, f"more than {MAX_TRIALS} runs; only the first are judged"))
            break
        config_path, summary_path = run / "files" / "config.yaml", run / "files" / "wandb-summary.json"
        try:
            # Read as sweep configs are: a regular file, a size cap, a node budget for aliases.
            document = compose(read_text(str(config_path)))
            config = (to_python(document.roots[0]) if document.roots else None) or {}
            if not isinstance(config, dict):
                raise ValueError("not a mapping")
        except (OSError, ValueError) as exc:
            result.problems.append(ReadProblem(str(config_path), NOWHERE, f"cannot read the run's config: {exc}"))
            continue
        except (UnreadableFile, YAMLReadError) as exc:
            result.problems.append(ReadProblem(str(config_path), exc.span, f"cannot read the run's config: {exc.message}"))
            continue
        params = {str(k): (v.get("value") if isinstance(v, dict) and "value" in v else v)
                  for k, v in config.items() if not str(k).startswith("_")}
        summary = {}
        if summary_path.is_file():
            try:
                summary = json.loads(read_text(str(summary_path)))
            except (OSError, ValueError, RecursionError) as exc:
                result.problems.append(ReadProblem(str(summary_path), NOWHERE, f"cannot read the run's summary: {exc}"))
            except UnreadableFile as exc:
                result.problems.append(ReadProblem(str(summary_path), exc.span, f"cannot read the run's summary: {exc.message}"))
        value = finite(summary.get(metric)) if isinstance(summary, dict) else None
        if value is None and isinstance(summary, dict) and summary.get(metric) in ("NaN", "nan", "Infinity", "-Infinity"):
            value = math.nan
        state = State.FAILED if value is None else State.COMPLETE
        label = run.name.rsplit("-", 1)[-1]
        result.trials.append(Trial(label, flatten(params), value, state, (), str(run)))
    return [result]


def read_csv(path: Path, metric: str | None, goal: str | None, names: tuple[str, ...]) -> list[ResultSet]:
    """`names` are the searched parameters (from the space config): the columns to read as parameters."""
    result = ResultSet(str(path), "wandb-csv", name=path.stem, goal=goal, metric=metric)
    if metric is None:
        result.problems.append(ReadProblem(str(path), NOWHERE, "a runs table does not say which metric the sweep "
                                           "optimised; give --space CONFIG whose metric names it"))
        return [result]
    if path.stat().st_size > MAX_FILE_BYTES:
        result.problems.append(ReadProblem(str(path), NOWHERE, "the table is too large to read"))
        return [result]
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            if metric not in header:
                result.problems.append(ReadProblem(str(path), Span.point(1, 1), f"the table has no column {metric!r} "
                                                   f"(the space config's metric)"))
                return [result]
            for row in reader:
                if len(result.trials) >= MAX_TRIALS:
                    result.problems.append(ReadProblem(str(path), NOWHERE, f"more than {MAX_TRIALS} runs; only the first are judged"))
                    break
                line = reader.line_num
                params = {n: _cell(row.get(n)) for n in names if row.get(n) not in (None, "")}
                raw = (row.get(metric) or "").strip()
                value = finite(raw) if raw else None
                state = _CSV_STATES.get((row.get("State") or "finished").strip().lower(), State.COMPLETE)
                if state == State.COMPLETE and value is None:
                    state = State.FAILED
                label = (row.get("Name") or row.get("ID") or f"row {line}").strip()
                result.trials.append(Trial(label, params, value, state, (), f"{path}:{line}"))
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        result.problems.append(ReadProblem(str(path), NOWHERE, f"cannot read the runs table: {exc}"))
    return [result]


def _cell(text: str | None):
    number = finite(text)
    if number is not None:
        return int(number) if number.is_integer() and "." not in str(text) and "e" not in str(text).lower() else number
    return text
