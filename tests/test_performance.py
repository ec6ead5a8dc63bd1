"""Paying only for what runs: what a run imports, and the rule table the engine selects from."""

from __future__ import annotations

import subprocess
from pathlib import Path
import sys

from sweeplint.rules import all_rules, rule_index
from sweeplint.rules import registry
from sweeplint.rules.registry import info_of, render_index

SWEEP = """\
program: train.py
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  optimizer: {values: [adam, sgd]}
  learning_rate: {min: 0.00001, max: 0.1}
  momentum: {min: 0.8, max: 0.99}
  batch_size: {values: [32, 64]}
"""

TRAIN = """\
import wandb
config = wandb.init().config
lr = config.learning_rate * config.batch_size / 256
if config.optimizer == "sgd":
    print(config.momentum)
wandb.log({"val_loss": lr})
"""

# Runs the command line in a fresh interpreter, then prints which heavy or rule modules it imported.
PROBE = """\
import sys
from sweeplint.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'networkx', 'typing') or m.startswith('sweeplint.rules.sl'))
print('EXIT', code)
print('LOADED', ' '.join(loaded))
"""


def probe(*args: str, cwd) -> tuple[str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    loaded = next(line for line in lines if line.startswith("LOADED")).split()[1:]
    return proc.stdout, set(loaded)


def test_the_rule_table_matches_the_rule_classes():
    assert render_index() == Path(registry.__file__).with_name("index.py").read_text(encoding="utf-8"), \
        "sweeplint/rules/index.py is stale: run `python -m sweeplint.rules.registry --write`"
    assert list(rule_index()) == [info_of(r) for r in all_rules()]
    assert all(info.load() is rule for info, rule in zip(rule_index(), all_rules()))


def test_version_imports_no_rule_and_neither_libcst_nor_networkx(tmp_path):
    out, loaded = probe("--version", cwd=tmp_path)
    assert "sweeplint " in out and loaded == set()


def test_rule_documentation_imports_only_its_own_rule_module(tmp_path):
    # `sweeplint rule SL101` checks its bad example to show what is reported, with SL101 alone
    out, loaded = probe("rule", "SL101", cwd=tmp_path)
    assert "SL101 linear-scale-parameter [warning]" in out and "What sweeplint reports on it" in out
    assert loaded == {"sweeplint.rules.sl101_linear_scale_parameter"}


def test_the_whole_rule_reference_imports_no_rule_module(tmp_path):
    out, loaded = probe("rule", "--all", cwd=tmp_path)
    assert "SL101 linear-scale-parameter [warning]" in out and loaded == set()


def test_a_one_file_run_with_its_program_facts_cached_imports_neither_libcst_nor_networkx(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "train.py").write_text(TRAIN)
    first, loaded = probe("check", "sweep.yaml", "--cache-dir", "cache", cwd=tmp_path)
    assert "libcst" in loaded, "the first run parses the program"
    with open(tmp_path / "sweep.yaml", "a") as handle:
        handle.write("# edited\n")  # the pre-commit case: the config changed, the program did not
    second, loaded = probe("check", "sweep.yaml", "--cache-dir", "cache", cwd=tmp_path)
    assert not {m for m in loaded if m.split(".")[0] in ("libcst", "networkx")}, loaded
    assert "(train.py:" in second or "e.g. train.py:" in second, "the program's evidence still counts"
    assert second.count(": SL") == first.count(": SL")


def test_a_check_of_configs_does_not_import_typing(tmp_path):
    # typing costs a run ~5 ms to import, and only type checkers read its names (README, "Adding a
    # format or a rule"); a program read with libcst imports it, a config alone does not need it
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "hydra.yaml").write_text("hydra:\n  sweeper:\n    params:\n      lr: interval(0.0001, 0.1)\n")
    (tmp_path / "space.json").write_text('{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}')
    out, loaded = probe("check", ".", "--no-cache", "--output-format", "json", cwd=tmp_path)
    assert '"code": "SL101"' in out
    assert "typing" not in loaded, loaded


