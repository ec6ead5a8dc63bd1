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


def judge(paths: list[str], settings, space: str | None = None) -> LintResult:
    from sweeplint.results import load
    from sweeplint.results.analysis import make_round
    from sweeplint.results.thresholds import thresholds

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
    for path in paths:
        for results in load(path, metric, goal, names):
            if study is not None and results.goal is None:
                results.goal = goal
            out.files_checked += 1
            out.files.append(results.path)
            file = space_file or ConfigFile(path=results.path, text="")
            ctx = Context(file=file, settings=settings, extras={"results": make_round(results, limits, space, study)})
            out.diagnostics.extend(_run(ctx, rules, settings, results.path))
    out.files_seen = len(paths)
    if space_file is not None:
        out.diagnostics = apply_suppressions(space_file, out.diagnostics, settings, {r.code for r in rules})
    out.diagnostics = list(dict.fromkeys(out.diagnostics))
    shown = confident(out.diagnostics, settings)
    out.hidden = len(out.diagnostics) - len(shown)
    out.diagnostics = sorted(shown, key=lambda d: d.sort_key)
    return out


def _run(ctx: Context, rules, settings, where: str) -> list[Diagnostic]:
    found = []
    for rule in rules:
        severity = settings.severity.get(rule.code, rule.severity)
        try:
            for f in rule().check(ctx):
                level = severity if f.severity is None or rule.code in settings.severity else f.severity
                found.append(Diagnostic(rule.code, rule.name, level, f.message, f.path or ctx.file.path, f.span,
                                        f.related, f.confidence, f.help))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
            found.append(Diagnostic(INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                                    f"rule {rule.code} ({rule.name}) crashed on these results: {type(exc).__name__}: {exc}; "
                                    "the other rules still ran (please report this)", where, NOWHERE))
    return found
