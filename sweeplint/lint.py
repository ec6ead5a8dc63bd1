"""The pipeline, top to bottom: discover -> read -> (code facts -> graph) -> rules -> suppressions.

Reporting (formatting the diagnostics) is the caller's business; see `sweeplint.report`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Iterable

from sweeplint.diagnostics import Diagnostic, Finding, Severity
from sweeplint.discover import Target, discover
from sweeplint.model import ConfigFile, Directive
from sweeplint.read import read_path
from sweeplint.rule import Context, Rule
from sweeplint.settings import ConfigError, Settings, relative_to_root

INTERNAL_ERROR = ("SL999", "internal-error")


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0       # sweep files read
    files_seen: int = 0          # files looked at


# --- rule selection --------------------------------------------------------------------------


def _matches(selector: str, rule: type[Rule]) -> bool:
    s = selector.strip()
    return s.upper() == "ALL" or rule.code.startswith(s.upper()) or s.lower() == rule.name


def validate_selectors(selectors: Iterable[str], rules: tuple[type[Rule], ...], where: str) -> None:
    for s in selectors:
        if not any(_matches(s, r) for r in rules):
            raise ConfigError(f"{where}: unknown rule code or prefix {s!r}; `sweeplint rule --all` lists them")


def select_rules(settings: Settings, rules: tuple[type[Rule], ...]) -> list[type[Rule]]:
    for name, selectors in (("select", settings.select), ("extend-select", settings.extend_select), ("ignore", settings.ignore)):
        validate_selectors(selectors, rules, name)
    chosen = []
    for rule in rules:
        wanted = any(_matches(s, rule) for s in settings.select + settings.extend_select)
        if wanted and not any(_matches(s, rule) for s in settings.ignore):
            chosen.append(rule)
    return chosen


# --- running rules on one file ---------------------------------------------------------------


def check_file(file: ConfigFile, rules: list[type[Rule]], settings: Settings, knowledge_loader=None) -> list[Diagnostic]:
    """Every rule on one file, then suppressions. A failing rule becomes one diagnostic."""
    ctx = Context(file=file, settings=settings, knowledge_loader=knowledge_loader)
    raw: list[Diagnostic] = []
    for rule_class in rules:
        severity = settings.severity.get(rule_class.code, rule_class.severity)
        try:
            for finding in rule_class().check(ctx):
                raw.append(_diagnostic(rule_class, severity, finding, file.path))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
            raw.append(
                Diagnostic(
                    INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                    f"rule {rule_class.code} ({rule_class.name}) crashed on this file: {type(exc).__name__}: {exc}; "
                    "the other rules still ran (please report this)",
                    file.path, _first_span(),
                )
            )
    return apply_suppressions(file, raw, settings, enabled={r.code for r in rules})


def _first_span():
    from sweeplint.model import Span

    return Span.point(1, 1)


def _diagnostic(rule: type[Rule], severity: Severity, finding: Finding, path: str) -> Diagnostic:
    return Diagnostic(rule.code, rule.name, severity, finding.message, finding.path or path, finding.span, finding.related)


def _directive_codes(d: Directive) -> tuple[str, ...]:
    return tuple(v.upper() for v in d.values)


def apply_suppressions(file: ConfigFile, diagnostics: list[Diagnostic], settings: Settings, enabled: set[str]) -> list[Diagnostic]:
    """Inline `disable=` / `disable-file=` comments and per-file-ignores; SL000 for unused ones."""
    rel = relative_to_root(file.path, settings.root)
    name = rel.rsplit("/", 1)[-1]
    file_ignores: set[str] = set()
    for pattern, codes in settings.per_file_ignores.items():
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(file.path, pattern):
            file_ignores.update(c.upper() for c in codes)

    line_directives = [d for d in file.directives if d.name == "disable"]
    file_directives = [d for d in file.directives if d.name == "disable-file"]
    used: set[tuple[int, str]] = set()

    def suppressed(diag: Diagnostic) -> bool:
        if any(diag.code.startswith(c) for c in file_ignores):
            return True
        if diag.path != file.path:
            return False
        for index, d in enumerate(file_directives):
            for code in _directive_codes(d):
                if diag.code.startswith(code):
                    used.add((id(d), code))
                    return True
        for d in line_directives:
            if d.span.line == diag.span.line:
                for code in _directive_codes(d):
                    if diag.code.startswith(code):
                        used.add((id(d), code))
                        return True
        return False

    kept = [d for d in diagnostics if not suppressed(d)]
    if "SL000" in enabled and "SL000" not in file_ignores:
        from sweeplint.rules import by_code

        rule = by_code().get("SL000")
        severity = settings.severity.get("SL000", rule.severity if rule else Severity.INFO)
        for d in line_directives + file_directives:
            for code in _directive_codes(d):
                if (id(d), code) not in used:
                    why = "no such finding on this line" if d.name == "disable" else "no such finding in this file"
                    if not code.startswith("SL") or not code[2:].isdigit():
                        why = "it is not a rule code"
                    kept.append(
                        Diagnostic(
                            "SL000", "unused-suppression", severity,
                            f"suppression of {code} is unused ({why}); remove it",
                            file.path, d.value_span,
                        )
                    )
    return kept


# --- running on paths ------------------------------------------------------------------------


def lint_paths(paths: list[str], settings: Settings, stdin: tuple[str, str] | None = None) -> LintResult:
    """Lint files and directories, or one buffer given as (name, text). Raises ConfigError."""
    from sweeplint.rules import all_rules

    rules = select_rules(settings, all_rules())
    knowledge_loader = _knowledge_loader(settings)
    result = LintResult()
    if stdin is not None:
        targets = [Target(stdin[0], explicit=True)]
    else:
        targets = list(discover(paths, settings.exclude, settings.root))
    for target in targets:
        result.files_seen += 1
        text = stdin[1] if stdin is not None else None
        file = read_path(target.path, target.explicit, text)
        if not file.is_sweep:
            continue
        result.files_checked += 1
        result.diagnostics.extend(check_file(file, rules, settings, knowledge_loader))
    result.diagnostics.sort(key=lambda d: d.sort_key)
    return result


def _knowledge_loader(settings: Settings):
    cache: list = []

    def load():
        if not cache:
            from sweeplint.knowledge import load_knowledge

            cache.append(load_knowledge(settings))
        return cache[0]

    return load
