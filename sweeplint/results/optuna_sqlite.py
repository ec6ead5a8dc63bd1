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
        studies = connection.execute("SELECT study_id, study_name FROM studies ORDER BY study_id").fetchall()
        return [_study(connection, path, study_id, name, "trial_intermediate_values" in tables, alone=len(studies) == 1)
                for study_id, name in studies]
    except sqlite3.Error as exc:
        return [_broken(path, f"cannot read the Optuna storage: {exc}")]
    finally:
        connection.close()


def _broken(path: Path, message: str) -> ResultSet:
    return ResultSet(str(path), "optuna-sqlite", problems=[ReadProblem(str(path), NOWHERE, message)])


def _study(db: sqlite3.Connection, path: Path, study_id: int, name: str, has_steps: bool, alone: bool) -> ResultSet:
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
    # rows of other studies are dropped by trial id below; with one study, no join is needed
    # (a join makes reading a 10,000-trial study several times slower)
    mine = "" if alone else " WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id=?)"
    arguments = () if alone else (study_id,)
    query = "SELECT trial_id, param_name, param_value, distribution_json FROM trial_params" + mine
    for trial_id, pname, internal, dist in db.execute(query, arguments):
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
    query = "SELECT trial_id, value, value_type, objective FROM trial_values" + mine
    for trial_id, value, kind, objective in db.execute(query, arguments):
        if objective != 0:
            continue
        values[trial_id] = _INFINITE.get(str(kind), value if isinstance(value, (int, float)) else math.nan)
    steps: dict[int, list] = {}
    if has_steps:
        query = "SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values" + mine
        for trial_id, step, value, kind in db.execute(query, arguments):
            if not isinstance(step, int):
                continue
            if kind != "FINITE" or not isinstance(value, float):   # the common case stays cheap
                value = _INFINITE.get(str(kind), float(value) if isinstance(value, (int, float)) else math.nan)
            found = steps.get(trial_id)
            if found is None:
                if trial_id not in ids:
                    continue
                found = steps[trial_id] = []
            found.append((step, value))
    for trial_id, (number, state) in ids.items():
        result.trials.append(Trial(f"#{number}", params[trial_id], values.get(trial_id), STATES.get(state, "running"),
                                   thin(steps.get(trial_id, [])), str(path)))
    result.parameters = tuple(searched.values())
    return result
