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
    files: list[str] = field(default_factory=list)   # the sweep files read, in order
    hidden: int = 0              # findings below the confidence asked for (settings.confidence)


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
        validate_selectors(selectors, rules, f"{settings.source}: {name}" if settings.source else name)
    origin = f"{settings.source}: " if settings.source else ""
    for glob, selectors in settings.per_file_ignores.items():
        validate_selectors(selectors, rules, f"{origin}per-file-ignores {glob!r}")
    codes = {r.code for r in rules}
    for code in settings.severity:
        if code not in codes:
            raise ConfigError(f"{origin}severity: {code!r} is not a rule code; name one rule per override (e.g. SL101 = \"error\")")
    chosen = []
    for rule in rules:
        wanted = any(_matches(s, rule) for s in settings.select + settings.extend_select)
        if wanted and not any(_matches(s, rule) for s in settings.ignore):
            chosen.append(rule)
    return chosen


# --- running rules on one file ---------------------------------------------------------------


def check_file(file: ConfigFile, rules: list[type[Rule]], settings: Settings, knowledge_loader=None, code_facts=None) -> list[Diagnostic]:
    """Every rule on one file, then suppressions. A failing rule becomes one diagnostic."""
    ctx = Context(file=file, settings=settings, knowledge_loader=knowledge_loader, code_facts=code_facts)
    raw: list[Diagnostic] = []
    for rule_class in rules:
        severity = settings.severity.get(rule_class.code, rule_class.severity)
        try:
            for finding in rule_class().check(ctx):
                level = severity if finding.severity is None or rule_class.code in settings.severity else finding.severity
                raw.append(_diagnostic(rule_class, level, finding, file.path))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
            raw.append(
                Diagnostic(
                    INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                    f"rule {rule_class.code} ({rule_class.name}) crashed on this file: {type(exc).__name__}: {exc}; "
                    "the other rules still ran (please report this)",
                    file.path, _first_span(),
                )
            )
    found = apply_suppressions(file, raw, settings, enabled={r.code for r in rules})
    return _owned_by_linked_files(file, found, rules, settings, knowledge_loader, code_facts)


def _owned_by_linked_files(file: ConfigFile, found: list[Diagnostic], rules, settings, knowledge_loader, code_facts) -> list[Diagnostic]:
    """A config that reads its search space from another file (NNI `searchSpaceFile`) holds that
    file's parameters at the file name. A finding the other file also yields on its own belongs to
    it, where its spans are real: it is reported there, once (lint_paths drops the copy when both
    files are checked)."""
    linked = {p.linked_from: p.key_span for s in file.studies for p in s.parameters if p.linked_from}
    if not linked:
        return found
    out = list(found)
    for path, span in linked.items():
        own = check_file(read_path(path, explicit=False), rules, settings, knowledge_loader, code_facts)
        by_message = {(d.code, d.message): d for d in own}
        out = [by_message.get((d.code, d.message), d) if d.path == file.path and d.span == span else d for d in out]
    return list(dict.fromkeys(out))


def _first_span():
    from sweeplint.model import Span

    return Span.point(1, 1)


def _diagnostic(rule: type[Rule], severity: Severity, finding: Finding, path: str) -> Diagnostic:
    return Diagnostic(rule.code, rule.name, severity, finding.message, finding.path or path, finding.span, finding.related,
                      finding.confidence)


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
        if any(_covers(c, diag.code, diag.name) for c in file_ignores):
            return True
        if diag.path != file.path:
            return False
        for index, d in enumerate(file_directives):
            for code in _directive_codes(d):
                if _covers(code, diag.code, diag.name):
                    used.add((id(d), code))
                    return True
        for d in line_directives:
            if d.span.line == diag.span.line:
                for code in _directive_codes(d):
                    if _covers(code, diag.code, diag.name):
                        used.add((id(d), code))
                        return True
        return False

    kept = [d for d in diagnostics if not suppressed(d)]
    if "SL000" in enabled and not any(_covers(c, "SL000", "unused-suppression") for c in file_ignores):
        from sweeplint.rules import by_code

        codes = by_code()
        names = {r.code: r.name for r in codes.values()}
        rule = codes.get("SL000")
        severity = settings.severity.get("SL000", rule.severity if rule else Severity.INFO)
        for d in line_directives + file_directives:
            for code in _directive_codes(d):
                if (id(d), code) not in used:
                    if not any(_covers(code, c, names[c]) for c in codes):
                        why = "there is no such rule"
                    elif not any(_covers(code, c, names.get(c, "")) for c in enabled):
                        continue  # the rule did not run, so whether it would fire is unknown
                    else:
                        why = "no such finding on this line" if d.name == "disable" else "no such finding in this file"
                    kept.append(
                        Diagnostic(
                            "SL000", "unused-suppression", severity,
                            f"suppression of {code} is unused ({why}); remove it",
                            file.path, _code_span(file.text, d.value_span, code),
                        )
                    )
    return kept


