"""The command line's full parser (argparse): every sub-command, help, and the usage errors.

A usual `sweeplint check` command line is read without it (sweeplint.cli_support.parse_check):
importing argparse and building this parser cost a small run some 5% of its instructions.
"""

from __future__ import annotations

import argparse
import os
import sys

from sweeplint import __version__
from sweeplint.cli_support import CHECK_OPTIONS, UsageError


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
    for flags, spec in CHECK_OPTIONS:
        check.add_argument(*flags, **spec)
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
