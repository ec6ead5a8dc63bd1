"""The command line: `sweeplint [check] PATHS`, `sweeplint rule CODE`, and friends.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from sweeplint import __version__
from sweeplint.cli_support import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    parse_check,
    split_codes,
    statistics,
    texts_of,
    use_color,
    validate_cli_selectors,
    write_output,
)

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    import argparse

COMMANDS = ("check", "rule", "graph", "server", "results")


def main(argv: list[str] | None = None) -> int:
    # Start-up makes only objects that live to the end (modules, classes, the rule table): the
    # cyclic collector would just scan them again and again, some 7% of a one-file run. It is off
    # until the command is known, and stays off for a check of a few named files (pre-commit, an
    # editor), whose garbage is bounded by those files; every other run collects as usual.
    collecting = gc.isenabled()
    thresholds = gc.get_threshold()
    gc.disable()
    try:
        return _main(argv, collecting)
    finally:
        gc.set_threshold(*thresholds)
        if collecting:
            gc.enable()


def run() -> None:
    """The process's entry point (the `sweeplint` script, `python -m sweeplint`): main, then exit.

    main itself never exits: a caller that runs it in its own process (the tests) goes on."""
    code = main()
    gc.freeze()  # (the collection at a normal exit then has nothing to scan)
    exit_now(code)


def exit_now(code: int) -> None:
    """End the process once its output is flushed, without tearing the interpreter down: freeing a
    large run's objects one by one, which the system reclaims at once, was 10-20 ms of its serial
    end. Only when nothing else is left to run at exit: no other thread (the language server's), no
    atexit callback (a library's); otherwise the usual exit."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be written to it
            pass
    import atexit

    threading = sys.modules.get("threading")
    if (threading is not None and threading.active_count() > 1) or getattr(atexit, "_ncallbacks", lambda: 1)() > 0:
        sys.exit(code)
    os._exit(code)


SMALL_RUN_FILES = 20  # a check of at most this many named files runs without the cyclic collector
YOUNG_OBJECTS_PER_COLLECTION = 100_000  # a larger check collects, less often (the default is 700)


def _few_named_files(paths: list[str]) -> bool:
    return 0 < len(paths) <= SMALL_RUN_FILES and all(p == "-" or os.path.isfile(p) for p in paths)


def _main(argv: list[str] | None, collecting: bool) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "check")
    args = None
    if argv == ["--version"]:  # as argparse's version action prints it, without building the parser
        sys.stdout.write(f"sweeplint {__version__}\n")
        raise SystemExit(0)
    try:
        args = parse_check(argv)
        if args is None:  # another command, or a check command line only the full parser reads
            from sweeplint.cli_parser import build_parser

            args = build_parser(only="check" if argv[0] == "check" else None).parse_args(argv)
        if collecting and args.command != "check":
            gc.enable()
        if args.command == "rule":
            return _rule(args)
        if args.command == "graph":
            return _graph(args)
        if args.command == "results":
            return _results(args)
        if args.command == "server":
            from sweeplint.server import main as serve

            return serve()
        from sweeplint.check_command import run_check

        if collecting and not _few_named_files(args.paths):
            # Reading a file makes thousands of short-lived objects, freed by their counts, not by
            # the collector: a young collection every 700 of them cost ~3% of a run for nothing,
            # and one every 10,000 still ~2% (mostly scanning the live objects of the file being
            # read), and a third of the collector's time on programs. A run's cyclic garbage is a
            # few thousand objects per hundred files: collected every 100,000, it holds ~2-4 MB.
            gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *gc.get_threshold()[1:])
            gc.enable()
        return run_check(args)
    except UsageError as exc:
        print(f"sweeplint: error: {exc}", file=sys.stderr)
        _error_report(argv, str(exc), getattr(args, "resolved_format", None))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _option(argv: list[str], name: str) -> str | None:
    """The last value given to an option in argv (`--name value` or `--name=value`), read without
    the parser, which may be what failed."""
    found = None
    for index, word in enumerate(argv):
        if word == name and index + 1 < len(argv):
            found = argv[index + 1]
        elif word.startswith(name + "="):
            found = word.split("=", 1)[1]
    return found


