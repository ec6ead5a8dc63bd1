"""The rule API. A rule is one small class in one module under `sweeplint/rules/`:

    class LinearScaleParameter(Rule):
        code = "SL101"
        name = "linear-scale-parameter"
        severity = Severity.WARNING

        def check(self, ctx: Context) -> Iterator[Finding]:
            for study in ctx.studies:
                ...
                yield Finding(param.value_span, "...")

Its documentation and its bad/good examples live in `rules/catalogue/<code>.yaml`; the test suite
runs every example, so adding a rule is adding those two files. What a tool decides (which bounds it
rejects, how it spells a fix...) is asked of its dialect, `sweeplint.formats.dialect.dialect_of(study)`;
a rule never compares `study.format` with a tool's name (only the tool-specific SL4xx rules may).
"""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import ConfigFile, Study
from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from sweeplint.knowledge import Knowledge


class _once_per_file:
    """functools.cached_property without its lock (3.11's takes one on each first read, twice per
    file here): the value is kept in the instance's dict, where later reads find it directly."""

    def __init__(self, compute):
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@record
class Context:
    """Everything a rule may look at for one file."""

    file: ConfigFile
    settings: Any = None              # sweeplint.settings.Settings
    knowledge_loader: Any = None      # callable returning Knowledge; loaded only if a rule asks
    graphs: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)
    code_facts: Any = None            # sweeplint.codefacts.CodeFactsStore for this run, or None
    history: Any = None               # sweeplint.history.History this run compares with; from settings.since when None

    def code(self, study: Study):
        """What the program this study runs does with its hyperparameters (codefacts.ProgramFacts),
        or None when there is no Python program to read (none named, missing, or unparsable).
        Asked once per study of this file: a dozen rules ask it."""
        found = self._code_by_study.get(id(study), _NOT_ASKED)
        if found is _NOT_ASKED:
            found = self._code_by_study[id(study)] = self._code_store().for_study(study, self.file.path)
        return found

    def program(self, study: Study):
        """Where this study's program was looked for and found (codefacts.Resolution)."""
        return self._code_store().resolution(study, self.file.path)

    def _code_store(self):
        if self.code_facts is None:  # a caller that did not run the code-facts step: compute on demand
            from sweeplint.codefacts import CodeFactsStore

            self.code_facts = CodeFactsStore(self.settings)
        return self.code_facts

    def previous_study(self, study: Study) -> Study | None:
        """This study as the revision compared with holds it (`check --since REF`; HEAD in the
        editor), or None: no revision asked for, the file is new or not in a repository."""
        return _same_study(study, self.file, self._versions("previous"))

    def compares_revisions(self) -> bool:
        """Whether this run has a revision to compare the file with (`check --since REF`, or a
        history given by the caller): without one, compared_studies yields nothing."""
        return self.history is not None or revision_compared(self.settings)

    def compared_studies(self) -> Iterator[tuple[Study, Study]]:
        """(study, its previous version) for each study of this file that the compared revision also
        holds: what every round-to-round rule walks."""
        if self._versions("previous") is None:
            return  # no revision to compare with (the usual run): nothing to walk
        for study in self.studies:
            before = self.previous_study(study)
            if before is not None:
                yield study, before

    def earlier_studies(self, study: Study) -> tuple[Study, ...]:
        """This study in every commit that changed the file, the compared revision and before it,
        newest first (bounded); () without a revision to compare with."""
        if self._versions("previous") is None:
            return ()
        found = (_same_study(study, self.file, v) for v in self._versions("earlier"))
        return tuple(s for s in found if s is not None)

    def _versions(self, which: str):
        """history.previous or history.earlier for this file, asked once per file."""
        key = "history." + which
        if key not in self.extras:
            if self.history is None and revision_compared(self.settings):
                from sweeplint.history import history_for

                self.history = history_for(self.settings)
            if self.history is not None:
                self.extras[key] = getattr(self.history, which)(self.file.path)
            else:  # no revision to compare with
                self.extras[key] = None if which == "previous" else ()
        return self.extras[key]

    # `studies` and `knowledge` are asked some 20,000 and 10,000 times a run: each is found once per
    # file and kept in the instance, where later reads find it without calling anything.
    @_once_per_file
    def studies(self) -> tuple[Study, ...]:
        return self.file.studies

    @_once_per_file
    def knowledge(self) -> Knowledge:
        if self.knowledge_loader is None:  # a caller that gave none: the shipped base plus settings
            from sweeplint.knowledge import load_knowledge

            loaded = load_knowledge(self.settings)
            self.knowledge_loader = lambda: loaded
        return self.knowledge_loader()

    def varied(self, study: Study) -> tuple:
        """`study.varied`, worked out once per file: most rules walk it, and the categorical
        parameters' test compares every value."""
        found = self._varied_by_study.get(id(study))
        if found is None:
            found = self._varied_by_study[id(study)] = study.varied
        return found

    def roles(self, study: Study):
        """Every parameter's role (declared or inferred), the goal and the phase (roles.Roles); cached."""
        found = self._roles_by_study.get(id(study))
        if found is None:
            found = self._roles_by_study[id(study)] = _assign_roles(study, self.knowledge, self.settings, self.file)
        return found

    # What each study of the file was found to hold, by id(study): several rules ask the same
    # questions (the code's facts, the varied parameters, the roles) of every study, some 16,000
    # times a run. (Looked up with `get`: a miss found by catching KeyError cost more than the
    # work it saves on a file's first question.)
    @_once_per_file
    def _code_by_study(self) -> dict:
        return {}

    @_once_per_file
    def _varied_by_study(self) -> dict:
        return {}

    @_once_per_file
    def _roles_by_study(self) -> dict:
        return {}

    def graph(self, study: Study):
        """The hyperparameter graph of a study (a StudyGraph, see sweeplint.graph), built on the first
        request (only rules that ask pay for it); cached.

        When the engine ran the code-facts step, the program's code sites are in it too."""
        found = self.graphs.get(id(study))
        if found is None:
            from sweeplint.graph import build_study_graph

            facts = self.code(study) if self.code_facts is not None else None
            found = build_study_graph(study, self.knowledge, self.roles(study), facts)
            self.graphs[id(study)] = found
        return found


