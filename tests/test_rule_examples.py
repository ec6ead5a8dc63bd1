"""Every rule's documented examples are tests: bad ones must fire, good ones must stay silent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sweeplint.catalogue import data_dir, rule_doc
from sweeplint.lint import lint_paths
from sweeplint.rules import all_rules
from sweeplint.settings import from_table


def _examples():
    for rule in all_rules():
        doc = rule_doc(rule.code)
        for kind in ("bad", "good"):
            for index, example in enumerate((doc.get("examples") or {}).get(kind) or []):
                yield pytest.param(rule, kind, example, id=f"{rule.code}-{kind}-{index}")


def _commit_versions(versions: list, tmp_path: Path) -> None:
    """A round-to-round example's `previous`: earlier versions (oldest first), each a mapping of
    file names to texts, committed in turn to a git repository in tmp_path."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path), "PATH": os.environ["PATH"]})

    git("init", "-q")
    for index, version in enumerate(versions):
        for name, text in version.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", f"version {index + 1}")


def _run(example: dict, tmp_path: Path):
    files = example["files"]
    if "previous" in example:  # a round-to-round rule (SL6xx): `check --since HEAD` over these commits
        _commit_versions(example["previous"], tmp_path)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    target = example.get("check", next(iter(files)))
    # An example's `settings` is a [tool.sweeplint] table, read as sweeplint reads one.
    settings = from_table(example.get("settings") or {}, "example")
    settings.root = tmp_path
    if "previous" in example:
        settings.since = example.get("since", "HEAD")
    if "results" in example:  # a results rule (SL5xx): `sweeplint results RESULTS... --space SPACE`
        from sweeplint.results.judge import judge

        space = example.get("space")
        results = [str(tmp_path / r) for r in example["results"]]
        return judge(results, settings, str(tmp_path / space) if space else None).diagnostics
    return lint_paths([str(tmp_path / target)], settings).diagnostics


@pytest.mark.parametrize("rule, kind, example", list(_examples()))
def test_example(rule, kind, example, tmp_path):
    found = [d for d in _run(example, tmp_path) if d.code == rule.code]
    if kind == "good":
        assert not found, [f"{d.span.line}:{d.span.column} {d.message}" for d in found]
        return
    assert found, f"{rule.code} did not fire on its bad example"
    expected = example.get("expect")
    if expected:
        got = sorted((d.span.line, d.span.column) for d in found)
        want = sorted((e["line"], e["column"]) for e in expected)
        assert got == want, [f"{d.span.line}:{d.span.column} {d.message}" for d in found]
        for e in expected:
            if "message" in e:
                messages = [d.message for d in found if (d.span.line, d.span.column) == (e["line"], e["column"])]
                assert any(e["message"] in m for m in messages), messages
            if "help" in e:  # the finding's own help: how to fix it, shown by `full`, JSON and SARIF
                helps = [d.help or "" for d in found if (d.span.line, d.span.column) == (e["line"], e["column"])]
                assert any(e["help"] in h for h in helps), helps


def test_every_rule_is_documented_with_examples():
    for rule in all_rules():
        doc = rule_doc(rule.code)
        assert doc, f"{rule.code} has no rules/catalogue/{rule.code}.yaml"
        for field in ("summary", "why", "fix"):
            assert str(doc.get(field, "")).strip(), f"{rule.code} documentation lacks {field}"
        examples = doc.get("examples") or {}
        assert examples.get("bad"), f"{rule.code} has no bad example"
        assert examples.get("good"), f"{rule.code} has no good example"


def test_every_catalogue_file_belongs_to_a_rule():
    codes = {r.code for r in all_rules()}
    files = {p.stem for p in (data_dir() / "catalogue").glob("*.yaml")}
    assert files <= codes, files - codes


def test_codes_and_names_are_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
