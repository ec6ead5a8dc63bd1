"""The command line: `sweeplint [check] PATHS`, `sweeplint rule CODE`, and friends.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sweeplint import __version__

COMMANDS = ("check", "rule", "graph", "server", "results")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line and exit code 2, as for every usage error
        if message.startswith("unrecognized arguments: "):
            message += _suggest_option(self, message.split(": ", 1)[1].split())
        raise UsageError(message)


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sweeplint", description="Lint hyperparameter sweeps and the training code they drive.")
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
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "check")
    args = None
    try:
        args = build_parser().parse_args(argv)
        if args.command == "rule":
            return _rule(args)
        if args.command == "graph":
            return _graph(args)
        if args.command == "results":
            return _results(args)
        if args.command == "server":
            from sweeplint.server import main as serve

            return serve()
        return _check(args)
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
        _write_output(error_log(message), _option(argv, "--output-file") or _option(argv, "-o"))
    except OSError as exc:
        print(f"sweeplint: error: cannot write the SARIF log: {exc}", file=sys.stderr)


def _write_output(text: str, output_file: str | None) -> None:
    """To standard output, or atomically to a file (its folder is created)."""
    if not output_file:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile

    target = Path(output_file)
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


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def _check(args: argparse.Namespace) -> int:
    from sweeplint.diagnostics import Confidence, Severity
    from sweeplint.discover import MissingPath
    from sweeplint.lint import lint_paths
    from sweeplint.report import FORMATS, ReportContext, available, render, repository_root
    from sweeplint.settings import ConfigError, load_settings

    paths = args.paths or ["."]
    reads_stdin = "-" in paths or bool(args.stdin_filename)
    if "-" in paths and len(paths) > 1:
        raise UsageError("`-` reads one file from standard input; it cannot be combined with other paths")
    stdin_name = args.stdin_filename or "-"
    try:
        start = Path(stdin_name if reads_stdin else paths[0])
        if not start.exists():
            start = start.parent if str(start.parent) else Path(".")
        settings = load_settings(Path(args.config) if args.config else None, start if start.exists() else Path.cwd())
        fmt = args.output_format or settings.output_format or "concise"
        args.resolved_format = fmt  # a usage error from here on is reported in this format too (SARIF)
        _validate_cli_selectors(args)
        if args.jobs is not None and args.jobs < 1:
            raise UsageError(f"--jobs must be a positive number, not {args.jobs}")
        if args.select:
            settings.select = _split(args.select)
        if args.extend_select:
            settings.extend_select += _split(args.extend_select)
        if args.ignore:
            settings.ignore += _split(args.ignore)
        if args.fail_on:
            settings.fail_on = Severity.parse(args.fail_on)
        if args.confidence:
            settings.confidence = Confidence.parse(args.confidence)
        if args.force_exclude is not None:
            settings.force_exclude = args.force_exclude
        if args.respect_gitignore is not None:
            settings.respect_gitignore = args.respect_gitignore
        baseline = _adoption_options(args, reads_stdin)
        if args.since:  # round-to-round rules; their results depend on the history, so none are cached
            from sweeplint.history import compare_with

            args.no_cache = compare_with(settings, args.since, stdin_name if reads_stdin else paths[0])
        if fmt not in FORMATS:
            raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if fmt not in available():
            raise UsageError(f"output format {fmt!r} is not available in this version")
        if args.show_settings:
            from sweeplint.lint import select_rules
            from sweeplint.rules import rule_index
            from sweeplint.settings import show_settings

            settings.output_format = fmt
            codes = [r.code for r in select_rules(settings, rule_index())]
            _write_output(show_settings(settings, _jobs(args, settings), _cache_dir(args, settings), codes), args.output_file)
            return EXIT_OK
        if args.show_files:
            _write_output(_show_files(paths, settings, stdin_name if reads_stdin else None), args.output_file)
            return EXIT_OK
        stdin = None
        if reads_stdin:
            stdin = (stdin_name, _read_stdin())
        result = lint_paths(paths, settings, stdin=stdin, jobs=_jobs(args, settings), cache_dir=_cache_dir(args, settings))
        from sweeplint.fix_command import after_lint  # --fix, --diff: a fixed result, or the run's exit code

        result = after_lint(args, result, settings, stdin, lambda p, s: lint_paths(p, settings, stdin=s, jobs=_jobs(args, settings), cache_dir=_cache_dir(args, settings)))
        if isinstance(result, int):
            return result
    except MissingPath as exc:
        raise UsageError(f"path does not exist: {exc}") from None
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    color = use_color(args.color, sys.stdout.isatty() and not args.output_file)
    texts = None
    root = repository_root(start, settings)
    if fmt in ("full", "sarif", "gitlab") or baseline or args.write_baseline:  # source lines; fingerprints that survive moved lines
        texts = _texts({d.path for d in result.diagnostics}, stdin)
    if args.write_baseline:
        return _write_baseline(args.write_baseline, result, texts, root)
    if baseline is not None:
        from sweeplint.baseline import new_findings

        kept = new_findings(result.diagnostics, baseline, texts, root)
        result.baselined = len(result.diagnostics) - len(kept)
        result.diagnostics = kept
    if args.add_noqa:
        return _add_noqa(result)
    ctx = ReportContext(color=color, files_checked=result.files_checked, texts=texts, files=tuple(result.files), root=root)
    out = render(fmt, result.diagnostics, ctx)
    if fmt in ("concise", "full"):
        if args.statistics:
            out += _statistics(result.diagnostics)
        if not args.quiet:
            out += _summary(result)
    elif args.statistics:
        sys.stderr.write(_statistics(result.diagnostics))
    if result.files_checked == 0 and fmt not in ("concise", "full") and not args.quiet:
        sys.stderr.write(_summary(result))
    try:
        _write_output(out, args.output_file)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output_file}: {exc.strerror or exc}") from None

    if args.exit_zero:
        return EXIT_OK
    if args.strict and any(d.code == "SL999" for d in result.diagnostics):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(d.severity >= settings.fail_on for d in result.diagnostics) else EXIT_OK


def _adoption_options(args: argparse.Namespace, reads_stdin: bool):
    """Checks --baseline, --write-baseline and --add-noqa before any file is read; the baseline."""
    if args.write_baseline and args.add_noqa:
        raise UsageError("--write-baseline and --add-noqa are two ways to adopt sweeplint; use one of them")
    if reads_stdin and (args.write_baseline or args.add_noqa):
        raise UsageError("--write-baseline and --add-noqa work on files, not on standard input")
    if not args.baseline or args.write_baseline:
        return None
    from sweeplint.baseline import BaselineError, load_baseline

    try:
        return load_baseline(args.baseline)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _write_baseline(file: str, result, texts, root: str) -> int:
    from sweeplint.baseline import baseline_text

    try:
        _write_output(baseline_text(result.diagnostics, texts, root), file)
    except OSError as exc:
        raise UsageError(f"cannot write {file}: {exc.strerror or exc}") from None
    n = len(result.diagnostics)
    print(f"Recorded {n} finding{'s' if n != 1 else ''} in {file}; `sweeplint check --baseline {file}` reports only new ones.")
    return EXIT_OK


def _add_noqa(result) -> int:
    from sweeplint.noqa import add_noqa

    sys.stdout.write(add_noqa(result.diagnostics, result.files).summary())
    return EXIT_OK


def _show_files(paths: list[str], settings, stdin_name: str | None) -> str:
    """The sweep files a check would read, one per line: discovery, then each file's content says
    whether it is a sweep (no rule runs)."""
    from sweeplint.discover import discover
    from sweeplint.read import read_path

    if stdin_name is not None:
        return stdin_name + "\n"
    shown = []
    for target in discover(paths, settings.exclude, settings.root, force_exclude=settings.force_exclude,
                           respect_gitignore=settings.respect_gitignore):
        try:
            if read_path(target.path, target.explicit).is_sweep:
                shown.append(target.path)
        except Exception:  # noqa: BLE001 - a reader failure is reported (SL999) when checking
            shown.append(target.path)
    return "".join(p + "\n" for p in shown)


def _results(args: argparse.Namespace) -> int:
    """`sweeplint results PATH... [--space CONFIG]`: the SL5xx rules on a finished sweep's results."""
    from sweeplint.diagnostics import Severity
    from sweeplint.report import FORMATS, ReportContext, render
    from sweeplint.results.judge import judge
    from sweeplint.settings import ConfigError, load_settings

    try:
        start = Path(args.space or args.paths[0])
        settings = load_settings(Path(args.config) if args.config else None, start.parent if start.is_file() else start if start.exists() else Path.cwd())
        _validate_cli_selectors(args)
        settings.select = _split(args.select) or settings.select
        settings.extend_select += _split(args.extend_select)
        settings.ignore += _split(args.ignore)
        if args.fail_on:
            settings.fail_on = Severity.parse(args.fail_on)
        fmt = args.output_format or settings.output_format or "concise"
        if fmt not in FORMATS:
            raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        result = judge(args.paths, settings, args.space, args.report)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    color = use_color(args.color, sys.stdout.isatty())
    texts = _texts({d.path for d in result.diagnostics}, None) if fmt in ("full", "sarif", "gitlab") else None
    sys.stdout.write(render(fmt, result.diagnostics, ReportContext(color=color, files_checked=result.files_checked,
                                                                   texts=texts, files=tuple(result.files))))
    if args.statistics:
        (sys.stdout if fmt in ("concise", "full") else sys.stderr).write(_statistics(result.diagnostics))
    if fmt in ("concise", "full") and not args.quiet:
        n = len(result.diagnostics)
        studies = f"{result.files_checked} stud{'ies' if result.files_checked != 1 else 'y'}"
        sys.stdout.write(f"Found {n} problem{'s' if n != 1 else ''} in {studies}.\n" if n else f"All checks passed ({studies} judged).\n")
    sys.stdout.flush()
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(d.severity >= settings.fail_on for d in result.diagnostics) else EXIT_OK