def test_rules_of_formats_absent_from_the_files_are_not_imported(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out, loaded = probe("check", "sweep.yaml", "--no-cache", cwd=tmp_path)
    assert "SL101" in out
    assert "sweeplint.rules.sl101_linear_scale_parameter" in loaded
    ray_or_results = {f"sweeplint.rules.{i.module}" for i in rule_index() if i.formats is not None}
    assert ray_or_results and not (loaded & ray_or_results), loaded & ray_or_results


def test_a_function_longer_than_the_limit_is_a_finding_not_minutes(tmp_path):
    from sweeplint.codefacts.extract import MAX_FUNCTION_LINES

    body = "".join(f"    x{i} = config.learning_rate * {i}\n" for i in range(MAX_FUNCTION_LINES + 10))
    (tmp_path / "train.py").write_text("import wandb\n\n\ndef main():\n    config = wandb.init().config\n" + body + "\nmain()\n")
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out, loaded = probe("check", "sweep.yaml", "--no-cache", cwd=tmp_path)
    assert "sweep.yaml:1:10: error: SL001 the program train.py cannot be read: the function main at line 4 is longer " \
           f"than {MAX_FUNCTION_LINES:,} lines" in out
    assert "libcst" not in loaded, "refused before the parse"


def test_the_function_length_is_never_overestimated(monkeypatch):
    from sweeplint.codefacts import extract

    monkeypatch.setattr(extract, "MAX_FUNCTION_LINES", 5)
    text = "def f():\n    s = '''\nflush left\n'''\n" + "x = 1\n" * 10 + "def g():\n" + "    y = 2\n" * 4 + "\n" * 10
    assert extract._overlong_function(text) is None
    text = "class A:\n    def f(self):\n" + "        y = 2\n" * 7
    assert extract._overlong_function(text) == ("f", 2)


def test_the_pool_is_started_only_when_the_work_pays_for_it():
    from sweeplint.parallel import CONFIG_WORK, MIN_WORK_PER_JOB, workers_for

    def pending(configs: int, scripts: int = 0, script_size: int = 12_000) -> list:
        items = [(i, f"sweep_{i}.yaml", True, b"x" * 600, None) for i in range(configs)]
        return items + [(configs + i, f"train_{i}.py", True, b"x" * script_size, None) for i in range(scripts)]

    assert workers_for(pending(20), 2) == 1, "a few configs are checked in one process"
    assert workers_for(pending(100), 2) == 1, "a hundred configs without code too: a worker would not pay"
    assert workers_for(pending(500), 2) == 2, "a few hundred configs without code use both cores"
    assert workers_for(pending(500), 1) == 1
    assert workers_for(pending(50, 10), 2) == 2, "a small project with its training code too"
    assert workers_for(pending(1, 1, 2_000), 2) == 1, "one config and a short program: one process"
    assert workers_for(pending(0, 3, MIN_WORK_PER_JOB), 8) == 3, "a few big programs are worth a worker each"
    assert workers_for(pending(0, 1, 10 * MIN_WORK_PER_JOB), 8) == 1
    assert workers_for(pending(4 * MIN_WORK_PER_JOB // CONFIG_WORK + 1), 8) == 4, "configs by the hundred, a worker per share"


def test_workers_given_a_large_tree_report_what_one_process_does(tmp_path, monkeypatch):
    from sweeplint import parallel
    from sweeplint.lint import lint_paths
    from sweeplint.settings import load_settings

    for i in range(90):
        folder = tmp_path / f"d{i % 9}"
        folder.mkdir(exist_ok=True)
        (folder / f"sweep_{i}.yaml").write_text(SWEEP.replace("train.py", f"train_{i % 3}.py"))
        (folder / f"train_{i % 3}.py").write_text(TRAIN)
    monkeypatch.chdir(tmp_path)
    # a pool for this small tree, whose work alone would not start one
    monkeypatch.setattr(parallel, "MIN_WORK_PER_JOB", 10 * parallel.CONFIG_WORK)
    pools = []
    in_pool = parallel._in_pool

    def recorded(*args):
        done = in_pool(*args)
        pools.append((args[-1], done))
        return done

    monkeypatch.setattr(parallel, "_in_pool", recorded)
    one = lint_paths(["."], load_settings(None, tmp_path), jobs=1)
    two = lint_paths(["."], load_settings(None, tmp_path), jobs=2)
    assert pools == [(2, True)], "two workers checked the files"
    assert one.diagnostics == two.diagnostics and len(one.diagnostics) > 90