_NOT_ASKED = object()  # (a study whose program's facts are not known yet: None is an answer)


def revision_compared(settings) -> bool:
    """Whether the run compares each file with a revision (`check --since REF`): what the
    round-to-round rules need, before any file is read."""
    return bool(getattr(settings, "since", None))


def _assign_roles(study: Study, knowledge, settings, file: ConfigFile):
    from sweeplint.roles import assign_roles

    return assign_roles(study, knowledge, settings, file)


def _same_study(study: Study, file: ConfigFile, version) -> Study | None:
    if version is None:
        return None
    from sweeplint.history import same_study

    index = [s for s in file.studies if s.format == study.format].index(study)
    return same_study(study, index, version.file)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    # True when the rule calls ctx.code(study) or reads the code's evidence from the graph
    # (active_values, derived_from): the engine then reads each study's program before the rules
    # run (a program that is Python but cannot be parsed is reported as SL001), and the cache
    # keys the result on the program's files.
    uses_code: ClassVar[bool] = False
    # The study formats the rule can fire on (None: any). A file with no study of these formats
    # does not even import the rule's module (see sweeplint.rules.registry).
    formats: ClassVar[tuple[str, ...] | None] = None
    # True when the rule only walks ctx.compared_studies(): the engine skips it in a run with no
    # revision to compare with (Context.compares_revisions), where it could find nothing.
    compares_revisions: ClassVar[bool] = False
    # True when every finding of the rule rests on a study's program facts (ctx.code(study) is not
    # None): the engine skips it on a file none of whose studies has them (a folder of configs).
    needs_program_facts: ClassVar[bool] = False

    def check(self, ctx: Context) -> Iterator[Finding]:  # pragma: no cover - interface
        raise NotImplementedError