def _jobs(args: argparse.Namespace, settings) -> int:
    jobs = args.jobs if args.jobs is not None else settings.jobs
    if jobs is None:
        from sweeplint.parallel import available_cores

        return available_cores()
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise UsageError(f"jobs must be a positive number, not {jobs!r}")
    return jobs


def _cache_dir(args: argparse.Namespace, settings) -> str | None:
    """--cache-dir, else `cache-dir` of the configuration (relative to it), else .sweeplint_cache in
    the project root; None with --no-cache."""
    if args.no_cache:
        return None
    if args.cache_dir:
        return args.cache_dir
    from sweeplint.cache import DEFAULT_DIR

    root = Path(settings.root)
    if settings.cache_dir:
        # A configuration travels with pull requests: it may only put the cache inside the project.
        # A folder elsewhere must be asked for on the command line.
        from sweeplint.settings import ConfigError

        chosen = root / settings.cache_dir
        if not os.path.realpath(chosen).startswith(os.path.realpath(root) + os.sep) and os.path.realpath(chosen) != os.path.realpath(root):
            raise ConfigError(
                f"cache-dir {settings.cache_dir!r} is outside the project ({root}); "
                "use a folder inside it, or give --cache-dir on the command line"
            )
        return str(chosen)
    return str(root / DEFAULT_DIR)


