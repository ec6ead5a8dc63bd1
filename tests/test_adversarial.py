"""Hostile input: every case is a file written here, checked by the command line in a subprocess with a
time limit and an address-space limit. Each must give a diagnostic with a position (or one clear line),
the right exit code, and never a traceback.

Unreadable files cannot be tested as root (chmod 000 does not stop root); a FIFO, a dangling symlink and
a symlink loop in a scanned folder are tested instead.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space, bytes: a run that needs more dies and the test fails
TIME_LIMIT = 20                     # seconds per run (issue 14): every case ends well within it

WANDB = """\
program: train.py
method: random
run_cap: 10
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    distribution: uniform
    min: 0.0001
    max: 0.1
"""
TRAIN = 'import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({"val_loss": lr})\n'


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def lint(cwd: Path, *paths: str, fmt: str = "json", time_limit: float = TIME_LIMIT) -> tuple[int, list | str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "sweeplint", "check", *paths, "--no-cache", "--output-format", fmt],
        cwd=cwd, capture_output=True, timeout=time_limit, preexec_fn=_limit,
    )
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    assert "MemoryError" not in out + err
    if fmt == "json":
        return proc.returncode, json.loads(out or "[]"), err
    return proc.returncode, out, err


def _inside(diagnostic: dict, text: str) -> None:
    lines = text.splitlines() or [""]
    assert 1 <= diagnostic["line"] <= max(len(lines), 1) + 1
    assert diagnostic["column"] >= 1


def one(diagnostics: list, code: str) -> dict:
    found = [d for d in diagnostics if d["code"] == code]
    assert found, diagnostics
    return found[0]


# --- alias bombs, nesting, size -------------------------------------------------------------------


def test_billion_laughs(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("parameters:\n  x:\n    values: *j")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    code, diags, _ = lint(tmp_path, "bomb.yaml")
    d = one(diags, "SL001")
    assert code == 1 and d["line"] >= 1 and "alias" in d["message"].lower()


def test_quadratic_blowup(tmp_path):
    big = "x" * 100_000
    text = f"base: &b \"{big}\"\nmethod: random\nparameters:\n  p:\n    values: [" + ", ".join(["*b"] * 5000) + "]\n"
    (tmp_path / "quad.yaml").write_text(text)
    code, diags, _ = lint(tmp_path, "quad.yaml")
    assert code in (0, 1)
    for d in diags:
        _inside(d, text)


@pytest.mark.parametrize("kind", ["yaml-flow", "yaml-block", "json"])
def test_ten_thousand_levels_of_nesting(tmp_path, kind):
    depth = 10_000
    if kind == "yaml-flow":
        name, text = "deep.yaml", "parameters: " + "[" * depth + "]" * depth + "\n"
    elif kind == "yaml-block":
        name, text = "deep.yaml", "parameters:\n" + "".join(" " * i + "- \n" for i in range(1, depth))
    else:
        name, text = "deep.json", '{"parameters": ' + "[" * depth + "]" * depth + "}\n"
    (tmp_path / name).write_text(text)
    code, diags, _ = lint(tmp_path, name)
    d = one(diags, "SL001")
    assert code == 1
    _inside(d, text)


def test_ten_thousand_levels_of_python_nesting(tmp_path):
    expr = "(" * 10_000 + "1" + ")" * 10_000
    (tmp_path / "train.py").write_text(f"import wandb\nrun = wandb.init()\nx = {expr}\n")
    (tmp_path / "sweep.yaml").write_text(WANDB)
    (tmp_path / "objective.py").write_text(f"def objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n    return {expr}\n")
    code, diags, _ = lint(tmp_path, ".")
    assert code in (0, 1)
    for d in diags:
        assert d["code"] != "SL999", d


def test_a_50_mb_config(tmp_path):
    with open(tmp_path / "huge.yaml", "w") as handle:
        handle.write("parameters:\n")
        line = "  " + "k" * 60 + ": 1\n"
        for i in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line.replace("k" * 8, f"{i:08d}", 1))
    code, diags, _ = lint(tmp_path, "huge.yaml")
    d = one(diags, "SL001")
    assert code == 1 and (d["line"], d["column"]) == (1, 1) and "larger than" in d["message"]


def test_nested_wandb_groups_cost_linear_time_and_give_one_finding_per_group(tmp_path):
    # Issue 14: 250 groups took 48 s and printed 62,500 findings pairing unrelated groups.
    groups = "".join(
        f"  g{i}:\n    parameters:\n      optimizer:\n        values: [sgd, adam]\n"
        f"      learning_rate:\n        distribution: log_uniform_values\n        min: 0.0001\n        max: 0.1\n"
        for i in range(250))
    (tmp_path / "train.py").write_text('import wandb\nrun = wandb.init()\nwandb.log({"val_loss": 1})\n')
    (tmp_path / "groups.yaml").write_text("program: train.py\nmethod: random\nrun_cap: 500\nmetric: {name: val_loss, goal: minimize}\nparameters:\n" + groups)
    code, diags, _ = lint(tmp_path, "groups.yaml")
    merged = [d for d in diags if d["code"] == "SL303"]
    assert code == 1 and len(merged) == 250
    assert all(d["message"].startswith(f"g{(d['line'] - 10) // 8}.learning_rate is one search range shared by g{(d['line'] - 10) // 8}.optimizer=sgd")
               for d in merged)


def test_more_parameters_than_a_sweep_is_checked_for_stop_at_a_position(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    many = "".join(f"  lr{i}:\n    min: 0.0001\n    max: 0.1\n" for i in range(3000))
    (tmp_path / "many.yaml").write_text("program: train.py\nmethod: random\nparameters:\n" + many)
    code, diags, _ = lint(tmp_path, "many.yaml")
    d = one(diags, "SL001")
    assert code == 1 and (d["line"], d["column"]) == (4 + 3 * 1000, 3) and "more than 1000 parameters" in d["message"]
    assert len([d for d in diags if d["code"] == "SL101"]) == 1000


@pytest.mark.parametrize("kind", ["parameters", "values", "nested-groups"])
def test_200000_parameters_or_values_stop_at_the_entry_where_a_bound_is_reached(tmp_path, kind):
    # Issue 15: 200,000 parameters in one sweep took 12 s; the bounds make it a finding at a position.
    if kind == "parameters":
        text = "method: random\nparameters:\n" + "".join(f"  p{i}: {{value: 1}}\n" for i in range(200_000))
        where, what = (10_003, 3), "a mapping with more than 10000 entries"
    elif kind == "values":
        text = "method: random\nparameters:\n  p:\n    values: [" + ", ".join("1" for _ in range(200_000)) + "]\n"
        where, what = (4, 14 + 3 * 10_000), "a list with more than 10000 items"
    else:
        text = "method: random\nparameters:\n" + "".join(
            f"  g{g}:\n    parameters:\n" + "".join(f"      p{i}: {{value: 1}}\n" for i in range(5_000)) for g in range(40))
        where, what = None, "more than 100000 nodes"
    (tmp_path / "many.yaml").write_text(text)
    code, diags, _ = lint(tmp_path, "many.yaml")
    (d,) = diags
    assert code == 1 and d["code"] == "SL001" and what in d["message"]
    if where is not None:
        assert (d["line"], d["column"]) == where


def test_a_1_mb_single_line(tmp_path):
    text = WANDB + "# " + "x" * (1024 * 1024) + "\n"
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "long.yaml").write_text(text)
    code, diags, _ = lint(tmp_path, "long.yaml")
    d = one(diags, "SL101")
    assert code == 1 and (d["line"], d["column"]) == (10, 10)
    flow = "{method: random, parameters: {" + ", ".join(f"p{i}: {{values: [1, 2]}}" for i in range(60_000)) + "}}"
    (tmp_path / "flow.yaml").write_text(flow)
    code, diags, _ = lint(tmp_path, "flow.yaml")
    assert code in (0, 1)


# --- bytes and encodings --------------------------------------------------------------------------


def test_binary_and_nul_bytes_under_a_yaml_name(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "nul.yaml").write_bytes(b"parameters:\n  x: \x00\n")
    code, diags, _ = lint(tmp_path, "bin.yaml", "nul.yaml")
    assert code == 1
    assert {d["path"] for d in diags if d["code"] == "SL001"} == {"bin.yaml", "nul.yaml"}
    assert all(d["message"].startswith("binary file") for d in diags)


def test_utf16_with_bom_is_read_and_positions_are_in_characters(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "u16.yaml").write_bytes(b"\xff\xfe" + WANDB.encode("utf-16-le"))
    code, diags, _ = lint(tmp_path, "u16.yaml")
    d = one(diags, "SL101")
    assert code == 1 and (d["line"], d["column"]) == (10, 10)


def test_utf16_without_bom_and_invalid_utf8(tmp_path):
    (tmp_path / "u16.yaml").write_bytes(WANDB.encode("utf-16-le"))
    (tmp_path / "bad.yaml").write_bytes(b"method: random\nparameters:\n  caf\xc3\xa9: \xff\n")
    code, diags, _ = lint(tmp_path, "u16.yaml", "bad.yaml")
    assert code == 1
    bad = [d for d in diags if d["path"] == "bad.yaml"][0]
    assert bad["code"] == "SL001" and (bad["line"], bad["column"]) == (3, 9) and "0xff" in bad["message"]
    assert [d["code"] for d in diags if d["path"] == "u16.yaml"] == ["SL001"]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_line_endings_and_bom_keep_positions(tmp_path, newline, bom):
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "s.yaml").write_bytes(bom + WANDB.replace("\n", newline).encode())
    (tmp_path / "lf.yaml").write_text(WANDB)
    code, diags, _ = lint(tmp_path, "s.yaml")
    d = one(diags, "SL101")
    assert code == 1 and (d["line"], d["column"]) == (10, 10)
    reference = one(lint(tmp_path, "lf.yaml")[1], "SL101")
    assert (d["end_line"], d["end_column"]) == (reference["end_line"], reference["end_column"])


def test_tabs_in_yaml(tmp_path):
    (tmp_path / "tabs.yaml").write_text("method: random\nparameters:\n\tlr:\n\t\tmin: 0.1\n")
    code, diags, _ = lint(tmp_path, "tabs.yaml")
    d = one(diags, "SL001")
    assert code == 1 and d["line"] == 3


# --- tags, merge keys, documents ------------------------------------------------------------------


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch CANARY']",
    "!!python/object/new:os.system ['touch CANARY']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:__main__.Boom {}",
])
def test_python_tags_never_run(tmp_path, tag):
    (tmp_path / "evil.yaml").write_text(f"method: random\nparameters:\n  lr:\n    value: {tag}\n")
    code, diags, _ = lint(tmp_path, "evil.yaml")
    assert not (tmp_path / "CANARY").exists(), "something was executed"
    d = one(diags, "SL001")
    assert code == 1 and (d["line"], d["column"]) == (4, 12) and "Python object" in d["message"]


def test_custom_tags_merge_keys_and_odd_keys(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    text = (
        "base: &base {distribution: uniform, min: 0.0001}\n"
        "program: train.py\nmethod: random\nrun_cap: 5\n"
        "parameters:\n"
        "  learning_rate:\n    <<: *base\n    max: 0.1\n"
        "  tagged: !Ref {value: 3}\n"
        "  ? [a, b]\n  : {values: [1]}\n"
        "  ? {k: v}\n  : {values: [1]}\n"
        "  1: {values: [1]}\n  true: {values: [1]}\n  null: {values: [1]}\n  2.5: {value: 1}\n"
    )
    (tmp_path / "odd.yaml").write_text(text)
    code, diags, _ = lint(tmp_path, "odd.yaml")
    assert code == 1
    for d in diags:
        _inside(d, text)
        assert d["code"] != "SL999", d


def test_multi_document_yaml(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "multi.yaml").write_text(WANDB + "---\n" + WANDB)
    code, diags, _ = lint(tmp_path, "multi.yaml")
    d = one(diags, "SL001")
    assert code == 1 and "single YAML document" in d["message"]
    assert one(diags, "SL101")["line"] == 10


@pytest.mark.parametrize("text", ["", "# only a comment\n# and another\n", "\n\n\n", "---\n...\n"])
def test_empty_and_comment_only_files(tmp_path, text):
    (tmp_path / "empty.yaml").write_text(text)
    code, out, _ = lint(tmp_path, "empty.yaml", fmt="concise")
    assert code == 0 and "No sweep files found" in out


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("low,high", [(".nan", "0.1"), ("-.inf", ".inf"), ("0.0001", ".NaN"), ("1", "1" + "0" * 5000)])
def test_nan_inf_and_enormous_bounds(tmp_path, low, high):
    (tmp_path / "train.py").write_text(TRAIN)
    text = WANDB.replace("min: 0.0001", f"min: {low}").replace("max: 0.1", f"max: {high}")
    (tmp_path / "v.yaml").write_text(text)
    code, diags, _ = lint(tmp_path, "v.yaml")
    assert code in (0, 1)
    for d in diags:
        _inside(d, text)
        assert d["code"] != "SL999", d


def test_enormous_integers_in_json(tmp_path):
    text = '{"lr": {"_type": "uniform", "_value": [1, 1' + "0" * 10_000 + "]}}"
    (tmp_path / "search_space.json").write_text(text)
    code, diags, _ = lint(tmp_path, "search_space.json")
    assert code in (0, 1)
    for d in diags:
        assert d["code"] != "SL999", d


# --- the file system ------------------------------------------------------------------------------


def test_symlink_loops_dangling_links_and_fifos_in_a_scanned_folder(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "good.yaml").write_text(WANDB)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    code, diags, _ = lint(tmp_path, ".")
    assert code == 1
    assert one(diags, "SL101")["path"] == "good.yaml"
    assert all(d["code"] != "SL999" for d in diags)
    code, diags, _ = lint(tmp_path, "pipe.yaml")
    d = one(diags, "SL001")
    assert code == 1 and "not a regular file" in d["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(WANDB)
    path.chmod(0)
    code, diags, _ = lint(tmp_path, "secret.yaml")
    assert code == 1 and one(diags, "SL001")["message"].startswith("cannot read the file")


# --- training scripts -----------------------------------------------------------------------------


def _with_program(tmp_path: Path, program: str, extra: dict[str, str] | None = None,
                  time_limit: float = TIME_LIMIT) -> tuple[int, list]:
    (tmp_path / "train.py").write_text(program)
    for name, text in (extra or {}).items():
        (tmp_path / name).write_text(text)
    (tmp_path / "sweep.yaml").write_text(WANDB)
    code, diags, _ = lint(tmp_path, "sweep.yaml", time_limit=time_limit)
    assert all(d["code"] != "SL999" for d in diags), diags
    return code, diags


def test_a_function_just_under_the_length_limit_is_followed_within_the_limits(tmp_path):
    from sweeplint.codefacts.extract import MAX_FUNCTION_LINES

    body = "".join(f"    v{i} = cfg.learning_rate * {i}\n" for i in range(MAX_FUNCTION_LINES - 100))
    program = "import wandb\n\ndef main():\n    run = wandb.init()\n    cfg = wandb.config\n" + body + "    wandb.log({'val_loss': v1})\n\nmain()\n"
    code, diags = _with_program(tmp_path, program)
    assert code == 1 and one(diags, "SL101")
    assert not any(d["code"] == "SL001" for d in diags), diags   # read and linked, not refused


def test_a_fifo_named_like_a_module_beside_a_sweep_dict_is_skipped(tmp_path):
    # the lookup of the program that imports a sweep-dict module reads the project's Python files
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "sweep_config.py").write_text(
        'sweep_config = {"method": "random", "metric": {"name": "loss", "goal": "minimize"}, '
        '"parameters": {"lr": {"min": 0.00001, "max": 0.1}}}\n')
    os.mkfifo(tmp_path / "evil.py")
    code, diags, _ = lint(tmp_path, "configs/sweep_config.py")
    assert code == 1 and one(diags, "SL101")


def test_a_program_with_a_syntax_error(tmp_path):
    code, diags = _with_program(tmp_path, "import wandb\ndef broken(:\n    pass\n")
    assert code == 1
    assert one(diags, "SL101")  # the config's own findings still come
    parse = [d for d in diags if d["code"] == "SL001"]
    if parse:  # with code analysis, the program is reported where the config names it
        assert (parse[0]["line"], parse[0]["column"]) == (1, 10) and "(line " in parse[0]["message"]


def test_star_imports_and_import_cycles(tmp_path):
    program = "import wandb\nfrom helpers import *\nimport a\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'val_loss': lr})\n"
    code, diags = _with_program(tmp_path, program, {
        "helpers.py": "from train import *\nX = 1\n",
        "a.py": "import b\nfrom b import y\nx = 1\n",
        "b.py": "import a\nfrom a import x\ny = 2\n",
    })
    assert code == 1 and one(diags, "SL101")


def test_a_20000_line_function(tmp_path):
    body = "".join(f"    v{i} = cfg.learning_rate * {i}\n" for i in range(20_000))
    program = "import wandb\n\ndef main():\n    run = wandb.init()\n    cfg = wandb.config\n" + body + "    wandb.log({'val_loss': v1})\n\nmain()\n"
    # Past the function-length limit the program is refused before libcst parses it (a finding at
    # the config's program), and the config's own rules still run.
    code, diags = _with_program(tmp_path, program)
    assert code == 1 and one(diags, "SL101")
    assert any(d["code"] == "SL001" and "the function main at line 3 is longer than" in d["message"] for d in diags), diags


def test_the_size_bound_is_exact_and_a_file_is_read_whole_up_to_it(tmp_path, monkeypatch):
    from sweeplint import source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 64)
    (tmp_path / "at.yaml").write_bytes(b"a" * 64)
    (tmp_path / "over.yaml").write_bytes(b"a" * 65)
    (tmp_path / "empty.yaml").write_bytes(b"")
    assert source.read_bytes(str(tmp_path / "at.yaml")) == b"a" * 64
    assert source.read_bytes(str(tmp_path / "empty.yaml")) == b""
    with pytest.raises(source.UnreadableFile, match="larger than"):
        source.read_text(str(tmp_path / "over.yaml"))


def test_reading_a_small_file_allocates_about_its_size_not_the_bound(tmp_path):
    # (every config is read this way: 8 MiB asked of each read once showed in every input class)
    import tracemalloc

    from sweeplint import source

    (tmp_path / "sweep.yaml").write_bytes(b"method: random\n" * 100)
    tracemalloc.start()
    try:
        assert source.read_bytes(str(tmp_path / "sweep.yaml")) == b"method: random\n" * 100
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024, peak


def test_a_config_nested_deeper_than_the_recursion_limit(tmp_path):
    """Looking up the repository and the project folder climbs ~1,200 folders: no recursion error."""
    made = []
    folder = tmp_path
    try:
        for _ in range(1200):  # os.makedirs (and shutil.rmtree) recurse once per level: made by hand
            folder = folder / "d"
            folder.mkdir()
            made.append(folder)
        (folder / "train.py").write_text("import wandb\nrun = wandb.init()\nwandb.log({'val_loss': run.config.lr})\n")
        (folder / "sweep.yaml").write_text(
            "program: train.py\nmethod: random\nmetric: {name: val_loss, goal: minimize}\n"
            "parameters:\n  lr:\n    distribution: uniform\n    min: 0.0001\n    max: 0.1\n"
        )
        code, diags, _ = lint(folder, ".")
        d = one(diags, "SL101")
        assert code == 1 and (d["line"], d["column"]) == (7, 10) and "lr" in d["message"]  # at the range's low bound
    finally:  # removed by hand too: pytest's clean-up of old temporary folders recurses per level
        for name in ("train.py", "sweep.yaml"):
            (folder / name).unlink(missing_ok=True)
        for each in reversed(made):
            for leftover in each.iterdir():
                if leftover.is_file():
                    leftover.unlink()
            each.rmdir()
