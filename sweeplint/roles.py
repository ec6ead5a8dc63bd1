"""Roles, goal and phase of a study: declared by the user, or inferred (and then said so).

Declared, in priority order: `[[tool.sweeplint.study]]` tables whose `config` glob matches the
config's path relative to the settings root, then `# sweeplint:` directives in the config itself.
Otherwise inferred, per parameter:

- a parameter that takes a single value is **fixed**;
- a parameter varied over a handful of values (at most HANDFUL) whose family is an architecture,
  optimizer choice, activation, normalisation or regularizer on/off switch, or any true/false
  choice (a feature toggle), is a **scientific** candidate - unless the user declared which
  parameters are scientific, in which case every other varied one is nuisance;
- every other varied parameter (a continuous range, a list of learning rates) is **nuisance**.

The phase is declared (`phase=exploration|exploitation`) or inferred. A study with a declared
scientific parameter answers a question: an exploration round. Without a declared question, a
model-based search that varies many things is a "tune everything" round, an exploitation round;
a grid over architecture choices compares them (exploration, strong evidence); a random search
that varies a scientific candidate might do either (exploration, weak evidence). A study that
varies only nuisance parameters maximises the objective: exploitation.

Every inferred role and phase carries how sure it is (`Confidence`), so rules that rest on them
report only what the evidence supports by default.
"""

from __future__ import annotations

import fnmatch
import math
from functools import lru_cache

from sweeplint.diagnostics import Confidence
from sweeplint.model import ConfigFile, Declarations, Directive, MethodKind, Parameter, Space, Span, Study, number
from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

ROLES = ("scientific", "nuisance", "fixed")
PHASES = ("exploration", "exploitation")
HANDFUL = 6
SCIENTIFIC_KINDS = frozenset({"architecture", "optimizer-choice", "activation", "normalization", "regularizer-toggle", "feature-toggle"})

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the code run for every parameter compares with these.
_CONSTANT, _CATEGORICAL, _INT, _QUANTIZED, _UNKNOWN = Space.CONSTANT, Space.CATEGORICAL, Space.INT, Space.QUANTIZED, Space.UNKNOWN
_DECLARED, _STRONG, _WEAK = Confidence.DECLARED, Confidence.STRONG, Confidence.WEAK
_GRID, _MODEL_BASED = MethodKind.GRID, MethodKind.MODEL_BASED


@record(frozen=True, slots=True)
class RoleAssignment:
    """The role of one parameter in its study, and where it comes from."""

    name: str
    role: str                    # scientific | nuisance | fixed
    declared: bool
    reason: str                  # why: "declared in a `# sweeplint:` directive", "varies over 3 model depth values"
    source: str | None = None    # "directive" or "pyproject" when declared
    span: Span | None = None     # the name in the directive that declared it
    strength: Confidence = Confidence.STRONG   # how sure an inferred role is (declared ones: DECLARED)

    @property
    def confidence(self) -> Confidence:
        return _DECLARED if self.declared else self.strength

    @property
    def inferred(self) -> bool:
        return not self.declared

    @property
    def label(self) -> str:
        """`scientific` or `scientific, inferred`, for messages: "num_layers (scientific, inferred)"."""
        return self.role if self.declared else f"{self.role}, inferred"

    @property
    def directive(self) -> str:
        """The comment that declares this role."""
        return directive(self.role, self.name)


@record(frozen=True, slots=True)
class Unmatched:
    """A declared name that matches no parameter (reported as unknown-key, SL002)."""

    span: Span
    message: str


@record(frozen=True, slots=True)
class Roles:
    """Every parameter's role, the goal and the phase of one study."""

    assignments: dict[str, RoleAssignment] = field(default_factory=dict)
    goal: str | None = None
    phase: str | None = None           # exploration | exploitation | None (nothing varies)
    phase_declared: bool = False
    phase_reason: str = ""
    fixed_families: frozenset[str] = frozenset()   # families declared fixed although absent from the sweep
    unmatched: tuple[Unmatched, ...] = ()
    declared_any: bool = False
    phase_confidence: Confidence = Confidence.STRONG

    def confidence(self, names) -> Confidence:
        """How sure a finding resting on these parameters' roles is: the least sure of them."""
        levels = [a.confidence for a in (self.assignments.get(n) for n in names) if a is not None]
        return min(levels, default=_DECLARED)

    def of(self, name: str) -> RoleAssignment | None:
        return self.assignments.get(name)

    def names(self, role: str) -> list[str]:
        return [n for n, a in self.assignments.items() if a.role == role]

    @property
    def scientific(self) -> list[str]:
        return self.names("scientific")

    @property
    def nuisance(self) -> list[str]:
        return self.names("nuisance")

    @property
    def fixed(self) -> list[str]:
        return self.names("fixed")

    def declared_fixed(self, name: str) -> bool:
        a = self.assignments.get(name)
        return a is not None and a.declared and a.role == "fixed"