def _validate_cli_selectors(args: argparse.Namespace) -> None:
    from sweeplint.lint import validate_selectors
    from sweeplint.rules import rule_index

    for option, value in (("--select", args.select), ("--extend-select", args.extend_select), ("--ignore", args.ignore)):
        if value is not None and not _split(value):
            raise UsageError(f"{option} needs at least one rule code or prefix (e.g. {option} SL1)")
        validate_selectors(_split(value), rule_index(), option)


def _read_stdin() -> str | bytes:
    """Standard input as text, or as bytes when they are not text (the reader reports why, at a
    position). Read in binary, at most the size sweeplint reads of any file: /dev/zero ends too."""
    from sweeplint.source import MAX_FILE_BYTES, UnreadableFile, text_of

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise UsageError("standard input is closed; there is nothing to read")
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read standard input: {exc}") from None
    try:
        return text_of(data)
    except UnreadableFile:
        return data


def _texts(paths: set[str], stdin) -> dict[str, str]:
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


def _summary(result) -> str:
    from sweeplint.diagnostics import Severity

    if result.files_checked == 0:
        seen = getattr(result, "files_seen", 0)
        looked = f" among {seen} YAML, JSON and Python file{'s' if seen != 1 else ''}" if seen else ""
        return f"No sweep files found{looked}; nothing to check.\n"
    hidden = getattr(result, "hidden", 0)
    more = (f" {hidden} opinion{'s' if hidden != 1 else ''} resting on weakly inferred roles "
            f"{'were' if hidden != 1 else 'was'} hidden (--confidence weak shows them).") if hidden else ""
    from sweeplint.fix_command import summary_note

    more += summary_note(result)
    known = getattr(result, "baselined", 0)
    if known:
        more += f" {known} finding{'s' if known != 1 else ''} in the baseline {'were' if known != 1 else 'was'} not shown."
    if not result.diagnostics:
        return f"All checks passed ({result.files_checked} sweep file{'s' if result.files_checked != 1 else ''} checked).{more}\n"
    counts = {s: sum(1 for d in result.diagnostics if d.severity == s) for s in Severity}
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    n = len(result.diagnostics)
    return f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)}) in {result.files_checked} sweep file{'s' if result.files_checked != 1 else ''}.{more}\n"


def _statistics(diagnostics) -> str:
    from collections import Counter

    counts = Counter((d.code, d.name) for d in diagnostics)
    return "".join(f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


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
