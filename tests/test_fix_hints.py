"""sweeplint/fix_hints.py: the catalogue's fix hints shipped parsed, for reports."""

from __future__ import annotations

from pathlib import Path

from sweeplint import catalogue, fix_hints


def test_the_shipped_fix_hints_are_current():
    assert catalogue.render_fix_hints() == Path(fix_hints.__file__).read_text(encoding="utf-8"), \
        "sweeplint/fix_hints.py is stale: run `python -m sweeplint.catalogue --write`"


def test_a_fix_hint_is_the_catalogue_entry_fix_stripped():
    codes = sorted(p.stem for p in (catalogue.data_dir() / "catalogue").glob("*.yaml"))
    assert codes and set(codes) == set(fix_hints.HINTS)
    for code in codes:
        assert catalogue.fix_hint(code) == str(catalogue.rule_doc(code).get("fix", "")).strip(), code
    assert catalogue.fix_hint("SL998") == ""   # no catalogue entry: no hint


def test_the_check_command_says_when_the_file_is_stale(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(catalogue, "render_fix_hints", lambda: "HINTS = {}\n")
    assert catalogue.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