def _error_report(argv: list[str], message: str, resolved_format: str | None = None) -> None:
    """A usage error under the `sarif` output format (asked for on the command line, or in the
    configuration when that was read) still leaves a valid SARIF log, with the error as a tool
    execution notification: an empty file would break the upload step that follows."""
    if (argv[:1] or [""])[0] != "check" or (resolved_format or _option(argv, "--output-format")) != "sarif":
        return
    from sweeplint.report.sarif import error_log

    try:
        write_output(error_log(message), _option(argv, "--output-file") or _option(argv, "-o"))
    except OSError as exc:
        print(f"sweeplint: error: cannot write the SARIF log: {exc}", file=sys.stderr)


def _results(args: argparse.Namespace) -> int:
    """`sweeplint results PATH... [--space CONFIG]`: the SL5xx rules on a finished sweep's results."""
    from sweeplint.diagnostics import Severity
    from sweeplint.report import FORMATS, ReportContext, render
    from sweeplint.results.judge import judge
    from sweeplint.settings import ConfigError, load_settings

    try:
        start = Path(args.space or args.paths[0])
        settings = load_settings(Path(args.config) if args.config else None, start.parent if start.is_file() else start if start.exists() else Path.cwd())
        validate_cli_selectors(args)
        settings.select = split_codes(args.select) or settings.select
        settings.extend_select += split_codes(args.extend_select)
        settings.ignore += split_codes(args.ignore)
        if args.fail_on:
            settings.fail_on = Severity.parse(args.fail_on)
        fmt = args.output_format or settings.output_format or "concise"
        if fmt not in FORMATS:
            raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        result = judge(args.paths, settings, args.space, args.report)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    color = use_color(args.color, sys.stdout.isatty())
    texts = texts_of({d.path for d in result.diagnostics}, None) if fmt in ("full", "sarif", "gitlab") else None
    sys.stdout.write(render(fmt, result.diagnostics, ReportContext(color=color, files_checked=result.files_checked,
                                                                   texts=texts, files=tuple(result.files))))
    if args.statistics:
        (sys.stdout if fmt in ("concise", "full") else sys.stderr).write(statistics(result.diagnostics))
    if fmt in ("concise", "full") and not args.quiet:
        n = len(result.diagnostics)
        studies = f"{result.files_checked} stud{'ies' if result.files_checked != 1 else 'y'}"
        sys.stdout.write(f"Found {n} problem{'s' if n != 1 else ''} in {studies}.\n" if n else f"All checks passed ({studies} judged).\n")
    sys.stdout.flush()
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(d.severity >= settings.fail_on for d in result.diagnostics) else EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from sweeplint.explain import explain
    from sweeplint.rules import rule_index

    rules = rule_index()
    if args.all:
        chosen = list(rules)
    elif args.rule:
        wanted = args.rule.strip()
        chosen = [r for r in rules if r.code == wanted.upper() or r.name == wanted.lower()]
        if not chosen:
            raise UsageError(f"unknown rule {wanted!r}; `sweeplint rule --all` lists them")
    else:
        raise UsageError("name a rule (e.g. `sweeplint rule SL101`) or pass --all")
    sys.stdout.write("\n".join(explain(r, args.format, reports=not args.all) for r in chosen))
    return EXIT_OK


def _graph(args: argparse.Namespace) -> int:
    """`sweeplint graph CONFIG` (sweeplint.graph_command)."""
    from sweeplint.graph_command import GraphUsageError, run_graph

    try:
        return run_graph(args.config, args.format, args.settings_file, args.no_code)
    except GraphUsageError as exc:
        raise UsageError(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
