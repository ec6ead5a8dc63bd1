"""One file through steps 2 to 5 of the pipeline: read it, annotate its studies with their programs'
facts, run the rules, apply the suppressions.

`sweeplint.lint` runs this over many files (through `sweeplint.parallel`, whose workers call
`lint_file`); neither of them is imported here, so the three modules form no cycle.
"""

from __future__ import annotations

import fnmatch

from sweeplint.diagnostics import Diagnostic, Finding, Severity
from sweeplint.discover import Target
from sweeplint.model import ConfigFile
from sweeplint.read import read_path
from sweeplint.records import record
from sweeplint.rule import Context, Rule
from sweeplint.rules.registry import RuleInfo
from sweeplint.settings import Settings, relative_to_root
from sweeplint.source import parse_suppressions  # (loaded with the readers: imported here, not per file)

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

INTERNAL_ERROR = ("SL999", "internal-error")


# --- running rules on one file ---------------------------------------------------------------


def check_file(file: ConfigFile, rules: list, settings: Settings, knowledge_loader=None, code_facts=None) -> list[Diagnostic]:
    """Every rule on one file, then suppressions. A failing rule becomes one diagnostic.

    `rules` are rule classes or RuleInfo rows (whose modules are imported here, when needed)."""
    ctx = Context(file=file, settings=settings, knowledge_loader=knowledge_loader, code_facts=code_facts)
    raw: list[Diagnostic] = []
    overrides = settings.severity
    plan = _plan(rules)
    # (without a revision to compare with, the usual run, the rules that only compare are left out)
    applicable = plan.applicable(frozenset(study.format for study in file.studies), ctx.compares_revisions())
    with_facts = None  # whether a study of the file has program facts, found when first needed
    for rule in applicable:
        try:
            # (asked of the rule as listed, before its module is imported: a run that skips a rule
            # on every file never imports it)
            if rule.needs_program_facts:
                if with_facts is None:
                    with_facts = any(ctx.code(study) is not None for study in file.studies)
                if not with_facts:
                    continue  # no program read: nothing the rule could find
            for finding in rule.check(ctx):
                # (the level asked per finding, not per rule: most rules find nothing in a file)
                level = overrides.get(rule.code, rule.severity) if finding.severity is None or rule.code in overrides \
                    else finding.severity
                raw.append(_diagnostic(rule, level, finding, file.path))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
            raw.append(
                Diagnostic(
                    INTERNAL_ERROR[0], INTERNAL_ERROR[1], Severity.ERROR,
                    f"rule {rule.code} ({rule.name}) crashed on this file: {type(exc).__name__}: {exc}; "
                    "the other rules still ran (please report this)",
                    file.path, _first_span(),
                )
            )
    found = apply_suppressions(file, raw, settings, enabled=plan.codes)
    return _owned_by_linked_files(file, found, rules, settings, knowledge_loader, code_facts)


class _Plan:
    """What a rule list gives every file: its codes, and the rules that apply to each set of study
    formats (the others' modules need not even be imported), in the list's order."""

    def __init__(self, rules: list):
        self.rules = rules
        self.copy = tuple(rules)
        self.codes = {r.code for r in rules}
        self._by_formats: dict[tuple[frozenset[str], bool], list] = {}

    def applicable(self, formats: frozenset[str], comparing: bool) -> list:
        """The rules (each a _Pending until it first runs, then its _Runner) for files whose studies
        have these formats; those that only compare revisions when `comparing`."""
        found = self._by_formats.get((formats, comparing))
        if found is None:
            found = self._by_formats[formats, comparing] = []
            for r in self.copy:
                if ((wanted := getattr(r, "formats", None)) is None or not formats.isdisjoint(wanted)) \
                        and (comparing or not getattr(r, "compares_revisions", False)):
                    found.append(_Pending(r, found, len(found)))
        return found


class _Pending:
    """A rule of a plan that has not run yet: what the engine asks of it before it runs, from the
    rule as listed, and a `check` that imports its module, runs it, and leaves its _Runner in the
    plan in its place. (Every entry of a plan answers the same attributes, so the loop over the
    rules of each file asks nothing about what kind of entry it has.)"""

    __slots__ = ("code", "name", "severity", "needs_program_facts", "_rule", "_entries", "_index")

    def __init__(self, rule, entries: list, index: int):
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.needs_program_facts = getattr(rule, "needs_program_facts", False)
        self._rule, self._entries, self._index = rule, entries, index

    def check(self, ctx: Context):
        runner = self._entries[self._index] = _Runner(self._rule)  # kept for the next files
        return runner.check(ctx)


