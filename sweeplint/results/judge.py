"""`sweeplint results`: read each results path, set it against its space, run the SL5xx rules."""

from __future__ import annotations

from pathlib import Path

from sweeplint.diagnostics import Diagnostic, Severity
from sweeplint.lint import INTERNAL_ERROR, LintResult, apply_suppressions, confident, select_rules
from sweeplint.model import NOWHERE, ConfigFile
from sweeplint.rule import Context
from sweeplint.settings import ConfigError


def results_rules(settings):
    from sweeplint.rules import all_rules

    return [r for r in select_rules(settings, all_rules()) if r.code.startswith("SL5")]


def read_space(space: str | None):
    """The space config's file and its first study; ConfigError when it is not a readable sweep."""
    if space is None:
        return None, None
    from sweeplint.read import read_path

    if not Path(space).is_file():
        raise ConfigError(f"--space: no such file: {space}")
    file = read_path(space, explicit=True)
    errors = [p for p in file.problems if p.code == "SL001"]
    if errors:
        raise ConfigError(f"--space: {space}:{errors[0].span.line}:{errors[0].span.column}: {errors[0].message}")
    if not file.studies:
        raise ConfigError(f"--space: {space} is not a sweep config sweeplint recognises")
    return file, file.studies[0]


def judge(paths: list[str], settings, space: str | None = None, report: str | None = None) -> LintResult:
    """Findings on every study at `paths`; with `report`, also the pictures and HTML page there."""
    from sweeplint.results import load
    from sweeplint.results.analysis import make_round
    from sweeplint.results.thresholds import thresholds

    if report is not None:
        from sweeplint.results.report import require_matplotlib

        require_matplotlib()
    rules = results_rules(settings)
    limits = thresholds(settings)
    space_file, study = read_space(space)
    metric = goal = None
    names: tuple[str, ...] = ()
    if study is not None:
        if study.objective is not None and isinstance(study.objective.name.value, str):
            metric, goal = study.objective.name.value, study.objective.goal
        names = tuple(p.name for p in study.varied)
    out = LintResult()
    judged = []   # (round, its findings) for the report
    for path in paths:
        for results in load(path, metric, goal, names):
            if study is not None and results.goal is None:
                results.goal = goal
            if study is not None and results.metric is None:
                results.metric = metric   # Optuna and NNI keep values, not the metric's name
            out.files_checked += 1
            out.files.append(results.path)
            file = space_file or ConfigFile(path=results.path, text="")
            round_ = make_round(results, limits, space, study)
            ctx = Context(file=file, settings=settings, extras={"results": round_})
            found = _run(ctx, rules, settings, results.path)
            judged.append((round_, found))
            out.diagnostics.extend(found)
    out.files_seen = len(paths)
    if space_file is not None:
        out.diagnostics = apply_suppressions(space_file, out.diagnostics, settings, {r.code for r in rules})
    out.diagnostics = list(dict.fromkeys(out.diagnostics))
    shown = confident(out.diagnostics, settings)
    out.hidden = len(out.diagnostics) - len(shown)
    out.diagnostics = sorted(shown, key=lambda d: d.sort_key)
    if report is not None:
        _report(report, judged, out.diagnostics)
    return out


def _report(directory: str, judged, shown) -> None:
    """Each study's pictures beside the findings that survived selection and suppression."""
    import sys

    from sweeplint.results.report import StudyReport, write

    kept = set(shown)
    studies = [StudyReport(round_, [d for d in sorted(dict.fromkeys(found), key=lambda d: d.sort_key) if d in kept])
               for round_, found in judged if round_.results.trials]
    page = write(directory, studies)
    print(f"sweeplint: report written to {page}", file=sys.stderr)


def _run(ctx: Context, rules, settings, where: str) -> list[Diagnostic]:
    found = []
    for rule in rules:
        severity = settings.severity.get(rule.code, rule.severity)
        try:
            for f in rule().check(ctx):
                level = severity if f.severity is None or rule.code in settings.severity else f.severity
                found.append(Diagnostic(rule.code, rule.name, level, f.message, f.path or ctx.file.path, f.span,
                                        f.related, f.confidence, fix=f.fix, help=f.help))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
            found.append(Diagnostic(INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                                    f"rule {rule.code} ({rule.name}) crashed on these results: {type(exc).__name__}: {exc}; "
                                    "the other rules still ran (please report this)", where, NOWHERE))
    return found
