"""docs/rules.md is generated from the rules; it must not drift from them."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT
from sweeplint.catalogue import rule_doc
from sweeplint.docs import REPOSITORY, RULES_PAGE, anchor, render_rules_page, rule_url
from sweeplint.rules import all_rules

RULES_MD = ROOT / "docs" / "rules.md"
REGENERATE = "python -m sweeplint.docs --write docs/rules.md"

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


def test_rules_md_is_up_to_date():
    assert RULES_MD.is_file(), f"docs/rules.md is missing; run `{REGENERATE}`"
    current = RULES_MD.read_text(encoding="utf-8")
    assert current == render_rules_page(), f"docs/rules.md is stale; run `{REGENERATE}`"


def test_check_mode_detects_a_stale_file(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text(render_rules_page().replace("## SL", "## XX", 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sweeplint.docs", "--check", str(stale)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "out of date" in proc.stderr
    stale.write_text(render_rules_page(), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sweeplint.docs", "--check", str(stale)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_every_rule_has_a_complete_section():
    page = render_rules_page()
    sections = re.split(r"(?m)^## ", page)[1:]
    by_heading = {s.splitlines()[0]: s for s in sections}
    for rule in all_rules():
        heading = f"{rule.code} {rule.name}"
        assert heading in by_heading, f"no section for {heading}"
        section = by_heading[heading]
        assert f"Default severity: **{rule.severity}**" in section
        assert "### How to fix" in section
        if not rule_doc(rule.code):
            continue  # a missing catalogue file is reported by test_rule_examples
        body = section.split("\n", 1)[1]
        summary = body.split("Default severity:", 1)[1].split("\n\n", 2)[1].strip()
        assert summary and not summary.startswith("#"), f"{rule.code} has no summary"
        assert "Bad (`" in section and "Good (`" in section, f"{rule.code} has no examples"
        # the table of contents links to this section by the anchor GitHub derives from the heading
        assert f"(#{anchor(rule.code, rule.name)})" in page


def test_rule_links_point_into_the_repository_named_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Repository"] == REPOSITORY
    assert project["urls"]["Documentation"] == RULES_PAGE
    assert rule_url("SL101", "linear-scale-parameter") == f"{RULES_PAGE}#sl101-linear-scale-parameter"