class _Runner:
    """A rule ready to run on file after file: its class (a RuleInfo row's module imported here) and
    the `check` of one instance for the whole run. Rules keep nothing between files (all they know
    of a file is in the Context); an instance per rule and file was 30,000 objects a run."""

    __slots__ = ("code", "name", "severity", "compares_revisions", "needs_program_facts", "check")

    def __init__(self, rule):
        rule_class = rule.load() if isinstance(rule, RuleInfo) else rule
        self.code, self.name, self.severity = rule_class.code, rule_class.name, rule_class.severity
        self.compares_revisions = getattr(rule_class, "compares_revisions", False)
        self.needs_program_facts = getattr(rule_class, "needs_program_facts", False)
        self.check = rule_class().check


# The plan of the last rule list seen: a run checks hundreds of files with one list. Kept only while
# the same list, unchanged, comes back; replaced whole, so a thread always reads one consistent plan.
_LAST_PLAN: _Plan | None = None


def _plan(rules: list) -> _Plan:
    global _LAST_PLAN
    plan = _LAST_PLAN
    if plan is None or plan.rules is not rules or plan.copy != tuple(rules):
        plan = _LAST_PLAN = _Plan(rules)
    return plan


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


def _diagnostic(rule: "_Runner", severity: Severity, finding: Finding, path: str) -> Diagnostic:
    return Diagnostic(rule.code, rule.name, severity, finding.message, finding.path or path, finding.span, finding.related,
                      finding.confidence, finding.fix, finding.help)


@record(frozen=True)
class _Scope:
    """Where one code of one suppression applies: `lines` is None for the whole file, else the
    (first, last) line ranges it covers."""

    directive: object       # sweeplint.source.Suppression
    code: str               # upper-cased code, prefix, rule name, or ALL for a bare directive
    span: object            # where the code is written (the directive for a bare one)
    lines: tuple[tuple[int, int], ...] | None
    where: str              # for the unused-suppression message: "on this line", "in this file"...

    def covers(self, line: int) -> bool:
        return self.lines is None or any(first <= line <= last for first, last in self.lines)


def _parameter_blocks(file: ConfigFile) -> dict[int, int]:
    """A parameter's key line -> the last line of its block (the key line of `lr:` and its settings)."""
    blocks: dict[int, int] = {}
    for study in file.studies:
        for p in study.parameters:
            if p.linked_from:
                continue  # its key is in another file
            last = max(p.key_span.end_line, p.value_span.end_line)
            blocks[p.key_span.line] = max(blocks.get(p.key_span.line, last), last)
    return blocks


def _scopes(file: ConfigFile, directives) -> tuple[list[_Scope], set[int]]:
    """Every (suppression, code) with the lines it covers, and the indexes of `enable` directives
    that closed a block. A `disable` followed by an `enable` of the same code (or a bare `enable`)
    covers the lines between them; otherwise its own line, and the whole block of a parameter whose
    key is on that line."""
    if not directives:
        return [], set()
    blocks = _parameter_blocks(file)
    scopes: list[_Scope] = []
    closed: set[int] = set()
    for index, d in enumerate(directives):
        if d.malformed is not None or d.kind == "enable":
            continue
        entries = d.codes or (("ALL", d.span),)
        for code, span in entries:
            if d.kind == "disable-file":
                scopes.append(_Scope(d, code, span, None, "in this file"))
                continue
            line = d.span.line
            end = None
            for later_index in range(index + 1, len(directives)):
                e = directives[later_index]
                if e.kind == "enable" and e.malformed is None and e.span.line > line and (
                        not e.codes or code in {c for c, _ in e.codes}):
                    end = e.span.line
                    closed.add(later_index)
                    break
            if end is not None:
                scopes.append(_Scope(d, code, span, ((line, end),), "between this line and its `enable`"))
            elif line in blocks:
                scopes.append(_Scope(d, code, span, ((line, blocks[line]),), "on this line or in this parameter"))
            else:
                scopes.append(_Scope(d, code, span, ((line, line),), "on this line"))
    return scopes, closed


