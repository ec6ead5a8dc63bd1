"""Machine-readable output formats, checked against what their consumers document."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

from conftest import SHARED, run_cli
from sweeplint.diagnostics import Diagnostic, Related, Severity
from sweeplint.model import Span
from sweeplint.report import FORMATS, ReportContext, available, render

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

BAD = """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform
    min: 0.00001
    max: 0.1
  weight_decay:
    min: 0.000001
    max: 0.01
"""

GOOD = """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
"""


@pytest.fixture
def project(write):
    return write({"sweeps/bad.yaml": BAD, "sweeps/good.yaml": GOOD, "notes.yaml": "just: a file\n"})


def lint(project, fmt: str) -> tuple[int, str]:
    proc = run_cli("check", "sweeps", "--output-format", fmt, cwd=project)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout


def tricky_diagnostics() -> list[Diagnostic]:
    """A finding with characters every format must escape, and one pointing into another file."""
    return [
        Diagnostic(
            "SL101", "linear-scale-parameter", Severity.WARNING,
            "90% of trials: a, b <c> & \"d\"\nsecond line\r",
            "dir/we,ird:name.yaml", Span(3, 5, 3, 9),
        ),
        Diagnostic(
            "SL102", "exponent-bounds-as-values", Severity.ERROR, "bounds look like values",
            "sweep.yaml", Span(7, 10, 8, 13),
            related=(Related("src/train.py", Span(12, 1, 12, 20), "the program reads it here"),),
        ),
        Diagnostic("SL000", "unused-suppression", Severity.INFO, "unused", "sweep.yaml", Span(1, 1, 1, 1)),
    ]


def test_every_documented_format_is_available():
    assert set(available()) == set(FORMATS)


# --- SARIF -------------------------------------------------------------------------------------


def validate_sarif(log: dict) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the SARIF 2.1.0 schema is not present in ../shared/schemas")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_from_the_command_line_is_valid_and_complete(project):
    code, out = lint(project, "sarif")
    assert code == 1
    log = json.loads(out)
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sweeplint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert "SL101" in ids and "SL102" in ids and len(ids) == len(set(ids))
    for r in rules:
        assert r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["help"]["text"] and r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert r["helpUri"].endswith("#" + (r["id"] + "-" + r["name"]).lower())
    sl102 = rules[ids.index("SL102")]
    assert sl102["defaultConfiguration"]["level"] == "error"

    results = run["results"]
    assert {r["ruleId"] for r in results} == {"SL101", "SL102"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "sweeps/bad.yaml", "uriBaseId": "%SRCROOT%"}
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["SL102"]["level"] == "error" and by_rule["SL101"]["level"] == "warning"
    region = by_rule["SL102"]["locations"][0]["physicalLocation"]["region"]
    # `min: 0.00001` is line 7; the value starts in column 10 and the span ends after `0.1` on line 8
    assert region == {"startLine": 7, "startColumn": 10, "endLine": 8, "endColumn": 13}
    assert by_rule["SL102"]["message"]["text"].startswith("learning_rate uses log_uniform with exponent bounds")
    assert "log_uniform_values" in by_rule["SL102"]["properties"]["help"]


def test_sarif_related_locations_and_escaping_are_valid():
    log = json.loads(render("sarif", tricky_diagnostics(), ReportContext()))
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert results[0]["message"]["text"].startswith("90% of trials: a, b <c>")
    assert unquote(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == "dir/we,ird:name.yaml"
    related = results[1]["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "src/train.py"
    assert related[0]["physicalLocation"]["region"]["startLine"] == 12
    assert related[0]["message"]["text"] == "the program reads it here"
    assert results[2]["level"] == "note"


def test_sarif_fingerprints_survive_lines_added_above(write):
    first = write({"a/sweep.yaml": BAD})
    out1 = run_cli("check", "a", "--output-format", "sarif", cwd=first).stdout
    (first / "a" / "sweep.yaml").write_text("# a comment added on top\n" + BAD, encoding="utf-8")
    out2 = run_cli("check", "a", "--output-format", "sarif", cwd=first).stdout
    prints1 = {r["ruleId"]: r["partialFingerprints"] for r in json.loads(out1)["runs"][0]["results"]}
    results2 = json.loads(out2)["runs"][0]["results"]
    prints2 = {r["ruleId"]: r["partialFingerprints"] for r in results2}
    assert prints1 == prints2
    assert results2[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 8


# --- GitHub workflow commands --------------------------------------------------------------------


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the Actions runner does."""
    assert line.startswith("::")
    head, _, message = line[2:].partition("::")
    command, _, props = head.partition(" ")
    properties = {}
    for pair in props.split(","):
        key, _, value = pair.partition("=")
        properties[key] = unescape_property(value)
    return command, properties, unescape_data(message)


