"""`sweeplint results` on NNI experiment databases (`db/nni.sqlite`).

The databases are written here with the tables NNI 3.0's manager creates and the rows it stores
(checked against a database a real NNI 3.0 experiment wrote): one
ExperimentProfile row per revision (the experiment config as JSON, with the search space and the
tuner's optimize_mode), TrialJobEvent rows per status change (the submitting row carries the
trial's parameters as JSON text), MetricData rows whose `data` is JSON text of the JSON text a trial
reported (a number, or an object with `default`). Running NNI itself takes a Node.js manager and
minutes per experiment, so the tests write its database instead."""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3

from conftest import run_cli

NNI_SCHEMA = """
create table TrialJobEvent (timestamp integer, trialJobId text, event text, data text, logPath text, sequenceId integer,
    message text, environmentId text);
create index TrialJobEvent_trialJobId on TrialJobEvent(trialJobId);
create table MetricData (timestamp integer, trialJobId text, parameterId text, type text, sequence integer, data text);
create index MetricData_trialJobId on MetricData(trialJobId);
create table ExperimentProfile (params text, id text, execDuration integer, startTime integer, endTime integer,
    logDir text, nextSequenceId integer, revision integer);
"""

SEARCH_SPACE = {
    "lr": {"_type": "loguniform", "_value": [1e-5, 1e-1]},
    "dropout": {"_type": "uniform", "_value": [0.0, 0.5]},
    "optimizer": {"_type": "choice", "_value": ["sgd", "adam"]},
}


def write_experiment(path, trials, optimize_mode="minimize", space=SEARCH_SPACE, steps=0):
    """trials: (parameters, final value or None for a failed trial, curve function or None)."""
    db = sqlite3.connect(path)
    db.executescript(NNI_SCHEMA)
    config = {"experimentName": "mnist-lr", "searchSpace": space, "trialConcurrency": 2, "maxTrialNumber": len(trials),
              "trialCommand": "python3 train.py", "tuner": {"name": "TPE", "classArgs": {"optimize_mode": optimize_mode}},
              "trainingService": {"platform": "local"}}
    for revision in (1, 2):   # the manager saves the profile again and again; the latest counts
        db.execute("insert into ExperimentProfile values (?,?,?,?,?,?,?,?)",
                   (json.dumps(config), "exp1abcd", 10 * revision, 1000, None, "/tmp/nni/exp1abcd", len(trials), revision))
    def event(timestamp, trial_id, name, data, sequence):
        log = f"/tmp/nni/exp1abcd/environments/local-env/trials/{trial_id}" if trial_id else None
        db.execute("insert into TrialJobEvent values (?,?,?,?,?,?,?,?)",
                   (timestamp, trial_id, name, data, log, sequence, None, "local-env" if trial_id else None))

    clock = 1000
    for sequence, (params, final, curve) in enumerate(trials):
        trial_id = f"T{sequence:04d}"
        form = json.dumps({"parameter_id": sequence, "parameter_source": "algorithm", "parameters": params,
                           "parameter_index": 0})
        clock += 1
        event(clock, trial_id, "RUNNING", form, sequence)
        for step in range(steps if curve else 0):
            db.execute("insert into MetricData values (?,?,?,?,?,?)",
                       (clock + 2, trial_id, str(sequence), "PERIODICAL", step, json.dumps(json.dumps(curve(step)))))
        if final is None:
            event(clock + 3, trial_id, "FAILED", None, sequence)
            continue
        reported = json.dumps({"default": final, "accuracy": 0.5}) if sequence % 2 else json.dumps(final)
        db.execute("insert into MetricData values (?,?,?,?,?,?)",
                   (clock + 3, trial_id, str(sequence), "FINAL", 0, json.dumps(reported)))
        event(clock + 4, trial_id, "SUCCEEDED", None, sequence)
    event(clock + 9, "", "IMPORT_DATA", "[]", None)
    db.commit()
    db.close()


def _loss(lr, dropout):
    return (math.log10(lr) + 3) ** 2 + (dropout - 0.25) ** 2


def _trials(n=30, seed=4, fail_above=None, best_at_top=False):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lr = 10 ** rng.uniform(-5, -1)
        dropout = rng.uniform(0.0, 0.5)
        params = {"lr": lr, "dropout": dropout, "optimizer": rng.choice(["sgd", "adam"])}
        value = -math.log10(lr) if best_at_top else _loss(lr, dropout)
        out.append((params, None if fail_above and lr > fail_above else value, None))
    return out


