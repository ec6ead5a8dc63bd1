"""`sweeplint check --fix / --unsafe-fixes / --diff`: what each fix writes, as a user runs it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from conftest import lint_json, run_cli
from sweeplint.catalogue import rule_doc
from sweeplint.fix_command import apply_fixes
from sweeplint.fixes import Applicability, Edit, Fix, line_breaks, line_starts, lines_of
from sweeplint.lint import lint_paths
from sweeplint.model import Span
from sweeplint.rules import all_rules
from sweeplint.settings import from_table

# --- one case per fix: (file name, text before, --unsafe-fixes needed, text after, code) ----------

WANDB_SCIENTIFIC = """\
method: random  # keep this
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 1e-6   # lowest
    max: 1.0e-2
"""

KATIB = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: demo
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: random
  maxTrialCount: 12
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "0.00001"
        max: "0.1"
        distribution: uniform
"""

CASES = {
    "sl005-bound": ("sweep.yaml", WANDB_SCIENTIFIC, False, WANDB_SCIENTIFIC.replace("min: 1e-6", "min: 1.0e-6"), "SL005"),
    "sl005-values": ("sweep.yaml", """\
method: grid
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    values: [1e-3, 3e-4, 1e-4]  # three
""", True, """\
method: grid
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    values: [1.0e-3, 3.0e-4, 1.0e-4]  # three
""", "SL005"),
    "sl102-log-uniform": ("sweep.yaml", """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform  # v1
    min: 0.0001
    max: 0.1
""", True, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values  # v1
    min: 0.0001
    max: 0.1
""", "SL102"),
    "sl103-float-bound": ("sweep.yaml", """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  layers:
    distribution: int_uniform
    min: 2.0  # two
    max: 8
""", False, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  layers:
    distribution: int_uniform
    min: 2  # two
    max: 8
""", "SL103"),
    "sl103-int-bounds": ("sweep.yaml", """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  weight_decay:
    min: 0   # none
    max: 1
""", True, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  weight_decay:
    min: 0.0   # none
    max: 1.0
""", "SL103"),
    "sl101-wandb-block": ("sweep.yaml", """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    min: 0.00001   # from the paper
    max: 0.1
""", True, """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001   # from the paper
    max: 0.1
""", "SL101"),
    "sl101-wandb-flow": ("sweep.yaml", """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate: {min: 0.00001, max: 0.1}
""", True, """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate: {distribution: log_uniform_values, min: 0.00001, max: 0.1}
""", "SL101"),
    "sl101-wandb-uniform": ("sweep.yaml", """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: uniform
    min: 0.00001
    max: 0.1
""", True, """\
method: random
run_cap: 40
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
""", "SL101"),
    "sl101-wandb-json": ("sweep.json", """\
{
  "method": "random",
  "run_cap": 40,
  "metric": {"name": "val_loss", "goal": "minimize"},
  "parameters": {
    "learning_rate": {
      "min": 0.00001,
      "max": 0.1
    }
  }
}
""", True, """\
{
  "method": "random",
  "run_cap": 40,
  "metric": {"name": "val_loss", "goal": "minimize"},
  "parameters": {
    "learning_rate": {
      "distribution": "log_uniform_values",
      "min": 0.00001,
      "max": 0.1
    }
  }
}
""", "SL101"),
    "sl101-optuna": ("objective.py", """\
import optuna


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1)  # the learning rate
    wd = trial.suggest_float(
        "weight_decay",
        1e-6,
        1e-1,
    )
    return train(lr, wd)


study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=60)
""", True, """\
import optuna


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)  # the learning rate
    wd = trial.suggest_float(
        "weight_decay",
        1e-6,
        1e-1, log=True,
    )
    return train(lr, wd)


study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=60)
""", "SL101"),
    "sl101-hydra-optuna": ("config.yaml", """\
defaults:
  - override hydra/sweeper: optuna
hydra:
  sweeper:
    n_trials: 40
    params:
      model.lr: interval(0.00001, 0.1)  # lr
""", True, """\
defaults:
  - override hydra/sweeper: optuna
hydra:
  sweeper:
    n_trials: 40
    params:
      model.lr: tag(log, interval(0.00001, 0.1))  # lr
""", "SL101"),
    "sl101-ray": ("tune_lr.py", """\
from ray import tune