def _covers(selector: str, code: str, name: str) -> bool:
    """Whether an upper-cased suppression entry (code, prefix, rule name or ALL) covers a rule."""
    return code.startswith(selector) or selector == "ALL" or selector.lower() == name


def _code_span(text: str, span, code: str):
    """Where one code sits inside a directive's `SL101,SL205` list (the whole list if not found)."""
    from sweeplint.model import Span
    from sweeplint.source import split_lines

    lines = split_lines(text)
    if span.line != span.end_line or not 0 < span.line <= len(lines):
        return span
    segment = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    at = segment.upper().find(code)
    if at < 0:
        return span
    start = span.column + at
    return Span(span.line, start, span.line, start + len(code))


# --- running on paths ------------------------------------------------------------------------


def lint_paths(
    paths: list[str], settings: Settings, stdin: tuple[str, str] | None = None,
    jobs: int = 1, cache_dir: str | None = None,
) -> LintResult:
    """Lint files and directories, or one buffer given as (name, text). Raises ConfigError.

    `jobs` > 1 checks files in worker processes (same result); `cache_dir` keeps results between runs
    (see sweeplint.cache)."""
    from sweeplint.rules import all_rules

    rules = select_rules(settings, all_rules())
    if settings.knowledge:  # the user's knowledge extension is checked before any file: a ConfigError, not a crash
        from sweeplint.knowledge import load_knowledge

        load_knowledge(settings)
    result = LintResult()
    if stdin is not None:
        # Step 3, code facts: each study's program is found and its facts computed once per run,
        # lazily (libcst is imported only when a program must really be parsed).
        from sweeplint.codefacts import CodeFactsStore

        cache = None
        if cache_dir is not None:
            from sweeplint.cache import Cache

            cache = Cache(cache_dir)
        code_facts = CodeFactsStore(settings, cache=cache, texts=dict([stdin]))
        file, diagnostics = lint_file(Target(stdin[0], explicit=True), rules, settings, _knowledge_loader(settings), code_facts, text=stdin[1])
        outcomes = [(stdin[0], file is not None, diagnostics)]
    else:
        from sweeplint.parallel import run

        targets = list(discover(paths, settings.exclude, settings.root))
        outcomes = [(o.path, o.sweep, o.diagnostics) for o in run(targets, rules, settings, jobs, cache_dir)]
    for path, sweep, diagnostics in outcomes:
        result.files_seen += 1
        if not sweep:
            continue
        result.files_checked += 1
        result.files.append(path)
        shown = confident(diagnostics, settings)
        result.hidden += len(diagnostics) - len(shown)
        result.diagnostics.extend(shown)
    # a linked search space's findings may come from its own file and from the config that reads it
    result.diagnostics = sorted(dict.fromkeys(result.diagnostics), key=lambda d: d.sort_key)
    return result


def confident(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """The diagnostics sure enough to show: those resting on no inference, and the others at or
    above `settings.confidence`. Applied after caching and suppressions, so the cache holds every
    finding and a suppression of a hidden finding still counts as used."""
    return [d for d in diagnostics if d.confidence is None or d.confidence >= settings.confidence]


def lint_file(target: Target, rules: list[type[Rule]], settings: Settings, knowledge_loader, code_facts,
              text: str | None = None, data: bytes | None = None) -> tuple[ConfigFile | None, list[Diagnostic]]:
    """Steps 2 to 5 for one file: (the file read, its diagnostics), or (None, []) when it is not a
    sweep file. A crash while reading it becomes one internal-error diagnostic; other files go on."""
    try:
        file = read_path(target.path, target.explicit, text, data)
        if not file.is_sweep:
            return None, []
        file = code_facts.annotate(file) if any(getattr(r, "uses_code", False) for r in rules) else file
        return file, check_file(file, rules, settings, knowledge_loader, code_facts)
    except Exception as exc:  # noqa: BLE001 - a reader bug or a pathological input must not stop the run
        message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, RecursionError) else "RecursionError (the input is nested too deeply)"
        return ConfigFile(target.path, ""), [
            Diagnostic(
                INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                f"sweeplint failed while reading this file ({message[:300]}); the other files were still checked (please report this)",
                target.path, _first_span(),
            )
        ]


def _knowledge_loader(settings: Settings):
    cache: list = []

    def load():
        if not cache:
            from sweeplint.knowledge import load_knowledge

            cache.append(load_knowledge(settings))
        return cache[0]

    return load