def directive(role: str, *names: str) -> str:
    return f"`# sweeplint: {role}={','.join(names)}`"


def mention(a: RoleAssignment) -> str:
    """`num_layers (scientific, inferred)`."""
    return f"{a.name} ({a.label})"


def and_list(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def inferred_note(assignments: list[RoleAssignment]) -> str:
    """For messages that rely on inferred roles: what was inferred, why, and the directive that
    declares it. Empty when every role was declared."""
    inferred = [a for a in assignments if a is not None and a.inferred]
    if not inferred:
        return ""
    parts = []
    by_role: dict[str, list[RoleAssignment]] = {}
    for a in inferred:
        by_role.setdefault(a.role, []).append(a)
    for role, group in by_role.items():
        if len(group) == 1:
            a = group[0]
            parts.append(f"{a.name} is taken as {role} because {a.reason}; {directive(role, a.name)} declares it")
        else:
            names = [a.name for a in group]
            parts.append(f"{and_list(names)} are taken as {role} from their names and search spaces; "
                         f"{directive(role, *names)} declares them")
    return " (" + "; ".join(parts) + ")"


# --- declarations ------------------------------------------------------------------------------


@record
class _Declared:
    """A role a user declared for a parameter, and where."""

    role: str
    name: str
    source: str                 # "pyproject" | "directive"
    span: Span | None


def _pyproject_tables(settings: Any, path: str) -> list[Any]:
    tables = getattr(settings, "studies", None) or ()
    if not tables:
        return []
    from pathlib import Path

    from sweeplint.settings import relative_to_root

    root = getattr(settings, "root", None) or Path.cwd()
    rel = relative_to_root(path, Path(root))
    out = []
    for table in tables:
        pattern = str(getattr(table, "config", "")).replace("\\", "/")
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, pattern.lstrip("./")) or (
            "/" not in pattern and fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)
        ):
            out.append(table)
    return out


def _value_spans(file: ConfigFile | None, d: Directive) -> list[tuple[str, Span]]:
    """Each value of a `name=a,b` directive with its own span."""
    if file is None:
        return [(v, d.value_span) for v in d.values]
    from sweeplint.source import split_lines

    lines = split_lines(file.text)
    if d.value_span.line != d.value_span.end_line or not 0 < d.value_span.line <= len(lines):
        return [(v, d.value_span) for v in d.values]
    line = lines[d.value_span.line - 1]
    start = d.value_span.column - 1
    segment = line[start : d.value_span.end_column - 1]
    out = []
    offset = 0
    for part in segment.split(","):
        stripped = part.strip()
        if stripped:
            at = start + offset + part.index(stripped)
            out.append((stripped, Span(d.value_span.line, at + 1, d.value_span.line, at + 1 + len(stripped))))
        offset += len(part) + 1
    return out


_DECLARING = ROLES + ("goal", "phase")
_NO_DECLARATIONS = Declarations()  # (compared with every study's: made once)


def _declarations(study: Study, settings: Any, file: ConfigFile | None) -> tuple[list[_Declared], str | None, str | None, list[Unmatched], str]:
    declared: list[_Declared] = []
    goal = phase = None
    problems: list[Unmatched] = []
    phase_source = ""
    path = file.path if file is not None else ""
    for table in _pyproject_tables(settings, path):
        for role in ROLES:
            for name in getattr(table, role, ()) or ():
                declared.append(_Declared(role, str(name), "pyproject", None))
        goal = goal or getattr(table, "goal", None)
        if phase is None and getattr(table, "phase", None):
            phase, phase_source = str(table.phase), "pyproject"
    directives = [d for d in (file.directives if file is not None else ()) if d.name in _DECLARING]
    if directives:
        for d in directives:
            if d.name in ROLES:
                for value, span in _value_spans(file, d):
                    declared.append(_Declared(d.name, value, "directive", span))
            elif d.name == "goal" and goal is None and d.values:
                goal = ",".join(d.values)
            elif d.name == "phase" and phase is None and d.values:
                phase, phase_source = d.values[0], "directive"
                if phase.lower() not in PHASES:
                    import difflib  # only to suggest a spelling, on an error

                    close = difflib.get_close_matches(phase.lower(), PHASES, n=1, cutoff=0.5)
                    hint = f"; did you mean {close[0]!r}?" if close else f"; use {' or '.join(PHASES)}"
                    problems.append(Unmatched(d.value_span, f"unknown phase {phase!r}{hint}"))
    elif study.declarations != _NO_DECLARATIONS:
        # Declarations given without the file's directives (a reader or a caller filled them in).
        for role in ROLES:
            for name in getattr(study.declarations, role):
                declared.append(_Declared(role, name, "directive", study.declarations.span))
        goal = goal or study.declarations.goal
        if phase is None and study.declarations.phase:
            phase, phase_source = study.declarations.phase, "directive"
    if phase is not None and phase.lower() not in PHASES:
        if phase_source == "pyproject":
            problems.append(Unmatched(Span.point(study.span.line, study.span.column),
                                      f"[[tool.sweeplint.study]] declares phase {phase!r}; use {' or '.join(PHASES)}"))
        phase = None
    return declared, goal, (phase.lower() if phase else None), problems, phase_source


