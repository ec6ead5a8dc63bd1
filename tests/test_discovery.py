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


def test_links_are_found_as_the_walk_finds_them(tmp_path, monkeypatch):
    """A linked file is checked once (under the first name found), a broken link and a linked
    folder's files are not; the folders are walked in name order."""
    import os

    from sweeplint.discover import discover

    for folder in ("a", "a/inner", "b", "c"):
        (tmp_path / folder).mkdir()
    for name in ("a/sweep.yaml", "a/inner/deep.yaml", "c/other.json"):
        (tmp_path / name).write_text("method: grid\n")
    os.symlink(tmp_path / "a" / "sweep.yaml", tmp_path / "b" / "alias.yaml")   # the same file again
    os.symlink(tmp_path / "c" / "other.json", tmp_path / "a" / "z_link.json")  # found before its target
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "b" / "broken.yaml")
    os.symlink(tmp_path / "a", tmp_path / "b" / "linked_folder")                # not followed
    monkeypatch.chdir(tmp_path)
    found = [t.path for t in discover(["."], (), tmp_path)]
    assert found == ["a/sweep.yaml", "a/z_link.json", "a/inner/deep.yaml"]