tuner = tune.Tuner(
    train_fn,
    param_space={"lr": tune.uniform(1e-5, 1e-1), "wd": tune.quniform(1e-6, 1e-1, 1e-6)},
    tune_config=tune.TuneConfig(metric="loss", mode="min", num_samples=20),
)
""", True, """\
from ray import tune

tuner = tune.Tuner(
    train_fn,
    param_space={"lr": tune.loguniform(1e-5, 1e-1), "wd": tune.qloguniform(1e-6, 1e-1, 1e-6)},
    tune_config=tune.TuneConfig(metric="loss", mode="min", num_samples=20),
)
""", "SL101"),
    "sl101-nni": ("search_space.json", """\
{
  "lr": {"_type": "uniform", "_value": [0.00001, 0.1]}
}
""", True, """\
{
  "lr": {"_type": "loguniform", "_value": [0.00001, 0.1]}
}
""", "SL101"),
    "sl101-katib": ("experiment.yaml", KATIB, True, KATIB.replace("distribution: uniform", "distribution: logUniform"), "SL101"),
    "sl101-katib-no-distribution": ("experiment.yaml", KATIB.replace("        distribution: uniform\n", ""), True,
                                    KATIB.replace("        distribution: uniform\n", "").replace(
                                        '        min: "0.00001"', '        distribution: logUniform\n        min: "0.00001"'),
                                    "SL101"),
    "sl205-missing-goal": ("sweep.yaml", """\
method: bayes
metric:
  name: val_accuracy   # the metric
parameters:
  lr:
    values: [0.1, 0.01]
""", True, """\
method: bayes
metric:
  name: val_accuracy   # the metric
  goal: maximize
parameters:
  lr:
    values: [0.1, 0.01]
""", "SL205"),
    "sl205-missing-goal-flow": ("sweep.yaml", """\
method: bayes
metric: {name: val_accuracy}
parameters:
  lr:
    values: [0.1, 0.01]
""", True, """\
method: bayes
metric: {name: val_accuracy, goal: maximize}
parameters:
  lr:
    values: [0.1, 0.01]
""", "SL205"),
    "sl205-reversed": ("search.py", """\
import wandb

sweep = {
    "method": "bayes",
    "metric": {"name": "val_loss", "goal": 'maximize'},
    "parameters": {"lr": {"values": [0.1, 0.01]}},
}
sweep_id = wandb.sweep(sweep, project="demo")
""", True, """\
import wandb

sweep = {
    "method": "bayes",
    "metric": {"name": "val_loss", "goal": 'minimize'},
    "parameters": {"lr": {"values": [0.1, 0.01]}},
}
sweep_id = wandb.sweep(sweep, project="demo")
""", "SL205"),
    "sl409-optuna": ("objective.py", """\
import optuna


def objective(trial):
    lr = trial.suggest_loguniform("lr", 1e-5, 1e-1)
    d = trial.suggest_uniform("dropout", 0.0, 0.5)
    m = trial.suggest_discrete_uniform("momentum", 0.8, 0.99, q=0.01)
    return train(lr, d, m)


study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=60)
""", False, """\
import optuna


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    d = trial.suggest_float("dropout", 0.0, 0.5)
    m = trial.suggest_float("momentum", 0.8, 0.99, step=0.01)
    return train(lr, d, m)


study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=60)
""", "SL409"),
    "sl409-wandb-exponents": ("sweep.yaml", """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform
    min: -9.21
    max: -2.3