def _match(name: str, study: Study) -> Parameter | None:
    """The parameter a declared name means: its dotted name, or a unique last segment."""
    exact = study.parameter(name)
    if exact is not None:
        return exact
    key = name.strip().lower().replace("-", "_")
    same = [p for p in study.parameters if p.name.lower().replace("-", "_") == key]
    if len(same) == 1:
        return same[0]
    if "." not in name:
        leaves = [p for p in study.parameters if p.leaf.lower().replace("-", "_") == key]
        if len(leaves) == 1:
            return leaves[0]
    return None


# --- inference ---------------------------------------------------------------------------------


def distinct_values(p: Parameter) -> int | None:
    """How many different values a discrete search space holds (None: continuous or unknown)."""
    space = p.space
    if space is _CONSTANT:
        return 1
    if space is _CATEGORICAL:
        values = [v.value for v in p.values]
        try:
            # (asked of every parameter of every study: a set counts them at once; equal values
            # hash alike, so it counts what comparing them one by one counts)
            return len(set(values))
        except TypeError:  # a list or a mapping among the choices
            seen = []
            for value in values:
                if value not in seen:
                    seen.append(value)
            return len(seen)
    if space is not _INT and (space is not _QUANTIZED or p.log):
        return None  # a continuous range, or a space that could not be read
    low, high = number(p.low), number(p.high)
    if low is None or high is None or p.exponent_bounds:
        return None
    if not (math.isfinite(low) and math.isfinite(high)):  # an infinite or NaN bound: no finite count
        return None
    if space is _INT:
        count = math.floor(high) - math.ceil(low) + (1 if p.high_inclusive else 0)
        return max(count, 0)
    if space is _QUANTIZED and not p.log:
        q = number(p.q) or 1.0
        steps = (high - low) / q if q > 0 else math.nan
        if math.isfinite(steps):
            return int(round(steps)) + 1
    return None


def _is_toggle(p: Parameter) -> bool:
    return p.space is _CATEGORICAL and bool(p.values) and all(isinstance(v.value, bool) for v in p.values)


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def infer_role(p: Parameter, knowledge: Any, scientific_declared: bool) -> tuple[str, str]:
    """(role, reason) for a parameter nobody declared."""
    return _inferred(p, p.varies, knowledge, scientific_declared)


def _inferred(p: Parameter, varies: bool, knowledge: Any, scientific_declared: bool) -> tuple[str, str]:
    """infer_role, given whether the parameter varies (assign_roles asks that once per name)."""
    if p.space is _UNKNOWN:
        return "fixed", "its search space could not be read"
    if not varies:
        return "fixed", "it takes a single value"
    family = knowledge.family_of(p.name) if knowledge is not None else None
    count = distinct_values(p)
    discrete = count is not None and count <= HANDFUL
    toggle = family is None and _is_toggle(p)
    candidate = (family is not None and family.kind in SCIENTIFIC_KINDS) or toggle
    if candidate and discrete:
        if scientific_declared:
            return "nuisance", "it varies, and the declared scientific parameters are others"
        return "scientific", _counted_reason(family.title if family is not None else None, toggle, "varied", count)
    if family is not None and family.kind == "seed":
        return "nuisance", "it is a seed: varying it measures trial noise"
    if count is None:
        return "nuisance", "it is searched over a continuous range"
    return "nuisance", _counted_reason(family.title if family is not None else None, toggle, "searched", count)


# A pure function of a few strings and a count, asked for every varied parameter of every study:
# the few texts a run needs are made once.
@lru_cache(maxsize=1024)
def _counted_reason(title: str | None, toggle: bool, verb: str, count: int) -> str:
    """`it is a learning rate parameter searched over 4 values`, `it is a true/false choice varied over 2 values`."""
    what = f"{_a(title)} parameter" if title is not None else ("a true/false choice" if toggle else "a parameter")
    return f"it is {what} {verb} over {count} values"


