"""Optuna's relational storage in an SQLite file, read-only with the standard library.

Tables (Optuna's RDB schema): studies(study_id, study_name), study_directions(study_id, direction,
objective), trials(trial_id, number, study_id, state), trial_params(trial_id, param_name,
param_value, distribution_json), trial_values(trial_id, objective, value, value_type),
trial_intermediate_values(trial_id, step, intermediate_value, intermediate_value_type).
The file is opened with `mode=ro`, so reading can never change or lock a running study.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

from sweeplint.model import NOWHERE
from sweeplint.results.model import MAX_TRIALS, ReadProblem, ResultSet, Trial, thin
from sweeplint.results.optuna_common import STATES, external, parameter

SQLITE_MAGIC = b"SQLite format 3\x00"
_INFINITE = {"INF_POS": math.inf, "INF_NEG": -math.inf}


def is_optuna_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def read(path: Path) -> list[ResultSet]:
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return [_broken(path, f"cannot open the SQLite file: {exc}")]
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        needed = {"studies", "trials", "trial_params", "trial_values"}
        if not needed <= tables:
            missing = ", ".join(sorted(needed - tables))
            return [_broken(path, f"not an Optuna storage: the SQLite file lacks the table(s) {missing}")]
        return [_study(connection, path, study_id, name, "trial_intermediate_values" in tables)
                for study_id, name in connection.execute("SELECT study_id, study_name FROM studies ORDER BY study_id")]
    except sqlite3.Error as exc:
        return [_broken(path, f"cannot read the Optuna storage: {exc}")]
    finally:
        connection.close()


def _broken(path: Path, message: str) -> ResultSet:
    return ResultSet(str(path), "optuna-sqlite", problems=[ReadProblem(str(path), NOWHERE, message)])


def _study(db: sqlite3.Connection, path: Path, study_id: int, name: str, has_steps: bool) -> ResultSet:
    result = ResultSet(str(path), "optuna-sqlite", name=str(name))
    directions = db.execute("SELECT direction FROM study_directions WHERE study_id=? ORDER BY objective", (study_id,)).fetchall()
    if directions:
        result.goal = "maximize" if str(directions[0][0]).upper().endswith("MAXIMIZE") else "minimize"
        if len(directions) > 1:
            result.problems.append(ReadProblem(str(path), NOWHERE, f"study {name!r} has {len(directions)} objectives; "
                                               "only the first is judged"))
    rows = db.execute("SELECT trial_id, number, state FROM trials WHERE study_id=? ORDER BY number LIMIT ?",
                      (study_id, MAX_TRIALS + 1)).fetchall()
    if len(rows) > MAX_TRIALS:
        rows = rows[:MAX_TRIALS]
        result.problems.append(ReadProblem(str(path), NOWHERE, f"study {name!r} has more than {MAX_TRIALS} trials; "
                                           "only the first are judged"))
    ids = {trial_id: (number, state) for trial_id, number, state in rows}
    params: dict[int, dict] = {i: {} for i in ids}
    searched = {}
    parsed = {}  # distribution_json text -> Parameter, since every trial repeats it
    query = ("SELECT p.trial_id, p.param_name, p.param_value, p.distribution_json FROM trial_params p "
             "JOIN trials t ON t.trial_id = p.trial_id WHERE t.study_id=?")
    for trial_id, pname, internal, dist in db.execute(query, (study_id,)):
        if trial_id not in params:
            continue
        key = (pname, dist)
        if key not in parsed:
            parsed[key] = parameter(str(pname), dist)
            if parsed[key] is None:
                result.problems.append(ReadProblem(str(path), NOWHERE, f"trial_params: parameter {pname!r} has a "
                                                   f"distribution that cannot be read: {str(dist)[:80]!r}"))
        found = parsed[key]
        if found is not None:
            searched.setdefault(pname, found)
        params[trial_id][pname] = external(found, internal)
    values: dict[int, float | None] = {}
    query = ("SELECT v.trial_id, v.value, v.value_type FROM trial_values v JOIN trials t ON t.trial_id = v.trial_id "
             "WHERE t.study_id=? AND v.objective=0")
    for trial_id, value, kind in db.execute(query, (study_id,)):
        values[trial_id] = _INFINITE.get(str(kind), value if isinstance(value, (int, float)) else math.nan)
    steps: dict[int, list] = {}
    if has_steps:
        query = ("SELECT i.trial_id, i.step, i.intermediate_value, i.intermediate_value_type FROM trial_intermediate_values i "
                 "JOIN trials t ON t.trial_id = i.trial_id WHERE t.study_id=?")
        for trial_id, step, value, kind in db.execute(query, (study_id,)):
            if isinstance(step, int):
                number = _INFINITE.get(str(kind), value if isinstance(value, (int, float)) else math.nan)
                steps.setdefault(trial_id, []).append((step, float(number)))
    for trial_id, (number, state) in ids.items():
        result.trials.append(Trial(f"#{number}", params[trial_id], values.get(trial_id), STATES.get(state, "running"),
                                   thin(steps.get(trial_id, [])), str(path)))
    result.parameters = tuple(searched.values())
    return result
