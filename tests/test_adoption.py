"""Adopting sweeplint on a repository with existing findings: a baseline, and suppressions in bulk."""

from __future__ import annotations

import json

from conftest import lint_json, run_cli

SWEEP = """\
program: train.py
method: random
run_cap: 20
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:  # the step size
    min: 0.0001
    max: 0.1
  weight_decay:
    distribution: uniform
    min: 0.00001
    max: 0.01
"""
TRAIN = ("import wandb\nwandb.init()\nc = wandb.config\n"
         "wandb.log({'val_loss': c.learning_rate + c.weight_decay + c.head_learning_rate})\n")
NEW_PARAMETER = """\
  head_learning_rate:
    min: 0.0001
    max: 0.1
"""


def project(write):
    return write({"sweeps/sweep.yaml": SWEEP, "sweeps/train.py": TRAIN})


def codes_lines(findings):
    return [(f["code"], f["line"]) for f in findings]


# --- baseline ----------------------------------------------------------------------------------


def test_a_baseline_records_the_findings_in_a_documented_stable_format(write):
    root = project(write)
    proc = run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "Recorded 2 findings in baseline.json" in proc.stdout
    data = json.loads((root / "baseline.json").read_text(encoding="utf-8"))
    assert data["sweeplint-baseline"] == 1
    entries = data["findings"]
    assert [(e["path"], e["line"], e["code"]) for e in entries] == [("sweeps/sweep.yaml", 9, "SL101"), ("sweeps/sweep.yaml", 13, "SL101")]
    assert all(len(e["fingerprint"]) == 32 and e["message"] for e in entries)
    first = (root / "baseline.json").read_text(encoding="utf-8")
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    assert (root / "baseline.json").read_text(encoding="utf-8") == first   # the same findings, the same file


def test_with_the_baseline_only_new_findings_are_reported(write):
    root = project(write)
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    proc = run_cli("check", "--no-cache", "--baseline", "baseline.json", cwd=root)
    assert proc.returncode == 0, proc.stdout
    assert "2 findings in the baseline were not shown" in proc.stdout

    # lines added above and between, a comment changed elsewhere, and one new finding
    edited = ("# tuned for the paper\n" + SWEEP.replace("  # the step size", "  # the optimizer's step size")
              .replace("  weight_decay:\n", "  # regularization\n  weight_decay:\n") + NEW_PARAMETER)
    (root / "sweeps" / "sweep.yaml").write_text(edited, encoding="utf-8")
    code, findings = lint_json("check", "--no-cache", "--baseline", "baseline.json", cwd=root)
    assert code == 1
    assert codes_lines(findings) == [("SL101", 18)]    # only the new parameter's range is new
    assert "head_learning_rate" in findings[0]["message"]
    code, everything = lint_json("check", "--no-cache", cwd=root)
    assert codes_lines(everything) == [("SL101", 10), ("SL101", 15), ("SL101", 18)]


def test_a_finding_whose_line_changed_counts_as_new(write):
    root = project(write)
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    (root / "sweeps" / "sweep.yaml").write_text(SWEEP.replace("min: 0.00001", "min: 0.000001"), encoding="utf-8")
    code, findings = lint_json("check", "--no-cache", "--baseline", "baseline.json", cwd=root)
    assert code == 1 and codes_lines(findings) == [("SL101", 13)]


def test_the_baseline_does_not_depend_on_the_working_directory(write):
    root = project(write)
    (root / ".git").mkdir()    # the repository root anchors the paths
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    proc = run_cli("check", "--no-cache", "sweep.yaml", "--baseline", "../baseline.json", cwd=root / "sweeps")
    assert proc.returncode == 0, proc.stdout
    assert "2 findings in the baseline were not shown" in proc.stdout


