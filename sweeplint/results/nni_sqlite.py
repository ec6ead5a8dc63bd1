"""NNI's experiment database (`<experiment dir>/db/nni.sqlite`), read-only with the standard library.

Tables, as NNI's manager creates them:
- ExperimentProfile(params, id, execDuration, startTime, endTime, logDir, nextSequenceId, revision):
  one row per saved revision; `params` is the experiment config as JSON, with `searchSpace` (an
  object, or JSON text in old versions) and the tuner's `classArgs.optimize_mode`;
- TrialJobEvent(timestamp, trialJobId, event, data, logPath, sequenceId, message[, environmentId]):
  one row per status change; the submitting row's `data` (WAITING or, in NNI 3, RUNNING) holds the
  trial's parameters as JSON text (`{"parameter_id": .., "parameters": {...}}`), the last row is
  the trial's state (SUCCEEDED, FAILED, USER_CANCELED, SYS_CANCELED, EARLY_STOPPED);
- MetricData(timestamp, trialJobId, parameterId, type, sequence, data): `type` is FINAL or
  PERIODICAL (intermediate results, in `sequence` order), `data` is JSON text holding the JSON text
  the trial reported: a number, or an object whose `default` key is the objective.
The file is opened with `mode=ro`, so reading cannot change or lock a running experiment.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

from sweeplint.model import NOWHERE
from sweeplint.results.model import MAX_TRIALS, ReadProblem, ResultSet, State, Trial, finite, thin
from sweeplint.results.ray_tune import flatten

MAX_ROWS = 2_000_000      # metric rows read at most (a trial reporting every step of a long run adds up)
MAX_TEXT = 1024 * 1024    # one JSON cell larger than this is not parsed

_STATES = {"SUCCEEDED": State.COMPLETE, "FAILED": State.FAILED, "SYS_CANCELED": State.FAILED,
           "USER_CANCELED": State.PRUNED, "EARLY_STOPPED": State.PRUNED}
NNI_TABLES = {"ExperimentProfile", "TrialJobEvent", "MetricData"}


def is_nni_sqlite(path: Path) -> bool:
    """An SQLite file with NNI's tables (the caller checked the SQLite header)."""
    try:
        connection = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return NNI_TABLES <= tables


def read(path: Path) -> list[ResultSet]:
    try:
        connection = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [ResultSet(str(path), "nni-sqlite", problems=[ReadProblem(str(path), NOWHERE, f"cannot open the SQLite file: {exc}")])]
    try:
        return _read(path, connection)
    except sqlite3.Error as exc:
        return [ResultSet(str(path), "nni-sqlite", problems=[ReadProblem(str(path), NOWHERE, f"cannot read the NNI database: {exc}")])]
    finally:
        connection.close()


