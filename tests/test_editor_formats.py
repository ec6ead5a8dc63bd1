"""The concise output read as editors read compiler output: each finding's file, line, column and
severity must come out right with the patterns Vim, Emacs and VS Code use for `file:line:col: warning:`.

The patterns are transcriptions of the editors' own: Emacs compilation-mode's `gnu` regexp (its type
groups: 6 is a warning, 7 an info), Vim's 'errorformat' entries (the gcc compiler plugin's and the
default one), interpreted as Vim does, and the `$gcc` problem matcher's regular expression in VS Code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run_cli

SWEEP = """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:  # sweeplint: disable=SL310
  learning_rate:
    distribution: log_uniform
    min: 0.00001
    max: 0.1
  weight_decay:
    min: 0.000001
    max: 0.01
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def output(write):
    """(folder, concise lines, (file, line, column, severity) of each finding as JSON reports it)."""
    root = write({"sweeps/bad.yaml": SWEEP})
    proc = run_cli("check", "sweeps", "--color", "never", cwd=root)
    assert proc.returncode == 1, proc.stderr
    listing = run_cli("check", "sweeps", "--output-format", "json", cwd=root)
    expected = [(d["path"], d["line"], d["column"], d["severity"]) for d in json.loads(listing.stdout)]
    assert {s for *_, s in expected} == {"error", "warning", "info"}  # the fixture has one of each
    lines = [line for line in proc.stdout.splitlines() if not line.startswith("Found ")]
    assert len(lines) == len(expected)
    return root, lines, expected


# --- Emacs: compilation-mode's gnu regexp ------------------------------------------------------

EMACS_GNU = re.compile(
    r"^(?:[^\W\d_][.\w-]+: ?| +\|)?"
    r"(?P<file>(?:[^\t\n 0-9]|[0-9]+[^\n0-9])(?:[^\n :]| [^\n/-]|:[^\n ])*?)"
    r": ?(?P<line>[0-9]+)"
    r"(?:-[0-9]+(?:\.[0-9]+)?|[.:](?P<column>[0-9]+)(?:-(?:[0-9]+\.)?[0-9]+)?)?"
    r":(?: *(?P<warning>FutureWarning|RuntimeWarning|W(?::|arning)|warning)"
    r"| *(?P<info>I(?::|nfo(?:rmation(?:al)?)?)|Note|in(?:fo(?:rmation(?:al)?)?|stantiated from)|note"
    r"|required from|\[ skipping .+ \])"
    r"| *[Ee]rror|[0-9]?(?:[^\n0-9]|$)|[0-9][0-9][0-9])"
)


def emacs_read(line: str):
    m = EMACS_GNU.match(line)
    assert m, line
    level = "warning" if m["warning"] else "info" if m["info"] else "error"
    return m["file"], int(m["line"]), int(m["column"]), level


def test_emacs_compilation_mode_reads_file_line_column_and_level(output):
    _, lines, expected = output
    assert [emacs_read(line) for line in lines] == expected


# --- Vim: 'errorformat' ---------------------------------------------------------------------------

# The gcc compiler plugin's entries for `file:line:col:` lines, in its order, then the entry of the
# default 'errorformat'; and the one-line format the README recommends, which types info lines too.
VIM_GCC = [r"%f:%l:%c:\ %trror:\ %m", r"%f:%l:%c:\ %tarning:\ %m", r"%f:%l:%c:\ %m", r"%f:%l:%c:%m"]
README = Path(__file__).resolve().parents[1] / "README.md"


