"""W&B results without a server: local run folders and a runs table exported as CSV.

Run folders (`wandb/run-<time>-<id>/` online, `wandb/offline-run-<time>-<id>/` offline): an online
run's `files/` holds `config.yaml` (each key as `{desc: ..., value: ...}`, plus W&B's own `_wandb`
key) and `wandb-summary.json` (the last logged value of each metric, or the summary the run
defined). Every run also keeps a binary log, `run-<id>.wandb`, with the config, the per-step history
and the summary (sweeplint.results.wandb_binary reads it); an offline run keeps them only there. A
run whose summary lacks the metric, or that exited with a non-zero code, counts as failed. The CSV export of the runs table has `Name`, `State` and `ID` columns, then
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
from sweeplint.results.model import MAX_FILE_BYTES, MAX_TRIALS, ReadProblem, ResultSet, State, Trial, finite, thin
from sweeplint.results.ray_tune import flatten

_CSV_STATES = {"finished": State.COMPLETE, "crashed": State.FAILED, "failed": State.FAILED,
               "killed": State.PRUNED, "running": State.RUNNING, "preempted": State.FAILED}


def run_folders(folder: Path) -> list[Path]:
    base = folder / "wandb" if (folder / "wandb").is_dir() else folder
    return sorted(p for p in base.glob("*run-*")
                  if not p.is_symlink() and ((p / "files").is_dir() or any(p.glob("run-*.wandb"))))


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
        trial = _run(run, metric, result.problems)
        if trial is not None:
            result.trials.append(trial)
    return [result]


def _run(run: Path, metric: str, problems: list[ReadProblem]) -> Trial | None:
    """One run folder: config and summary from files/ when the client wrote them there (online
    runs), else from the binary log; the per-step history from the binary log when there is one."""
    config_path, summary_path = run / "files" / "config.yaml", run / "files" / "wandb-summary.json"
    logs = sorted(run.glob("run-*.wandb"))
    log = None
    if logs:
        from sweeplint.results.wandb_binary import Broken, read_run_log

        try:
            log = read_run_log(logs[-1], {metric})
        except (OSError, Broken) as exc:
            problems.append(ReadProblem(str(logs[-1]), NOWHERE, f"cannot read the run's log: {exc}"))
        if log is not None and not log.complete:
            problems.append(ReadProblem(str(logs[-1]), NOWHERE, "the run's log is cut short or damaged; "
                                        "what came before the damage is judged"))
    if log is None and logs and not config_path.is_file():
        return None   # its one source of config and values is unreadable (reported above)
    if config_path.is_file() or log is None:
        config = _config(config_path, problems)
        if config is None:
            return None
    else:
        config = log.config
    params = {str(k): (v.get("value") if isinstance(v, dict) and "value" in v else v)
              for k, v in config.items() if not str(k).startswith("_")}
    summary = log.summary if log is not None else {}
    if summary_path.is_file():
        try:
            summary = json.loads(read_text(str(summary_path)))
        except (OSError, ValueError, RecursionError) as exc:
            problems.append(ReadProblem(str(summary_path), NOWHERE, f"cannot read the run's summary: {exc}"))
        except UnreadableFile as exc:
            problems.append(ReadProblem(str(summary_path), exc.span, f"cannot read the run's summary: {exc.message}"))
    value = finite(summary.get(metric)) if isinstance(summary, dict) else None
    if value is None and isinstance(summary, dict) and summary.get(metric) in ("NaN", "nan", "Infinity", "-Infinity"):
        value = math.nan
    crashed = log is not None and log.exit_code not in (None, 0)
    state = State.FAILED if value is None or crashed else State.COMPLETE
    label = (log.run_id if log is not None and log.run_id else run.name.rsplit("-", 1)[-1])
    history = thin(list(log.history.get(metric, []))) if log is not None else ()
    return Trial(label, flatten(params), value, state, history, str(run))


def _config(path: Path, problems: list[ReadProblem]) -> dict | None:
    try:
        # Read as sweep configs are: a regular file, a size cap, a node budget for aliases.
        document = compose(read_text(str(path)))
        config = (to_python(document.roots[0]) if document.roots else None) or {}
        if not isinstance(config, dict):
            raise ValueError("not a mapping")
    except (OSError, ValueError) as exc:
        problems.append(ReadProblem(str(path), NOWHERE, f"cannot read the run's config: {exc}"))
        return None
    except (UnreadableFile, YAMLReadError) as exc:
        problems.append(ReadProblem(str(path), exc.span, f"cannot read the run's config: {exc.message}"))
        return None
    return config


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