def _read(path: Path, connection: sqlite3.Connection) -> list[ResultSet]:
    result = ResultSet(str(path), "nni-sqlite", goal="maximize")
    profile = connection.execute("SELECT params, id FROM ExperimentProfile ORDER BY revision DESC LIMIT 1").fetchone()
    config = _json(profile[0]) if profile else None
    if isinstance(config, dict):
        result.name = str(config.get("experimentName") or profile[1] or path.parent.parent.name)
        result.goal = _goal(config)
        result.parameters = _space(path, config.get("searchSpace"), result.problems)
    else:
        result.problems.append(ReadProblem(str(path), NOWHERE, "ExperimentProfile has no readable experiment config; "
                                           "the search space and the goal (maximize assumed) are unknown"))
    params: dict[str, dict] = {}
    states: dict[str, str] = {}
    order: list[str] = []
    rows = connection.execute("SELECT trialJobId, event, data FROM TrialJobEvent ORDER BY timestamp, rowid LIMIT ?",
                              (MAX_ROWS,))
    for trial_id, event, data in rows:
        if not trial_id:
            continue   # experiment-wide events (imported data, customised trials) belong to no trial
        if trial_id not in states:
            if len(order) >= MAX_TRIALS:
                continue
            order.append(trial_id)
        states[trial_id] = _STATES.get(str(event), State.RUNNING)
        form = _json(data) if data else None
        if isinstance(form, dict) and isinstance(form.get("parameters"), dict):
            try:
                params[trial_id] = flatten(_named(form["parameters"]))
            except RecursionError:   # nested deeper than any search space: not parameters
                result.problems.append(ReadProblem(str(path), NOWHERE, f"trial {trial_id}: parameters nested too "
                                                   "deeply to read; skipped"))
    if len(order) >= MAX_TRIALS:
        result.problems.append(ReadProblem(str(path), NOWHERE, f"more than {MAX_TRIALS} trials; only the first are judged"))
    finals: dict[str, float] = {}
    steps: dict[str, list] = {}
    rows = connection.execute("SELECT trialJobId, type, sequence, data FROM MetricData ORDER BY timestamp, rowid LIMIT ?",
                              (MAX_ROWS,))
    for trial_id, kind, sequence, data in rows:
        if trial_id not in states:
            continue
        value = _metric(data)
        if kind == "FINAL":
            finals.setdefault(trial_id, value)   # a trial that reports twice is ranked by its first
        elif kind == "PERIODICAL":
            found = steps.setdefault(trial_id, [])
            found.append((int(sequence) if isinstance(sequence, int) else len(found), value))
    for trial_id in order:
        state, value = states[trial_id], finals.get(trial_id)
        if state == State.COMPLETE and value is None and trial_id not in finals:
            state = State.FAILED   # succeeded without reporting a final result: nothing to rank
        result.trials.append(Trial(trial_id, params.get(trial_id, {}), value, state, thin(steps.get(trial_id, [])),
                                   str(path)))
    return [result]


def _json(text):
    if not isinstance(text, (str, bytes)) or len(text) > MAX_TEXT:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _metric(data) -> float:
    """The objective in one MetricData cell: JSON text of the JSON text the trial reported. Anything
    that is not a number (NaN included) is NaN, so the trial counts as diverged."""
    value = _json(data)
    if isinstance(value, str):
        value = _json(value) if value.strip() not in ("NaN", "Infinity", "-Infinity") else finite(value)
    if isinstance(value, dict):
        value = value.get("default")
    number = finite(value)
    return math.nan if number is None else number


def _goal(config: dict) -> str:
    """NNI's tuners maximize unless the tuner's `optimize_mode` says minimize."""
    for key in ("tuner", "advisor"):
        section = config.get(key)
        if isinstance(section, dict):
            args = section.get("classArgs")
            if isinstance(args, dict) and str(args.get("optimize_mode", "")).lower() == "minimize":
                return "minimize"
    return "maximize"


def _named(parameters: dict) -> dict:
    """A nested choice's pick is `{"_name": option, ...}`; `_name` is the choice's value."""
    out = {}
    for key, value in parameters.items():
        if isinstance(value, dict) and "_name" in value:
            out[key] = value["_name"]
            out.update({f"{key}.{k}": v for k, v in value.items() if k != "_name"})
        else:
            out[key] = value
    return out


def _space(path: Path, space, problems: list[ReadProblem]):
    """The stored search space in the common model, read by the NNI search-space reader."""
    if isinstance(space, str):
        space = _json(space)
    if not isinstance(space, dict) or not space:
        problems.append(ReadProblem(str(path), NOWHERE, "the experiment config stores no search space; give --space "
                                    "CONFIG for the bounds and scales"))
        return ()
    from sweeplint.read import read_config

    # Read as a search_space.json file would be; spans point into this text, so findings use the storage.
    file = read_config(f"{path}#searchSpace.json", json.dumps(space, indent=1), explicit=True)
    if not file.studies:
        problems.append(ReadProblem(str(path), NOWHERE, "the stored search space is not one sweeplint reads"))
        return ()
    return tuple(p for p in file.studies[0].varied)