def assign_roles(study: Study, knowledge: Any = None, settings: Any = None, file: ConfigFile | None = None) -> Roles:
    """Every parameter's role, declared or inferred, plus the study's goal and phase."""
    declared, goal, phase, problems, phase_source = _declarations(study, settings, file)
    assignments: dict[str, RoleAssignment] = {}
    fixed_families: set[str] = set()
    unmatched: list[Unmatched] = list(problems)
    for d in declared:
        param = _match(d.name, study)
        if param is None:
            names = [p.name for p in study.parameters]
            family = knowledge.family_of(d.name) if knowledge is not None else None
            if d.role == "fixed" and family is not None:
                # `fixed=learning_rate` for a rate the sweep leaves to the program: fixed on purpose.
                fixed_families.add(family.name)
                continue
            import difflib  # only to suggest a spelling, on an error

            close = difflib.get_close_matches(d.name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else (f"; its parameters are {', '.join(names[:8])}" + (", ..." if len(names) > 8 else "") if names else "")
            where = "a `# sweeplint:` directive" if d.source == "directive" else "[[tool.sweeplint.study]]"
            span = d.span or Span.point(study.span.line, study.span.column)
            message = f"{where} declares {d.role} {d.name!r}, but the sweep has no such parameter{hint}"
            if not any(u.span == span and u.message == message for u in unmatched):
                unmatched.append(Unmatched(span, message))
            continue
        if param.name in assignments:
            continue  # pyproject first, then directives; the first declaration wins
        how = "declared in [[tool.sweeplint.study]]" if d.source == "pyproject" else "declared in a `# sweeplint:` directive"
        assignments[param.name] = RoleAssignment(param.name, d.role, True, how, d.source, d.span)
    scientific_declared = any(a.role == "scientific" for a in assignments.values())
    # Whether the first parameter of each name varies (what study.parameter(name) gives): inference
    # and the phase both ask it, and it walks a parameter's values.
    varies: dict[str, bool] = {}
    for p in study.parameters:
        if p.name in varies:
            continue
        varies[p.name] = p_varies = p.varies
        if p.name in assignments:
            continue
        role, reason = _inferred(p, p_varies, knowledge, scientific_declared)
        assignments[p.name] = _inferred_assignment(p.name, role, reason, _STRONG)
    # In the parameters' order (inferred ones were added in it: only declarations come first).
    ordered = {p.name: assignments[p.name] for p in study.parameters if p.name in assignments} if declared else assignments

    phase_declared = phase is not None
    phase_confidence = _DECLARED
    if phase_declared:
        phase_reason = "declared in [[tool.sweeplint.study]]" if phase_source == "pyproject" else "declared in a `# sweeplint:` directive"
    else:
        phase, phase_reason, phase_confidence = _infer_phase(study, ordered, varies)
        # An inferred scientific parameter is only as sure as the question the round seems to ask.
        for name, a in ordered.items():
            if not a.declared and a.role == "scientific":
                ordered[name] = _inferred_assignment(a.name, a.role, a.reason, min(phase_confidence, _STRONG))
    return Roles(
        assignments=ordered,
        goal=goal,
        phase=phase,
        phase_declared=phase_declared,
        phase_reason=phase_reason,
        fixed_families=frozenset(fixed_families),
        unmatched=tuple(unmatched),
        declared_any=bool(declared) or phase_declared or goal is not None,
        phase_confidence=phase_confidence,
    )


# An inferred assignment is made of these four values alone, and is frozen: the studies of a run
# share the few there are instead of each making its own (a record costs more than inferring it).
@lru_cache(maxsize=4096)
def _inferred_assignment(name: str, role: str, reason: str, strength: Confidence) -> RoleAssignment:
    return RoleAssignment(name, role, False, reason, None, None, strength)


def _infer_phase(study: Study, assignments: dict[str, RoleAssignment], varies: dict[str, bool]) -> tuple[str | None, str, Confidence]:
    """(phase, why, how sure) for a study whose phase nobody declared. `varies`: whether the first
    parameter of each name varies."""
    scientific = [a for a in assignments.values() if a.role == "scientific" and varies.get(a.name, False)]
    declared = [a for a in scientific if a.declared]
    if declared:
        return "exploration", f"it compares values of {declared[0].name} (declared scientific)", _DECLARED
    # (a later parameter of a repeated name may vary where the first does not)
    if not any(varies.values()) and not any(p.varies for p in study.parameters):
        return None, "nothing varies", _STRONG
    if not scientific:
        return "exploitation", "it varies only nuisance parameters", _STRONG
    first = scientific[0]
    kind = study.method.kind if study.method is not None else None
    if kind is _MODEL_BASED:
        return ("exploitation", f"{study.method.name} search over everything it varies, with no declared question: "
                "a tune-everything round", _WEAK)
    if kind is _GRID:
        return "exploration", f"a grid compares every value of {first.name} ({first.label})", _STRONG
    return "exploration", f"it varies {first.name} ({first.label}), which may be the question it asks", _WEAK