def readme_errorformat() -> list[str]:
    """The errorformat the README gives for Vim."""
    found = re.search(r"^set errorformat=(.+)$", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, "the README gives no errorformat"
    return [found[1]]


def readme_problem_matcher() -> re.Pattern:
    """The VS Code task problem matcher's regexp the README gives."""
    found = re.search(r'"regexp": ("(?:[^"\\]|\\.)*")', README.read_text(encoding="utf-8"))
    assert found, "the README gives no problem matcher"
    return re.compile(json.loads(found[1]))


VIM_TYPES = {"e": "error", "w": "warning", "i": "info", "": None}


def efm_regex(entry: str) -> re.Pattern:
    """An errorformat entry as Vim matches it: %f is the shortest text (after an optional drive
    letter) before the literal that follows, %l and %c digits, %t one character, %*[..] a run of
    the class, %m the rest; `\\ ` is a space; the whole line must match."""
    out, i = "^", 0
    while i < len(entry):
        ch = entry[i]
        if ch == "\\":
            out += re.escape(entry[i + 1])
            i += 2
        elif ch == "%":
            kind = entry[i + 1]
            if kind == "*":
                end = entry.index("]", i)
                out += entry[i + 2:end + 1] + "*"
                i = end + 1
                continue
            out += {"f": r"(?P<f>(?:[A-Za-z]:)?.+?)", "l": r"(?P<l>\d+)", "c": r"(?P<c>\d+)",
                    "t": r"(?P<t>.)", "m": r"(?P<m>.+)"}[kind]
            i += 2
        else:
            out += re.escape(ch)
            i += 1
    return re.compile(out + "$")


def vim_read(line: str, errorformat: list[str]):
    for entry in errorformat:
        m = efm_regex(entry).match(line)
        if m:
            kind = (m.groupdict().get("t") or "").lower()
            return m["f"], int(m["l"]), int(m["c"]), VIM_TYPES[kind]
    raise AssertionError(f"no errorformat entry matches {line!r}")


def test_vim_gcc_errorformat_reads_errors_and_warnings(output):
    _, lines, expected = output
    for line, (path, row, column, severity) in zip(lines, expected):
        # The gcc plugin has no entry for info lines: they are read as plain, untyped entries.
        assert vim_read(line, VIM_GCC) == (path, row, column, None if severity == "info" else severity)


def test_vim_recommended_errorformat_reads_every_level(output):
    _, lines, expected = output
    assert [vim_read(line, readme_errorformat()) for line in lines] == expected


# --- VS Code: the $gcc problem matcher ------------------------------------------------------------

VSCODE_GCC = re.compile(r"^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$")


def test_vscode_gcc_matcher_reads_errors_and_warnings(output):
    _, lines, expected = output
    for line, want in zip(lines, expected):
        m = VSCODE_GCC.match(line)
        if want[3] == "info":
            assert m is None  # $gcc knows only warning and error
            continue
        assert m, line
        assert (m[1], int(m[2]), int(m[3]), m[4]) == want
        assert m[5].startswith("SL")


def test_vscode_documented_matcher_reads_every_level(output):
    _, lines, expected = output
    matches = [readme_problem_matcher().match(line) for line in lines]
    assert all(matches), lines
    assert [(m[1], int(m[2]), int(m[3]), m[4]) for m in matches] == expected
    assert all(m[5].startswith("SL") for m in matches)


# --- color ---------------------------------------------------------------------------------------


def test_color_off_is_plain_and_color_on_is_the_same_text_once_stripped(output):
    root, lines, _ = output
    colored = run_cli("check", "sweeps", "--color", "always", cwd=root).stdout
    assert ANSI.search(colored)
    assert not any(ANSI.search(line) for line in lines)
    stripped = [ANSI.sub("", line) for line in colored.splitlines() if not ANSI.sub("", line).startswith("Found ")]
    assert stripped == lines
    # without --color, output to a pipe is plain as well
    plain = run_cli("check", "sweeps", cwd=root).stdout.splitlines()
    assert [line for line in plain if not line.startswith("Found ")] == lines


def test_concise_lines_are_short_and_full_output_has_the_help(output):
    root, lines, _ = output
    assert all(len(line) <= 160 for line in lines), lines
    full = run_cli("check", "sweeps", "--output-format", "full", "--color", "never", cwd=root).stdout
    assert "= help: Search it on a log scale (distribution: log_uniform_values)" in full
    assert "use distribution: log_uniform_values to give the bounds as values" in full