def _rule_severity(code: str, settings: Settings) -> Severity:
    from sweeplint.rules import rule_index

    rule = next((r for r in rule_index() if r.code == code), None)
    return settings.severity.get(code, rule.severity if rule else Severity.INFO)


def apply_suppressions(file: ConfigFile, diagnostics: list[Diagnostic], settings: Settings, enabled: set[str]) -> list[Diagnostic]:
    """Inline `disable` / `disable-file` / `enable` comments and per-file-ignores; SL000 for unused
    suppressions, SL002 for ones that cannot be read."""
    file_ignores: set[str] = set()
    if settings.per_file_ignores:
        rel = relative_to_root(file.path, settings.root)
        name = rel.rsplit("/", 1)[-1]
        for pattern, codes in settings.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(file.path, pattern):
                file_ignores.update(c.upper() for c in codes)

    directives = parse_suppressions(file.text)
    if not directives and not file_ignores:
        return list(diagnostics)  # (most files) nothing suppressed, no directive to report on
    scopes, closed = _scopes(file, directives)
    # whole-file scopes first, so a finding both cover marks the file-wide one used
    scopes.sort(key=lambda s: s.lines is not None)
    used: set[int] = set()

    def suppressed(diag: Diagnostic) -> bool:
        if any(_covers(c, diag.code, diag.name) for c in file_ignores):
            return True
        if diag.path != file.path:
            return False
        for index, scope in enumerate(scopes):
            if scope.covers(diag.span.line) and _covers(scope.code, diag.code, diag.name):
                used.add(index)
                return True
        return False

    kept = [d for d in diagnostics if not suppressed(d)]

    def reported(code: str, name: str) -> bool:
        return code in enabled and not any(_covers(c, code, name) for c in file_ignores)

    if reported("SL002", "unknown-key"):
        for d in directives:
            if d.malformed is not None:
                kept.append(Diagnostic("SL002", "unknown-key", _rule_severity("SL002", settings),
                                       f"malformed suppression: {d.malformed}", file.path, d.span))
    if directives and reported("SL000", "unused-suppression"):  # (no directive: no scope, nothing unused)
        from sweeplint.fix_suppressions import unused_suppression_fix
        from sweeplint.rules import rule_index

        names = {r.code: r.name for r in rule_index()}
        severity = _rule_severity("SL000", settings)
        for index, scope in enumerate(scopes):
            if index in used:
                continue
            code = scope.code
            if not any(_covers(code, c, names[c]) for c in names):
                why = "there is no such rule"
            elif not any(_covers(code, c, names.get(c, "")) for c in enabled):
                continue  # the rule did not run, so whether it would fire is unknown
            else:
                why = f"no such finding {scope.where}"
            what = "every rule" if code == "ALL" and not scope.directive.codes else code
            kept.append(Diagnostic("SL000", "unused-suppression", severity,
                                   f"suppression of {what} is unused ({why}); remove it", file.path, scope.span,
                                   fix=unused_suppression_fix(file.text, file.path, scope.directive,
                                                              scope.span if scope.directive.codes else None)))
        for index, d in enumerate(directives):
            if d.kind == "enable" and d.malformed is None and index not in closed:
                kept.append(Diagnostic("SL000", "unused-suppression", severity,
                                       "this `enable` closes no `disable` above it; remove it", file.path, d.span,
                                       fix=unused_suppression_fix(file.text, file.path, d, None)))
    return kept


def _covers(selector: str, code: str, name: str) -> bool:
    """Whether an upper-cased suppression entry (code, prefix, rule name or ALL) covers a rule."""
    return code.startswith(selector) or selector == "ALL" or selector.lower() == name


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


def make_knowledge_loader(settings: Settings, cache_dir_cache: Any = None):
    """Loads the knowledge base once, on first use; `cache_dir_cache` (a sweeplint.cache.Cache) keeps
    the parsed shipped files between runs."""
    cache: list = []

    def load():
        if not cache:
            from sweeplint.knowledge import load_knowledge

            cache.append(load_knowledge(settings, cache_dir_cache))
        return cache[0]

    return load