""", True, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.000100034
    max: 0.100259
""", "SL409"),
    "sl000-unused": ("sweep.yaml", """\
method: random
run_cap: 20  # sweeplint: disable=SL101
metric: {name: val_loss, goal: minimize}
# sweeplint: disable-file=SL310
parameters:
  lr:  # sweeplint: disable=SL101,SL205
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
""", False, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
""", "SL000"),
    "sl106-exclusive": ("config.yaml", """\
hydra:
  mode: MULTIRUN
  sweeper:
    params:
      model.num_layers: range(1, 5)  # layers
      model.dropout: 0.0,0.1
""", True, """\
hydra:
  mode: MULTIRUN
  sweeper:
    params:
      model.num_layers: range(1, 6)  # layers
      model.dropout: 0.0,0.1
""", "SL106"),
    "sl403-repeated-grid": ("tune_grid.py", """\
from ray import tune

tuner = tune.Tuner(
    train_fn,
    param_space={"lr": tune.grid_search([0.001, 0.01, 0.1]), "epochs": 10},
    tune_config=tune.TuneConfig(metric="val_loss", mode="min", num_samples=10),
)
tuner.fit()
""", True, """\
from ray import tune

tuner = tune.Tuner(
    train_fn,
    param_space={"lr": tune.grid_search([0.001, 0.01, 0.1]), "epochs": 10},
    tune_config=tune.TuneConfig(metric="val_loss", mode="min", num_samples=1),
)
tuner.fit()
""", "SL403"),
    "sl002-typo": ("sweep.yaml", """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribuiton: log_uniform_values  # typo
    min: 0.0001
    max: 0.1
""", True, """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values  # typo
    min: 0.0001
    max: 0.1
""", "SL002"),
}

HYDRA_TRAIN = """\
import hydra
import wandb


@hydra.main(config_path="conf", config_name="config", version_base=None)
def main(cfg):
    wandb.init(project="hydra-sweep")
    optimizer = Adam(model.parameters(), lr=cfg.model.lr)
    wandb.log({"val/loss": evaluate(model)})


if __name__ == "__main__":
    main()
"""


def _selection(code: str) -> str:
    # an unused suppression is judged only when the rule it names runs
    return "ALL" if code == "SL000" else code


def codes_at(folder: Path, name: str, code: str) -> list[dict]:
    _, items = lint_json("check", name, "--no-cache", "--select", _selection(code), cwd=folder)
    return [d for d in items if d["code"] == code]


@pytest.mark.parametrize("case", sorted(CASES))
def test_fix_writes_exactly_this_and_keeps_comments(case, write):
    name, before, unsafe, after, code = CASES[case]
    folder = write({name: before})
    assert any(d["fix"] for d in codes_at(folder, name, code)), "the finding offers no fix"
    options = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]
    proc = run_cli("check", name, "--no-cache", "--select", _selection(code), *options, cwd=folder)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (folder / name).read_text(encoding="utf-8") == after
    assert not [d for d in codes_at(folder, name, code) if d["fix"]], "the fixed file still has a fixable finding"
    assert "Fixed " in proc.stdout
    # idempotent: a second run changes nothing
    again = run_cli("check", name, "--no-cache", "--select", _selection(code), *options, cwd=folder)
    assert (folder / name).read_text(encoding="utf-8") == after
    assert "Fixed" not in again.stdout


def test_fixed_file_rechecks_clean_of_the_finding(write):
    for case in ("sl005-bound", "sl102-log-uniform", "sl101-wandb-block", "sl101-optuna", "sl205-missing-goal", "sl409-optuna"):
        name, before, _, _, code = CASES[case]
        folder = write({f"{case}/{name}": before}) / case
        run_cli("check", name, "--no-cache", "--fix", "--unsafe-fixes", cwd=folder)
        assert codes_at(folder, name, code) == [], case


def test_unsafe_fixes_need_the_option(write):
    name, before, _, after, _ = CASES["sl102-log-uniform"]
    folder = write({name: before})
    proc = run_cli("check", name, "--no-cache", "--select", "SL102", "--fix", cwd=folder)
    assert (folder / name).read_text(encoding="utf-8") == before
    assert proc.returncode == 1
    assert "1 fixable with --fix --unsafe-fixes." in proc.stdout
    proc = run_cli("check", name, "--no-cache", "--select", "SL102", "--fix", "--unsafe-fixes", cwd=folder)
    assert (folder / name).read_text(encoding="utf-8") == after
    assert proc.returncode == 0, proc.stdout
    assert "All checks passed (1 sweep file checked). Fixed 1 problem." in proc.stdout


def test_diff_prints_and_writes_nothing(write):
    name, before, _, _, _ = CASES["sl005-bound"]
    folder = write({name: before})
    proc = run_cli("check", name, "--no-cache", "--diff", cwd=folder)
    assert proc.returncode == 1
    assert proc.stdout == (
        "--- sweep.yaml\n"
        "+++ sweep.yaml\n"
        "@@ -4,5 +4,5 @@\n"
        " parameters:\n"
        "   lr:\n"
        "     distribution: log_uniform_values\n"
        "-    min: 1e-6   # lowest\n"
        "+    min: 1.0e-6   # lowest\n"
        "     max: 1.0e-2\n"
    )
    assert "Would fix 1 problem." in proc.stderr
    assert (folder / name).read_text(encoding="utf-8") == before
    # nothing to fix: no diff, exit 0 (the remaining finding is not the diff's business)
    unsafe_only = CASES["sl102-log-uniform"][1]
    (folder / name).write_text(unsafe_only, encoding="utf-8")
    proc = run_cli("check", name, "--no-cache", "--diff", cwd=folder)
    assert (proc.returncode, proc.stdout) == (0, "")
    assert "No fixes available." in proc.stderr
    proc = run_cli("check", name, "--no-cache", "--diff", "--unsafe-fixes", cwd=folder)
    assert proc.returncode == 1 and "+    distribution: log_uniform_values  # v1" in proc.stdout


def test_stdin_fix_prints_the_fixed_text(write):
    name, before, _, after, _ = CASES["sl005-bound"]
    folder = write({})
    proc = run_cli("check", "-", "--stdin-filename", name, "--no-cache", "--fix", cwd=folder, stdin=before)
    assert proc.stdout == after
    assert proc.returncode == 0
    assert "Fixed 1 problem." in proc.stderr
    assert not (folder / name).exists()
    proc = run_cli("check", "-", "--no-cache", "--diff", cwd=folder, stdin=before)
    assert proc.returncode == 1 and "+    min: 1.0e-6   # lowest" in proc.stdout


def test_summary_counts_fixable_and_concise_marks_them(write):
    folder = write({"a.yaml": WANDB_SCIENTIFIC, "b.yaml": CASES["sl102-log-uniform"][1]})
    proc = run_cli("check", ".", "--no-cache", "--color", "never", cwd=folder)
    lines = proc.stdout.splitlines()
    assert any(line.startswith("a.yaml:7:10: error: SL005 [*] ") for line in lines), lines
    assert any(line.startswith("b.yaml:7:10: error: SL102 lr uses") for line in lines), lines
    assert lines[-1].endswith(" 1 fixable with --fix; 1 more with --unsafe-fixes.")


def test_json_and_sarif_carry_the_fix(write):
    from test_outputs import validate_sarif

    folder = write({"a.yaml": WANDB_SCIENTIFIC, "b.yaml": CASES["sl102-log-uniform"][1]})
    _, items = lint_json("check", ".", "--no-cache", cwd=folder)
    fixes = {d["code"]: d["fix"] for d in items}
    assert fixes["SL005"] == {"title": "Write 1e-6 as 1.0e-6", "applicability": "safe",
                              "edits": [{"path": "a.yaml", "line": 7, "column": 10, "end_line": 7, "end_column": 14,
                                         "content": "1.0e-6"}]}
    assert fixes["SL102"]["applicability"] == "unsafe"
    proc = run_cli("check", ".", "--no-cache", "--output-format", "sarif", cwd=folder)
    log = json.loads(proc.stdout)
    validate_sarif(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    fix = results["SL005"]["fixes"][0]
    assert fix["description"]["text"] == "Write 1e-6 as 1.0e-6 (safe fix)"
    change = fix["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "a.yaml"
    assert change["replacements"] == [{"deletedRegion": {"startLine": 7, "startColumn": 10, "endLine": 7, "endColumn": 14},
                                       "insertedContent": {"text": "1.0e-6"}}]


def test_fixes_survive_the_cache(write):
    folder = write({"a.yaml": WANDB_SCIENTIFIC})
    for _ in range(2):  # the second run reads the cache
        _, items = lint_json("check", "a.yaml", "--cache-dir", str(folder / "cache"), cwd=folder)
        assert [d["fix"]["edits"][0]["content"] for d in items if d["code"] == "SL005"] == ["1.0e-6"]


def test_sl203_fix_writes_args_no_hyphens(write):
    sweep = """\
program: train.py
method: random
metric: {name: val/loss, goal: minimize}
command:
  - ${env}
  - python
  - ${program}
  - ${args}   # flags
parameters:
  model.lr:
    values: [0.1, 0.01]
"""
    folder = write({"sweep.yaml": sweep, "train.py": HYDRA_TRAIN})
    run_cli("check", "sweep.yaml", "--no-cache", "--select", "SL203", "--fix", cwd=folder)
    assert (folder / "sweep.yaml").read_text(encoding="utf-8") == sweep
    proc = run_cli("check", "sweep.yaml", "--no-cache", "--select", "SL203", "--fix", "--unsafe-fixes", cwd=folder)
    assert (folder / "sweep.yaml").read_text(encoding="utf-8") == sweep.replace("${args}   #", "${args_no_hyphens}   #")
    assert proc.returncode == 0, proc.stdout


def test_line_endings_and_byte_order_mark_are_kept(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + WANDB_SCIENTIFIC.replace("\n", "\r\n").encode())
    proc = run_cli("check", "sweep.yaml", "--no-cache", "--fix", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + WANDB_SCIENTIFIC.replace("\n", "\r\n").replace(
        "min: 1e-6", "min: 1.0e-6").encode()


# --- applying edits ---------------------------------------------------------------------------


def _fix(line, column, end_line, end_column, text) -> Fix:
    return Fix("t", (Edit(Span(line, column, end_line, end_column), text),), Applicability.SAFE)


def test_overlapping_fixes_wait_for_the_next_pass():
    text = "abcdef\nghi\n"
    new, count = apply_fixes(text, [_fix(1, 2, 1, 4, "X"), _fix(1, 3, 1, 5, "Y"), _fix(2, 1, 2, 1, ">")], "a.yaml")
    assert (new, count) == ("aXdef\n>ghi\n", 2)
    # two insertions at one point collide; an edit outside the text is skipped
    new, count = apply_fixes(text, [_fix(1, 1, 1, 1, "1"), _fix(1, 1, 1, 1, "2"), _fix(9, 1, 9, 2, "Z")], "a.yaml")
    assert (new, count) == ("1abcdef\nghi\n", 1)


# --- every fix the catalogue documents, on the rule's own bad examples ------------------------


def _bad_examples():
    for rule in all_rules():
        doc = rule_doc(rule.code)
        for index, example in enumerate((doc.get("examples") or {}).get("bad") or []):
            if "results" not in example:
                yield pytest.param(rule, example, id=f"{rule.code}-{index}")


def _lint(folder: Path, example: dict):
    settings = from_table(example.get("settings") or {}, "example")
    settings.root = folder
    target = str(folder / example.get("check", next(iter(example["files"]))))
    return settings, target


@pytest.mark.parametrize("rule, example", list(_bad_examples()))
def test_catalogue_bad_example_fix(rule, example):
    """A rule offers fixes only when its catalogue says so, of the kind it says; applying them to
    its bad example removes exactly the fixable findings, and a second round changes nothing."""
    from sweeplint.fix_command import fix_in_memory

    declared = str(rule_doc(rule.code).get("fix_applicability") or "")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in example["files"].items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        settings, target = _lint(folder, example)
        found = [d for d in lint_paths([target], settings).diagnostics if d.code == rule.code]
        fixable = [d for d in found if d.fix is not None]
        if not declared:
            assert not fixable, f"{rule.code} offers fixes but its catalogue entry has no fix_applicability"
            return
        assert {str(d.fix.applicability) for d in fixable} <= set(declared.split(" or "))
        if not fixable:
            return

        def read(path):
            return Path(path).read_text(encoding="utf-8")

        def relint(path, text):
            return lint_paths([path], settings, stdin=(path, text)).diagnostics

        run = fix_in_memory(found, True, read, relint)
        assert run.texts, f"{rule.code}'s fixes changed nothing"
        after = [d for path, text in run.texts.items() for d in relint(path, text) if d.code == rule.code]
        assert not [d for d in after if d.fix is not None], [d.message for d in after]
        assert len(after) <= len(found) - len(fixable)
        for path, text in run.texts.items():
            again = fix_in_memory(relint(path, text), True, lambda p: text, relint)
            assert not again.texts, f"{rule.code}'s fix is not stable"


@pytest.mark.parametrize("path", ["sweep.yaml", "train.py", "TRAIN.PY", ""])
@pytest.mark.parametrize("text", ["a: 1\nb: 2\n", "a: 1\r\nb: 2", "a\rb\nc", "x\x85y\nz", "x\u2028y\u2029z\n", "", "\n\n"])
def test_lines_and_line_starts_are_split_at_the_breaks_the_files_reader_counts(path, text):
    pattern = line_breaks(path)  # PyYAML's breaks for a config, Python's for a .py file
    assert lines_of(text, path) == pattern.split(text)
    assert line_starts(text, path) == [0] + [m.end() for m in pattern.finditer(text)]
