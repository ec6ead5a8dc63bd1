"""Optuna's journal storage: one JSON object per line, each an operation replayed in order.

Operations by `op_code` (Optuna's JournalOperation): 0 create study {study_name, directions},
1 delete study, 4 create trial {study_id, optionally state, value(s), params, distributions,
intermediate_values}, 5 set parameter {trial_id, param_name, param_value_internal, distribution},
6 set state and values {trial_id, state, values}, 7 intermediate value {trial_id, step,
intermediate_value}. Trial ids count the trials created in every live study, in log order.
A line that is not valid JSON is reported with its line number and skipped.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from sweeplint.model import Span
from sweeplint.results.model import MAX_FILE_BYTES, MAX_TRIALS, ReadProblem, ResultSet, Trial, finite, thin
from sweeplint.results.optuna_common import STATES, external, parameter

MAX_PROBLEMS = 20


def looks_like_journal(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).lstrip()
    except OSError:
        return False
    return head.startswith(b"{") and b'"op_code"' in head


class _Study:
    def __init__(self, name: str, directions: list):
        self.name, self.directions = name, directions
        self.trials: list[dict] = []
        self.searched: dict = {}


def read(path: Path) -> list[ResultSet]:
    problems: list[ReadProblem] = []
    if path.stat().st_size > MAX_FILE_BYTES:
        return [ResultSet(str(path), "optuna-journal", problems=[ReadProblem(str(path), Span.point(1, 1),
                f"the journal is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not read")])]
    studies: dict[int, _Study] = {}
    trials: dict[int, tuple[_Study, dict]] = {}
    created = [0]   # study ids count every study ever created, deleted ones too, as Optuna's replay does
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                log = json.loads(raw)
                _apply(log, studies, trials, created)
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                if len(problems) < MAX_PROBLEMS:
                    what = "not valid JSON" if isinstance(exc, ValueError) else f"not a journal operation ({type(exc).__name__}: {exc})"
                    problems.append(ReadProblem(str(path), Span.point(number, 1), f"line {number} is {what}; skipped"))
    results = []
    for study in studies.values():
        result = ResultSet(str(path), "optuna-journal", name=study.name, problems=problems)
        if study.directions:
            result.goal = "maximize" if study.directions[0] == 2 else "minimize"
        result.parameters = tuple(study.searched.values())
        for data in study.trials[:MAX_TRIALS]:
            result.trials.append(Trial(f"#{data['number']}", data["params"], data["value"], data["state"],
                                       thin(data["steps"]), str(path)))
        results.append(result)
    if not results:
        results.append(ResultSet(str(path), "optuna-journal", problems=problems or
                                 [ReadProblem(str(path), Span.point(1, 1), "the journal holds no study")]))
    return results


def _apply(log: dict, studies: dict[int, _Study], trials: dict[int, tuple[_Study, dict]], created: list[int]) -> None:
    op = log["op_code"]
    if op == 0:
        studies[created[0]] = _Study(str(log["study_name"]), list(log["directions"]))
        created[0] += 1
    elif op == 1:
        studies.pop(log["study_id"], None)
    elif op == 4:
        study = studies.get(log["study_id"])
        if study is None:
            return
        data = {"number": len(study.trials), "params": {}, "value": None, "steps": [],
                "state": STATES.get(log.get("state", 0), "running")}
        for name, dist in (log.get("distributions") or {}).items():
            study.searched.setdefault(name, parameter(name, dist))
        for name, internal in (log.get("params") or {}).items():
            data["params"][name] = external(study.searched.get(name), internal)
        values = log.get("values") or ([log["value"]] if log.get("value") is not None else [])
        data["value"] = _number(values[0]) if values else None
        data["steps"] = [(int(k), _number(v)) for k, v in (log.get("intermediate_values") or {}).items()]
        trials[len(trials)] = (study, data)
        study.trials.append(data)
    elif op in (5, 6, 7):
        found = trials.get(log["trial_id"])
        if found is None:
            return
        study, data = found
        if op == 5:
            name = str(log["param_name"])
            param = study.searched.get(name) or parameter(name, log["distribution"])
            if param is not None:
                study.searched.setdefault(name, param)
            data["params"][name] = external(param, log["param_value_internal"])
        elif op == 6:
            data["state"] = STATES.get(log["state"], "running")
            if log.get("values"):
                data["value"] = _number(log["values"][0])
        elif len(data["steps"]) < 10 * 10_000:
            data["steps"].append((int(log["step"]), _number(log["intermediate_value"])))


def _number(value) -> float:
    number = finite(value)
    return math.nan if number is None else number
