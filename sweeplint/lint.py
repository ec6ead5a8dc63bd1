"""The pipeline, top to bottom: discover -> read -> (code facts -> graph) -> rules -> suppressions.

One file's steps are `sweeplint.file_check`; many files are checked through `sweeplint.parallel`.
Reporting (formatting the diagnostics) is the caller's business; see `sweeplint.report`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sweeplint.diagnostics import Diagnostic
from sweeplint.discover import Target, discover
from sweeplint.file_check import INTERNAL_ERROR, apply_suppressions, check_file, lint_file, make_knowledge_loader
from sweeplint.parallel import run
from sweeplint.records import field, record
from sweeplint.rule import Rule
from sweeplint.settings import ConfigError, Settings

# the names callers import from here
__all__ = ["INTERNAL_ERROR", "LintResult", "apply_suppressions", "check_file", "confident", "lint_file", "lint_paths",
           "select_rules", "sorted_unique", "validate_selectors"]


@record
class LintResult:
    """What a run found, and how many files it looked at and read."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0       # sweep files read
    files_seen: int = 0          # files looked at
    files: list[str] = field(default_factory=list)   # the sweep files read, in order
    hidden: int = 0              # findings below the confidence asked for (settings.confidence)
    baselined: int = 0           # findings left out because the baseline holds them
    run_by: dict[str, list[str]] = field(default_factory=dict)   # a program named explicitly -> the configs that run it


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


# --- running on paths ------------------------------------------------------------------------


def lint_paths(
    paths: list[str], settings: Settings, stdin: tuple[str, str | bytes] | None = None,
    jobs: int = 1, cache_dir: str | None = None,
) -> LintResult:
    """Lint files and directories, or one buffer given as (name, text). Raises ConfigError.

    `jobs` > 1 checks files in worker processes (same result); `cache_dir` keeps results between runs
    (see sweeplint.cache)."""
    from sweeplint.rules import rule_index

    rules = select_rules(settings, rule_index())
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
        # Text, or the raw bytes when they cannot be decoded: the reader then reports why, at a position.
        name, content = stdin
        raw = isinstance(content, bytes)
        code_facts = CodeFactsStore(settings, cache=cache, texts={} if raw else {name: content})
        file, diagnostics = lint_file(Target(name, explicit=True), rules, settings, make_knowledge_loader(settings, cache), code_facts,
                                      text=None if raw else content, data=content if raw else None)
        outcomes = [(stdin[0], file is not None, diagnostics)]
    else:
        targets = list(discover(paths, settings.exclude, settings.root, force_exclude=settings.force_exclude,
                                respect_gitignore=settings.respect_gitignore))
        outcomes = [(o.path, o.sweep, o.diagnostics) for o in run(targets, rules, settings, jobs, cache_dir)]
        extra = _configs_running_programs(targets, outcomes, settings, result)
        outcomes += [(o.path, o.sweep, o.diagnostics) for o in run(extra, rules, settings, jobs, cache_dir)]
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
    result.diagnostics = sorted_unique(result.diagnostics)
    return result


def sorted_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """sorted(dict.fromkeys(diagnostics), key=sort_key): each finding once, in report order.

    Equal findings have equal sort keys, so only findings of one key are compared with each other:
    hashing every finding (all its fields, its span, its fix) cost more than the sort."""
    keys = [d.sort_key for d in diagnostics]
    unique: list[Diagnostic] = []
    last = same_key = None
    for index in sorted(range(len(diagnostics)), key=keys.__getitem__):   # (stable: first ones first)
        found = diagnostics[index]
        if keys[index] != last:
            last, same_key = keys[index], [found]
            unique.append(found)
        elif found not in same_key:
            same_key.append(found)
            unique.append(found)
    return unique


def _configs_running_programs(targets: list[Target], outcomes: list, settings: Settings, result: LintResult) -> list[Target]:
    """A Python file named explicitly that is not itself a sweep stands for the sweeps that run
    it: `sweeplint check train.py` (as the pre-commit hook runs when only train.py changed) checks
    every config of the project whose program it is."""
    named = {t.path for t in targets if t.explicit and t.path.lower().endswith(".py")}
    programs = [path for path, sweep, _ in outcomes if path in named and not sweep]
    if not programs:
        return []
    from sweeplint.program_index import configs_running

    checked = {os.path.realpath(t.path) for t in targets}
    extra: list[Target] = []
    for program, configs in configs_running(programs, settings).items():
        result.run_by[program] = configs
        for config in configs:
            if os.path.realpath(config) not in checked:
                checked.add(os.path.realpath(config))
                extra.append(Target(config, explicit=False))
    return extra


def confident(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """The diagnostics sure enough to show: those resting on no inference, and the others at or
    above `settings.confidence`. Applied after caching and suppressions, so the cache holds every
    finding and a suppression of a hidden finding still counts as used."""
    return [d for d in diagnostics if d.confidence is None or d.confidence >= settings.confidence]
