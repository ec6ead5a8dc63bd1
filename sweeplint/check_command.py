"""`sweeplint check`: settings and options, then lint, fixes, adoption (baseline, noqa) and the report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    import argparse


def run_check(args: argparse.Namespace) -> int:
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
        validate_cli_selectors(args)
        if args.jobs is not None and args.jobs < 1:
            raise UsageError(f"--jobs must be a positive number, not {args.jobs}")
        if args.select:
            settings.select = split_codes(args.select)
        if args.extend_select:
            settings.extend_select += split_codes(args.extend_select)
        if args.ignore:
            settings.ignore += split_codes(args.ignore)
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
            write_output(show_settings(settings, _jobs(args, settings), _cache_dir(args, settings), codes), args.output_file)
            return EXIT_OK
        if args.show_files:
            write_output(_show_files(paths, settings, stdin_name if reads_stdin else None), args.output_file)
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
        texts = texts_of({d.path for d in result.diagnostics}, stdin)
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
            out += statistics(result.diagnostics)
        if not args.quiet:
            out += summary(result)
    elif args.statistics:
        sys.stderr.write(statistics(result.diagnostics))
    if result.files_checked == 0 and fmt not in ("concise", "full") and not args.quiet:
        sys.stderr.write(summary(result))
    try:
        write_output(out, args.output_file)
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
        write_output(baseline_text(result.diagnostics, texts, root), file)
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


def summary(result) -> str:
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