def test_github_annotations_from_the_command_line(project):
    code, out = lint(project, "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    parsed = [parse_command(line) for line in lines]
    commands = {p[1]["title"]: p for p in parsed}
    command, props, message = commands["SL102 exponent-bounds-as-values"]
    assert command == "error"
    assert props == {"file": "sweeps/bad.yaml", "line": "7", "col": "10", "endLine": "8", "endColumn": "13",
                     "title": "SL102 exponent-bounds-as-values"}
    assert "log_uniform_values" in message
    command, props, message = commands["SL101 linear-scale-parameter"]
    assert command == "warning" and props["line"] == "10"
    assert "90% of trials" in message and "%25" in lines[[p[1]["title"] for p in parsed].index("SL101 linear-scale-parameter")]


def test_github_escapes_messages_and_properties():
    lines = render("github", tricky_diagnostics(), ReportContext()).splitlines()
    assert len(lines) == 3  # no raw newline survives in a message
    command, props, message = parse_command(lines[0])
    assert command == "warning"
    assert props["file"] == "dir/we,ird:name.yaml"
    assert "dir/we%2Cird%3Aname.yaml" in lines[0]
    assert message == "90% of trials: a, b <c> & \"d\"\nsecond line\r"
    command, props, message = parse_command(lines[1])
    assert command == "error" and props["endLine"] == "8"
    assert "src/train.py:12:1: the program reads it here" in message
    assert parse_command(lines[2])[0] == "notice"


# --- GitLab Code Quality ---------------------------------------------------------------------------


def test_gitlab_code_quality_has_the_required_keys(project):
    code, out = lint(project, "gitlab")
    assert code == 1
    issues = json.loads(out)
    assert isinstance(issues, list) and len(issues) == 2
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"].startswith("SL")
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] == "sweeps/bad.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int)
    by_check = {i["check_name"].split()[0]: i for i in issues}
    assert by_check["SL102"]["severity"] == "major" and by_check["SL102"]["location"]["lines"]["begin"] == 7
    assert by_check["SL101"]["severity"] == "minor" and by_check["SL101"]["location"]["lines"]["begin"] == 10
    assert len({i["fingerprint"] for i in issues}) == 2


def test_gitlab_fingerprints_are_stable_and_position_independent(write):
    root = write({"a/sweep.yaml": BAD})
    first = json.loads(run_cli("check", "a", "--output-format", "gitlab", cwd=root).stdout)
    again = json.loads(run_cli("check", "a", "--output-format", "gitlab", cwd=root).stdout)
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in again]
    (root / "a" / "sweep.yaml").write_text("# moved down by a comment\n" + BAD, encoding="utf-8")
    moved = json.loads(run_cli("check", "a", "--output-format", "gitlab", cwd=root).stdout)
    assert [i["location"]["lines"]["begin"] for i in moved] == [i["location"]["lines"]["begin"] + 1 for i in first]
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in first}
    (root / "a" / "sweep.yaml").write_text(BAD.replace("max: 0.01", "max: 0.02"), encoding="utf-8")
    changed = json.loads(run_cli("check", "a", "--output-format", "gitlab", cwd=root).stdout)
    sl101 = lambda issues: next(i["fingerprint"] for i in issues if i["check_name"].startswith("SL101"))  # noqa: E731
    assert sl101(changed) != sl101(first)


def test_gitlab_identical_findings_get_distinct_fingerprints():
    same = tricky_diagnostics()[1]
    issues = json.loads(render("gitlab", [same, same], ReportContext()))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


# --- JUnit XML ---------------------------------------------------------------------------------------