def _results(*args, cwd):
    proc = run_cli("results", *map(str, args), "--output-format", "json", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


def test_best_trials_at_the_upper_edge_of_the_stored_search_space(tmp_path):
    (tmp_path / "db").mkdir()
    write_experiment(tmp_path / "db" / "nni.sqlite", _trials(n=60, best_at_top=True))
    code, found = _results("db/nni.sqlite", cwd=tmp_path)
    assert code == 1
    edge = [d for d in found if d["code"] == "SL501"]
    assert len(edge) == 1 and edge[0]["path"] == "db/nni.sqlite"
    assert "upper edge of lr's range" in edge[0]["message"] and "log scale" in edge[0]["help"]
    assert "T00" in edge[0]["help"]    # the trials that show it, by NNI's trial job id


def test_a_healthy_experiment_is_silent(tmp_path):
    write_experiment(tmp_path / "nni.sqlite", _trials(n=80))
    assert _results("nni.sqlite", cwd=tmp_path) == (0, [])


def test_failed_trials_cluster_above_a_learning_rate(tmp_path):
    write_experiment(tmp_path / "nni.sqlite", _trials(n=40, fail_above=3e-3))
    code, found = _results("nni.sqlite", cwd=tmp_path)
    cluster = [d for d in found if d["code"] == "SL502"]
    assert code == 1 and len(cluster) == 1
    assert re.search(r"clustered where lr ≥ 0\.00[0-9]+", cluster[0]["message"]), cluster[0]["message"]


def test_the_tuners_optimize_mode_sets_the_goal(tmp_path):
    # maximize (NNI's default) turns the same values upside down: the best are now at the lower edge
    write_experiment(tmp_path / "nni.sqlite", _trials(n=60, best_at_top=True), optimize_mode="maximize")
    code, found = _results("nni.sqlite", cwd=tmp_path)
    edge = [d for d in found if d["code"] == "SL501"]
    assert code == 1 and len(edge) == 1 and "lower edge of lr's range" in edge[0]["message"]


def test_intermediate_results_are_the_curves(tmp_path):
    # every trial peaks at step 3 of 20 and then gets worse: training runs longer than it helps
    trials = [(p, v, (lambda step: 1.0 + (step - 3) ** 2 * 0.01)) for p, v, _ in _trials(n=20)]
    write_experiment(tmp_path / "nni.sqlite", trials, steps=20)
    code, found = _results("nni.sqlite", cwd=tmp_path)
    early = [d for d in found if d["code"] == "SL503"]
    assert code == 1 and len(early) == 1 and "peak before 50% of training" in early[0]["message"]


def test_a_space_config_points_findings_at_its_lines(tmp_path):
    (tmp_path / "search_space.json").write_text(json.dumps(SEARCH_SPACE, indent=2))
    write_experiment(tmp_path / "nni.sqlite", _trials(n=60, best_at_top=True))
    code, found = _results("nni.sqlite", "--space", "search_space.json", cwd=tmp_path)
    edge = [d for d in found if d["code"] == "SL501"]
    assert len(edge) == 1 and (edge[0]["path"], edge[0]["line"], edge[0]["column"]) == ("search_space.json", 2, 3)


def test_damaged_and_partial_databases_are_diagnosed(tmp_path):
    write_experiment(tmp_path / "nni.sqlite", _trials())
    db = sqlite3.connect(tmp_path / "nni.sqlite")
    db.execute("update ExperimentProfile set params = 'not json'")
    db.execute("update MetricData set data = '{{{' where trialJobId = 'T0001'")
    db.commit()
    db.close()
    code, found = _results("nni.sqlite", cwd=tmp_path)
    assert [d["code"] for d in found] == ["SL500"]
    assert "ExperimentProfile has no readable experiment config" in found[0]["message"]
    # a file with only some of NNI's tables is not taken for an NNI database
    other = sqlite3.connect(tmp_path / "half.sqlite")
    other.executescript("create table MetricData (trialJobId text, data text);")
    other.close()
    code, found = _results("half.sqlite", cwd=tmp_path)
    assert code == 1 and found[0]["code"] == "SL500" and "lacks the table(s)" in found[0]["message"]


def test_the_database_is_opened_read_only(tmp_path):
    path = tmp_path / "nni.sqlite"
    write_experiment(path, _trials())
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        assert _results("nni.sqlite", cwd=tmp_path)[0] == 0
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before and not (tmp_path / "nni.sqlite-journal").exists()





def test_hostile_cells_are_bounded(tmp_path):
    write_experiment(tmp_path / "nni.sqlite", _trials())
    db = sqlite3.connect(tmp_path / "nni.sqlite")
    deep = '{"parameters": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}"
    db.execute("update TrialJobEvent set data = ? where trialJobId = 'T0002' and data is not null", (deep,))
    db.execute("update MetricData set data = ? where trialJobId = 'T0003'", ("x" * (2 * 1024 * 1024),))
    db.commit()
    db.close()
    proc = run_cli("results", "nni.sqlite", "--output-format", "json", cwd=tmp_path)
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
