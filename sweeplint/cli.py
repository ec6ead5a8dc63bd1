"""The command line: `sweeplint [check] PATHS`, `sweeplint rule CODE`, and friends.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
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
    split_codes,
    statistics,
    texts_of,
    use_color,
    validate_cli_selectors,
    write_output,
)

COMMANDS = ("check", "rule", "graph", "server", "results")


class _Parser(argparse.ArgumentParser):
    partial = False  # set on a parser built with one sub-command only (build_parser(only=...))

    def _get_formatter(self):
        # argparse makes a formatter for every argument added, and a formatter asks shutil for the
        # terminal's width: importing shutil (and the compression modules it imports) cost a
        # one-file run more than its parser. The width is found by the same rules here.
        return self.formatter_class(prog=self.prog, width=_terminal_columns() - 2)

    def error(self, message: str):  # one clear line and exit code 2, as for every usage error
        if message.startswith("unrecognized arguments: "):
            message += _suggest_option(build_parser() if self.partial else self, message.split(": ", 1)[1].split())
        raise UsageError(message)


def _terminal_columns() -> int:
    """The terminal's width as shutil.get_terminal_size() gives it: $COLUMNS when it is a positive
    number, else the width of the terminal standard output is, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


def _suggest_option(parser: argparse.ArgumentParser, given: list[str]) -> str:
    """`; did you mean --select?` for a mistyped option, looking into every sub-command."""
    import difflib

    options: set[str] = set()
    pending = [parser]
    while pending:
        current = pending.pop()
        for action in current._actions:
            options.update(o for o in action.option_strings if o.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())
    for word in given:
        if word.startswith("--"):
            close = difflib.get_close_matches(word.split("=", 1)[0], sorted(options), n=1, cutoff=0.6)
            if close:
                return f"; did you mean {close[0]}?"
    return ""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or with only="check" of that one (what `sweeplint check ...`
    needs: building the others cost a one-file run more than reading its file)."""
    parser = _Parser(prog="sweeplint", description="Lint hyperparameter sweeps and the training code they drive.")
    parser.partial = only is not None
    parser.add_argument("--version", action="version", version=f"sweeplint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="lint sweep configs (default command)")
    check.add_argument("paths", nargs="*", help="files or directories (default: the current directory); "
                       "`-` reads one file from standard input (name it with --stdin-filename)")
    check.add_argument("--select", help="comma-separated rule codes or prefixes to enable (e.g. SL1,SL205)")
    check.add_argument("--extend-select", help="codes or prefixes to enable on top of the selection")
    check.add_argument("--ignore", help="codes or prefixes to disable")
    check.add_argument("--output-format", choices=None, help="concise (default), full, json, json-lines, sarif, github, gitlab, junit")
    check.add_argument("--fail-on", choices=("error", "warning", "info"), help="lowest severity that makes the exit code 1 (default: warning)")
    check.add_argument("--confidence", choices=("declared", "strong", "weak"),
                       help="the least sure methodology findings to show: declared (only what rests on declared roles), "
                            "strong (default) or weak (also opinions resting on weakly inferred roles or phase)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--config", help="use this pyproject.toml or sweeplint.toml")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--cache-dir", help="where to keep the cache (default: .sweeplint_cache)")
    check.add_argument("--jobs", "-j", type=int, help="most processes checking files at once (default: the available cores); "
                       "a tree too small to pay for workers is checked in one")
    check.add_argument("--strict", action="store_true", help="exit 2 when sweeplint itself failed on a file (internal error SL999)")
    check.add_argument("--stdin-filename", help="read the file's text from standard input, reporting it under this name")
    check.add_argument("--output-file", "-o", help="write the report to this file instead of standard output")
    check.add_argument("--show-settings", action="store_true",
                       help="print the settings sweeplint resolved (configuration file and command line) and exit")
    check.add_argument("--show-files", action="store_true", help="print the sweep files that would be checked and exit")
    check.add_argument("--baseline", metavar="FILE", help="report only findings that are not in this baseline file")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="record every current finding in this baseline file (then check with --baseline FILE) and exit")
    check.add_argument("--add-noqa", action="store_true",
                       help="write a `# sweeplint: disable=...` comment for every current finding, and exit")
    check.add_argument("--force-exclude", action="store_true", default=None,
                       help="apply exclude also to files named on the command line (as pre-commit and editors name them)")
    check.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false", default=None,
                       help="also check files that .gitignore files ignore")
    check.add_argument("--since", metavar="REF", help="compare each config with its version at this git revision "
                       "(branch, tag or commit) and run the round-to-round rules (SL6xx)")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes findings offer, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply fixes that change what is searched (review them)")
    check.add_argument("--diff", action="store_true", help="print what --fix would change as a unified diff, write nothing "
                       "(exit 1 when there is a change)")
    check.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    if only == "check":
        return parser

    rule = sub.add_parser("rule", help="explain a rule")
    rule.add_argument("rule", nargs="?", help="a code (SL101) or a name (linear-scale-parameter)")
    rule.add_argument("--all", action="store_true", help="every rule")
    rule.add_argument("--format", choices=("text", "markdown"), default="text")

    graph = sub.add_parser("graph", help="print the hyperparameter graph of a sweep config")
    graph.add_argument("config", help="a sweep config file")
    graph.add_argument("--format", choices=("dot", "mermaid", "json", "svg", "png"), default="dot",
                       help="dot (Graphviz, default), mermaid, json (networkx node-link data), or svg / png (needs Graphviz's dot)")
    graph.add_argument("--config-file", dest="settings_file", help="use this pyproject.toml or sweeplint.toml")
    graph.add_argument("--no-code", action="store_true", help="leave out what the training program does (code sites)")

    results = sub.add_parser("results", help="judge a finished sweep's results (Optuna, NNI, Ray Tune, W&B) against its search space")
    results.add_argument("paths", nargs="+", help="Optuna SQLite or journal files, NNI databases (nni.sqlite), "
                         "Ray Tune experiment folders, W&B run folders or runs tables (CSV)")
    results.add_argument("--space", help="the sweep config that defined the search space (bounds, scales, metric)")
    results.add_argument("--report", metavar="DIR", help="also write plots (PNG, SVG) and an HTML report into DIR "
                         "(needs: pip install 'sweeplint[report]')")
    for option in ("--select", "--extend-select", "--ignore"):
        results.add_argument(option, help=f"as for check ({option})")
    results.add_argument("--output-format", help="as for check")
    results.add_argument("--fail-on", choices=("error", "warning", "info"), help="as for check")
    results.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    results.add_argument("--config", help="use this pyproject.toml or sweeplint.toml")
    results.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    results.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    results.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    server = sub.add_parser("server", help="language server over stdio (needs: pip install 'sweeplint[lsp]')")
    server.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")
    return parser


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
YOUNG_OBJECTS_PER_COLLECTION = 10_000  # a larger check collects, less often (the default is 700)


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
            # the collector: a young collection every 700 of them cost ~3% of a run for nothing.
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