def test_junit_has_a_test_case_per_checked_file(project):
    code, out = lint(project, "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"sweeps/bad.yaml", "sweeps/good.yaml"}
    assert suite.get("tests") == "2" and suite.get("failures") == "1"   # failed test cases
    assert cases["sweeps/good.yaml"].find("failure") is None
    failures = cases["sweeps/bad.yaml"].findall("failure")
    assert sorted(f.get("type").split()[0] for f in failures) == ["SL101", "SL102"]
    assert all(f.get("message") and "sweeps/bad.yaml:" in f.text for f in failures)


def test_junit_escapes_markup_and_control_characters():
    ctx = ReportContext(files=("clean.yaml", "dir/we,ird:name.yaml"))
    root = ET.fromstring(render("junit", tricky_diagnostics(), ctx).encode("utf-8"))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"clean.yaml", "dir/we,ird:name.yaml", "sweep.yaml"}
    (failure,) = cases["dir/we,ird:name.yaml"].findall("failure")
    assert failure.get("message").startswith("90% of trials: a, b <c> & \"d\"")
    assert "<c> & \"d\"" in failure.text
    assert len(cases["sweep.yaml"].findall("failure")) == 2


def test_junit_with_no_findings_is_a_passing_suite(write):
    root_dir = write({"good.yaml": GOOD})
    proc = run_cli("check", ".", "--output-format", "junit", cwd=root_dir)
    assert proc.returncode == 0
    root = ET.fromstring(proc.stdout.encode("utf-8"))
    assert [c.get("name") for c in root.iter("testcase")] == ["good.yaml"]
    assert not list(root.iter("failure"))


# --- JSON lines -----------------------------------------------------------------------------------------


def test_json_lines_has_the_same_objects_as_json(project):
    code, out = lint(project, "json-lines")
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    _, whole = lint(project, "json")
    assert objects == json.loads(whole)
    assert {o["code"] for o in objects} == {"SL101", "SL102"}


def test_json_lines_keeps_one_object_per_line():
    lines = render("json-lines", tricky_diagnostics(), ReportContext()).splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0])["message"].endswith("second line\r")


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "json", "json-lines", "junit", "github"])
def test_no_findings_gives_an_empty_document(write, fmt):
    root = write({"good.yaml": GOOD})
    proc = run_cli("check", ".", "--output-format", fmt, cwd=root)
    assert proc.returncode == 0, proc.stderr
    if fmt in ("json", "gitlab"):
        assert json.loads(proc.stdout) == []
    elif fmt == "sarif":
        assert json.loads(proc.stdout)["runs"][0]["results"] == []
    elif fmt in ("json-lines", "github"):
        assert proc.stdout == ""


def test_sarif_describes_the_internal_error_diagnostic_too():
    crash = Diagnostic("SL999", "internal-error", Severity.ERROR, "rule SL101 crashed", "sweep.yaml", Span(1, 1, 1, 2))
    log = json.loads(render("sarif", [crash], ReportContext()))
    validate_sarif(log)
    run = log["runs"][0]
    (result,) = run["results"]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "SL999" and rule["name"] == "internal-error" and "helpUri" not in rule


# --- JSON --------------------------------------------------------------------------------------


def test_json_is_what_json_dumps_writes_with_an_indent_of_two():
    """The JSON report is built from templates for speed; its text is json.dumps(..., indent=2)'s."""
    from dataclasses import replace

    from sweeplint.diagnostics import Confidence
    from sweeplint.fixes import Applicability, Edit, Fix
    from sweeplint.report.json import as_dict

    plain = tricky_diagnostics()
    fixed = [
        replace(plain[0], fix=Fix("quote it \u00e9", (Edit(Span(3, 5, 3, 9), "'1e-3'\x00"),
                                                     Edit(Span(4, 1, 4, 1), "x: 1\n", "other.yaml")))),
        replace(plain[1], fix=Fix("nothing to edit", (), Applicability.UNSAFE), confidence=Confidence.WEAK),
        replace(plain[2], help="see \U0001f600 \u2028"),
        replace(plain[0], message="100% of %s and %(name)d stay as written"),  # the templates are filled with %
    ]
    for diagnostics in ([], plain, fixed, plain + fixed):
        expected = json.dumps([as_dict(d) for d in diagnostics], indent=2) + "\n"
        assert render("json", diagnostics, ReportContext()) == expected
