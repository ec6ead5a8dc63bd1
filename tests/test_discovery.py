"""Sweep files found by walking a directory are never skipped silently."""

from __future__ import annotations

from lintkit import lint_tree


def test_a_sweep_holding_a_python_tag_gets_sl001_when_its_directory_is_checked(tmp_path):
    found = lint_tree(tmp_path, {"sweeps/sweep.yaml": """\
        method: grid
        parameters:
          lr: !!python/object/apply:math.sqrt [4]
        """})
    assert [(f, c, line, col) for f, c, line, col, _ in found] == [("sweeps/sweep.yaml", "SL001", 3, 7)]
    assert "!!python/object/apply:math.sqrt asks a loader to build a Python object" in found[0][4]


def test_other_yaml_with_a_python_tag_is_still_skipped(tmp_path):
    found = lint_tree(tmp_path, {"logging.yaml": "handlers:\n  console: !!python/name:logging.StreamHandler\n"})
    assert found == []


def test_upper_case_suffixes_are_found(tmp_path):
    found = lint_tree(tmp_path, {"SWEEP.YAML": """\
        method: grid
        parameters:
          lr: {values: [0.1, 0.01], distribuiton: categorical}
        """})
    assert [(f, c, line) for f, c, line, *_ in found if c == "SL002"] == [("SWEEP.YAML", "SL002", 3, )]