def test_identical_findings_are_told_apart_by_what_encloses_them(write):
    # the same flagged line under two parameters: fixing one must leave the other known, not new
    twin = SWEEP.replace("min: 0.00001\n    max: 0.01", "min: 0.0001\n    max: 0.1").replace("    distribution: uniform\n", "")
    root = write({"sweeps/sweep.yaml": twin, "sweeps/train.py": TRAIN})
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    fixed = twin.replace("  learning_rate:  # the step size\n", "  learning_rate:  # the step size\n    distribution: log_uniform_values\n")
    (root / "sweeps" / "sweep.yaml").write_text(fixed, encoding="utf-8")
    code, findings = lint_json("check", "--no-cache", "--baseline", "baseline.json", cwd=root)
    assert (code, findings) == (0, [])


def test_a_missing_or_foreign_baseline_is_a_usage_error(write):
    root = project(write)
    proc = run_cli("check", "--no-cache", "--baseline", "nothing.json", cwd=root)
    assert proc.returncode == 2
    assert "baseline file nothing.json does not exist" in proc.stderr
    (root / "other.json").write_text('{"findings": []}', encoding="utf-8")
    proc = run_cli("check", "--no-cache", "--baseline", "other.json", cwd=root)
    assert proc.returncode == 2 and "is not a sweeplint baseline" in proc.stderr


def test_the_baseline_applies_to_every_output_format(write):
    root = project(write)
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    proc = run_cli("check", "--no-cache", "--baseline", "baseline.json", "--output-format", "sarif", cwd=root)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["runs"][0]["results"] == []


# --- --add-noqa ------------------------------------------------------------------------------------


