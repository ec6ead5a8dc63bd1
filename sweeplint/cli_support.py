"""What the command line's subcommands share: exit codes, the usage error, the check command's
options, writing the report, colour, rule selectors, source texts for the report, and per-rule
statistics."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _arg(*flags: str, **spec) -> tuple[tuple[str, ...], dict]:
    return flags, spec


# The check command's arguments, as argparse's add_argument takes them: the full parser
# (sweeplint.cli_parser) is built from them, and parse_check reads a usual command line by them.
CHECK_OPTIONS = (
    _arg("paths", nargs="*", help="files or directories (default: the current directory); "
         "`-` reads one file from standard input (name it with --stdin-filename)"),
    _arg("--select", help="comma-separated rule codes or prefixes to enable (e.g. SL1,SL205)"),
    _arg("--extend-select", help="codes or prefixes to enable on top of the selection"),
    _arg("--ignore", help="codes or prefixes to disable"),
    _arg("--output-format", choices=None, help="concise (default), full, json, json-lines, sarif, github, gitlab, junit"),
    _arg("--fail-on", choices=("error", "warning", "info"), help="lowest severity that makes the exit code 1 (default: warning)"),
    _arg("--confidence", choices=("declared", "strong", "weak"),
         help="the least sure methodology findings to show: declared (only what rests on declared roles), "
              "strong (default) or weak (also opinions resting on weakly inferred roles or phase)"),
    _arg("--exit-zero", action="store_true", help="exit 0 even when there are findings"),
    _arg("--config", help="use this pyproject.toml or sweeplint.toml"),
    _arg("--no-cache", action="store_true", help="neither read nor write the cache"),
    _arg("--cache-dir", help="where to keep the cache (default: .sweeplint_cache)"),
    _arg("--jobs", "-j", type=int, help="most processes checking files at once (default: the available cores); "
         "a tree too small to pay for workers is checked in one"),
    _arg("--strict", action="store_true", help="exit 2 when sweeplint itself failed on a file (internal error SL999)"),
    _arg("--stdin-filename", help="read the file's text from standard input, reporting it under this name"),
    _arg("--output-file", "-o", help="write the report to this file instead of standard output"),
    _arg("--show-settings", action="store_true",
         help="print the settings sweeplint resolved (configuration file and command line) and exit"),
    _arg("--show-files", action="store_true", help="print the sweep files that would be checked and exit"),
    _arg("--baseline", metavar="FILE", help="report only findings that are not in this baseline file"),
    _arg("--write-baseline", metavar="FILE",
         help="record every current finding in this baseline file (then check with --baseline FILE) and exit"),
    _arg("--add-noqa", action="store_true",
         help="write a `# sweeplint: disable=...` comment for every current finding, and exit"),
    _arg("--force-exclude", action="store_true", default=None,
         help="apply exclude also to files named on the command line (as pre-commit and editors name them)"),
    _arg("--no-respect-gitignore", dest="respect_gitignore", action="store_false", default=None,
         help="also check files that .gitignore files ignore"),
    _arg("--since", metavar="REF", help="compare each config with its version at this git revision "
         "(branch, tag or commit) and run the round-to-round rules (SL6xx)"),
    _arg("--fix", action="store_true", help="apply the safe fixes findings offer, then report what remains"),
    _arg("--unsafe-fixes", action="store_true",
         help="with --fix or --diff, also apply fixes that change what is searched (review them)"),
    _arg("--diff", action="store_true", help="print what --fix would change as a unified diff, write nothing "
         "(exit 1 when there is a change)"),
    _arg("--statistics", action="store_true", help="print the number of findings per rule"),
    _arg("--quiet", "-q", action="store_true", help="print findings only, no summary"),
    _arg("--color", choices=("auto", "always", "never"), default="auto"),
)


def parse_check(argv: list[str]) -> SimpleNamespace | None:
    """`check` and its options and paths read as the full parser reads them (the same attributes
    with the same values), without importing argparse and building that parser: about 5% of the
    instructions of a small run. None for a command line it does not read exactly as argparse
    does: another command, help, an unknown or abbreviated option, an option's value missing,
    refused or starting with `-`, a flag given a value, `--`, paths split by options. The full
    parser then reads it, and reports its errors."""
    if argv[:1] != ["check"]:
        return None
    actions = {}  # option string -> (dest, action, spec)
    values: dict = {"command": "check"}
    for flags, spec in CHECK_OPTIONS:
        if not flags[0].startswith("-"):
            values[flags[0]] = []  # the paths, as argparse leaves them when none is given
            continue
        dest = spec.get("dest") or flags[0][2:].replace("-", "_")
        action = spec.get("action", "store")
        values[dest] = spec.get("default", {"store_true": False, "store_false": True}.get(action))
        for flag in flags:
            actions[flag] = (dest, action, spec)
    paths: list[str] = []
    options_after_paths = False
    words = argv[1:]
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "-" or not word.startswith("-"):
            if options_after_paths:
                return None  # paths on both sides of an option: argparse refuses the second group
            paths.append(word)
            continue
        options_after_paths = bool(paths)
        name, given, value = word.partition("=") if word.startswith("--") else (word, "", None)
        if name not in actions:
            return None
        dest, action, spec = actions[name]
        if action != "store":
            if given:
                return None
            values[dest] = action == "store_true"
            continue
        if not given:
            if index == len(words) or words[index].startswith("-"):
                return None
            value = words[index]
            index += 1
        if "type" in spec:
            try:
                value = spec["type"](value)
            except (TypeError, ValueError):
                return None
        if spec.get("choices") is not None and value not in spec["choices"]:
            return None
        values[dest] = value
    values["paths"] = paths
    return SimpleNamespace(**values)


def write_output(text: str, output_file: str | None) -> None:
    """To standard output, or atomically to a file (its folder is created). A device, FIFO or socket
    (`/dev/null`, `/dev/stdout`, a pipe) is written to, never replaced: a new file renamed over it
    would take its place (for root, over /dev/null itself)."""
    if not output_file:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import stat
    import tempfile

    target = Path(output_file)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # (no such file yet: made below)
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def use_color(choice: str, to_terminal: bool) -> bool:
    """--color always/never; in auto, FORCE_COLOR (set and not empty or 0) forces colour, NO_COLOR
    (set and not empty) turns it off, and otherwise colour goes only to a terminal."""
    if choice != "auto":
        return choice == "always"
    force = os.environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return to_terminal


def split_codes(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def validate_cli_selectors(args: argparse.Namespace) -> None:
    from sweeplint.lint import validate_selectors
    from sweeplint.rules import rule_index

    for option, value in (("--select", args.select), ("--extend-select", args.extend_select), ("--ignore", args.ignore)):
        if value is not None and not split_codes(value):
            raise UsageError(f"{option} needs at least one rule code or prefix (e.g. {option} SL1)")
        validate_selectors(split_codes(value), rule_index(), option)


def texts_of(paths: set[str], stdin) -> dict[str, str]:
    from sweeplint.source import UnreadableFile, read_text

    texts = {}
    for path in paths:
        if stdin is not None and path == stdin[0]:
            if isinstance(stdin[1], str):
                texts[path] = stdin[1]
            continue
        try:
            texts[path] = read_text(path)
        except (OSError, UnreadableFile):
            pass
    return texts


def statistics(diagnostics) -> str:
    from collections import Counter

    counts = Counter((d.code, d.name) for d in diagnostics)
    return "".join(f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