def test_add_noqa_suppresses_every_finding_and_keeps_comments(write):
    root = project(write)
    proc = run_cli("check", "--no-cache", "--add-noqa", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "Added 2 suppressions to 1 file." in proc.stdout
    text = (root / "sweeps" / "sweep.yaml").read_text(encoding="utf-8")
    assert "  learning_rate:  # the step size\n    min: 0.0001  # sweeplint: disable=SL101\n" in text
    assert "    min: 0.00001  # sweeplint: disable=SL101\n" in text
    code, findings = lint_json("check", "--no-cache", cwd=root)
    assert (code, findings) == (0, [])
    again = run_cli("check", "--no-cache", "--add-noqa", cwd=root)
    assert "Added 0 suppressions." in again.stdout
    assert (root / "sweeps" / "sweep.yaml").read_text(encoding="utf-8") == text


def test_add_noqa_merges_codes_into_an_existing_directive_and_comment(write):
    train = "import wandb\nwandb.init()\nc = wandb.config\nwandb.log({'val_loss': c.learning_rate + c.weight_decay})\n"
    sweep = SWEEP.replace("    min: 0.00001\n", "    min: 0.00001  # sweeplint: nuisance=weight_decay\n") + (
        "  head_learning_rate:  # sweeplint: disable=SL101\n    min: 0.0001\n    max: 0.1\n")
    root = write({"sweeps/sweep.yaml": sweep, "sweeps/train.py": train})
    assert ("SL201", 15) in codes_lines(lint_json("check", "--no-cache", cwd=root)[1])   # the program never reads it
    proc = run_cli("check", "--no-cache", "--add-noqa", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "Added 3 suppressions to 1 file." in proc.stdout
    text = (root / "sweeps" / "sweep.yaml").read_text(encoding="utf-8")
    assert "  head_learning_rate:  # sweeplint: disable=SL101,SL201\n" in text
    assert "    min: 0.00001  # sweeplint: nuisance=weight_decay; disable=SL101\n" in text
    assert lint_json("check", "--no-cache", cwd=root) == (0, [])


def test_suppressions_added_keep_the_baseline_valid(write):
    root = project(write)
    run_cli("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    (root / "sweeps" / "sweep.yaml").write_text(SWEEP.replace("min: 0.0001\n", "min: 0.0001  # the smallest useful step\n"), encoding="utf-8")
    assert lint_json("check", "--no-cache", "--baseline", "baseline.json", cwd=root) == (0, [])


def test_add_noqa_keeps_line_endings_and_writes_into_python_sweeps(write):
    optuna = ("import optuna\n\n\ndef objective(trial):\n"
              "    lr = trial.suggest_float('lr', 1e-5, 1e-1)\n"
              "    return lr\n\n\nstudy = optuna.create_study(direction='minimize')\nstudy.optimize(objective, n_trials=50)\n")
    root = write({"study.py": optuna})
    code, findings = lint_json("check", "--no-cache", "study.py", cwd=root)
    assert ("SL101", 5) in codes_lines(findings)
    (root / "sweeps").mkdir()
    (root / "sweeps" / "sweep.yaml").write_bytes(SWEEP.replace("\n", "\r\n").encode("utf-8"))
    (root / "sweeps" / "train.py").write_text(TRAIN, encoding="utf-8")
    proc = run_cli("check", "--no-cache", "--add-noqa", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "lr = trial.suggest_float('lr', 1e-5, 1e-1)  # sweeplint: disable=SL101\n" in (root / "study.py").read_text(encoding="utf-8")
    data = (root / "sweeps" / "sweep.yaml").read_bytes()
    assert b"    min: 0.0001  # sweeplint: disable=SL101\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert lint_json("check", "--no-cache", cwd=root) == (0, [])


def test_add_noqa_leaves_findings_it_cannot_suppress_in_place(write):
    sweep = ('{"program": "train.py", "method": "random", "run_cap": 5, "metric": {"name": "val_loss", "goal": "minimize"},\n'
             ' "parameters": {"learning_rate": {"min": 0.0001, "max": 0.1}}}\n')
    root = write({"sweep.json": sweep, "train.py": "import wandb\nwandb.init()\nwandb.log({'val_loss': wandb.config.learning_rate})\n"})
    proc = run_cli("check", "--no-cache", "--add-noqa", cwd=root)
    assert proc.returncode == 0
    assert "Added 0 suppressions. 1 finding cannot be suppressed on its line" in proc.stdout
    assert (root / "sweep.json").read_text(encoding="utf-8") == sweep


def test_add_noqa_never_writes_inside_a_block_scalar():
    from sweeplint.noqa import _yaml_blocked

    text = "description: |\n  line one\n  line two\nname: x\nnote: 'a\n  b'\n"
    assert _yaml_blocked(text) == {2, 3, 5}


def test_adoption_options_refuse_standard_input_and_each_other(write):
    root = project(write)
    proc = run_cli("check", "-", "--add-noqa", cwd=root, stdin=SWEEP)
    assert proc.returncode == 2 and "not on standard input" in proc.stderr
    proc = run_cli("check", "--add-noqa", "--write-baseline", "b.json", cwd=root)
    assert proc.returncode == 2 and "use one of them" in proc.stderr


# --- the GitHub Action and the pre-commit hook accept a baseline ---------------------------------------


def test_the_action_reports_only_findings_not_in_the_baseline(write, tmp_path):
    from test_ci_reports import run_action

    root = project(write)
    run_cli("check", "--no-cache", "--write-baseline", "sweeplint-baseline.json", cwd=root)
    code, log, outputs, summary = run_action(tmp_path, root, {"baseline": "sweeplint-baseline.json"})
    assert code == 0 and outputs["exit-code"] == "0", log
    assert "::warning" not in log
    assert "Only findings that are not in the baseline sweeplint-baseline.json are reported." in log
    assert "sweeplint-baseline.json" in summary
    (root / "sweeps" / "sweep.yaml").write_text(SWEEP + NEW_PARAMETER, encoding="utf-8")
    code, log, outputs, summary = run_action(tmp_path, root, {"baseline": "sweeplint-baseline.json", "output-format": "sarif"})
    assert code == 1 and outputs["exit-code"] == "1"
    results = json.loads((root / "sweeplint.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [("SL101", 16)]
