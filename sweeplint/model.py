"""The common model every format reader produces.

Rules only ever see these immutable objects, never YAML nodes or syntax trees, so a rule written
for a W&B sweep works unchanged on an Optuna or Katib search space.
"""

from __future__ import annotations

import enum
import re
from collections import namedtuple

from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


class Span(namedtuple("Span", "line column end_line end_column")):
    """A region of a file. Lines and columns are 1-based; the end is exclusive.

    (A named tuple: every node a reader looks at gets one, some 15,000 a run. A tuple is made,
    compared and hashed in C, where a frozen record is made by four calls of its slots' setters and
    compared by Python methods; its fields, order, equality between spans, hash, repr and pickling
    are the same.)"""

    __slots__ = ()

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        start, end = min(self, other), max(self, other, key=lambda s: (s.end_line, s.end_column))
        return Span(start.line, start.column, end.end_line, end.end_column)


NOWHERE = Span(1, 1, 1, 1)


@record(frozen=True, slots=True)
class Opaque:
    """A value a Python reader could not compute without running code: a name, a call, a lambda.

    `text` is the source code of the expression; `kind` is "name", "attribute", "call", "lambda"
    or "expression". Two opaque values are equal only when their source is the same.
    """

    text: str
    kind: str = "expression"
    # When the expression is an unknown value times a known positive factor (`base_lr / 10`): the
    # unknown part's source and the factor (0.1), so a range written around one value has a known ratio.
    base: str | None = None
    factor: float | None = None

    def __str__(self) -> str:
        return self.text


@record(frozen=True, slots=True)
class Lit:
    """A literal as written in the source: its typed value, where it is and how it was spelled.

    `text` is the source spelling of a scalar (None for collections or values built by a reader);
    `quoted` tells a quoted YAML/JSON string from a plain one.
    """

    value: Any
    span: Span
    text: str | None = None
    quoted: bool = False

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)

    @property
    def is_int(self) -> bool:
        return isinstance(self.value, int) and not isinstance(self.value, bool)


class Space(str, enum.Enum):
    """The shape of a parameter's search space, whatever tool wrote it."""

    CONSTANT = "constant"
    CATEGORICAL = "categorical"
    UNIFORM = "uniform"          # continuous on [low, high]; `log` says on which scale
    INT = "int"                  # integers on [low, high]
    QUANTIZED = "quantized"      # round(x / q) * q over [low, high]
    NORMAL = "normal"            # unbounded; `log` for log-normal
    BETA = "beta"
    UNKNOWN = "unknown"          # the reader could not tell (a malformed spec)

    @property
    def varies(self) -> bool:
        return self is not Space.CONSTANT and self is not Space.UNKNOWN

    @property
    def continuous(self) -> bool:
        return self in (Space.UNIFORM, Space.QUANTIZED, Space.NORMAL, Space.BETA)


# A member looked up on its enum class (`Space.CATEGORICAL`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: Parameter.varies, asked ~10,000 times a run, uses these.
_CONSTANT, _CATEGORICAL, _UNKNOWN = Space.CONSTANT, Space.CATEGORICAL, Space.UNKNOWN


@record(frozen=True, slots=True)
class Condition:
    """A parameter is active only when `parent` takes one of `values`."""

    parent: str
    values: tuple[Any, ...]


@record(frozen=True, slots=True)
class KeyRef:
    """A key as written (for unknown-key reports): its text, where it is, what was valid there."""

    key: str
    span: Span
    expected: tuple[str, ...]
    where: str  # a human name for the mapping, e.g. "parameter 'lr'" or "the sweep"


@record(frozen=True, slots=True)
class Problem:
    """A structural problem a reader found (malformed spec, wrong type), reported by a rule."""

    code: str
    span: Span
    message: str


@record(frozen=True, slots=True)
class SpaceShape:
    """How a parameter's value space was written: the type it declares and the keys its space has.

    For rules that check a tool's pairing of the two (Katib's parameterType and feasibleSpace),
    which the reader cannot judge without reporting a rule's finding itself.
    """

    declared_type: str
    keys: tuple[tuple[str, Span], ...]       # each key written in the value space, with where it is
    span: Span                               # the value space

    def key(self, name: str) -> Span | None:
        return next((span for key, span in self.keys if key == name), None)


@record(frozen=True, slots=True)
class IgnoredSetting:
    """A sweep setting written where the tool never reads it, so the sweep runs without it.

    `place` says where it sits: "launcher" (Hydra: under hydra.launcher), "global-package" (the top
    level of a `# @package _global_` file) or "superseded" (a legacy block another key replaces).
    """

    key: str
    span: Span
    place: str


@record(frozen=True, slots=True)
class CallSite:
    """One call in code that asks the tool for a parameter's value (an Optuna `trial.suggest_*`).

    The tool keys values by name, so what matters is whether the call runs again with the same name
    (`in_loop` and `fixed_name`) and which variable receives the value (`target`).
    """

    span: Span                   # the name argument
    method: str                  # the call as the tool spells it, e.g. "suggest_int"
    in_loop: bool = False        # inside a loop or comprehension
    fixed_name: bool = False     # the name is a constant string, the same on every pass
    target: str | None = None    # the variable the value is assigned to, when it is one name
    condition: Condition | None = None  # the branch the call is in
    scope: str | None = None     # the function it is in


@record(frozen=True, slots=True)
class RandomDraw:
    """A random draw (`np.random.randint(...)`) evaluated once while a search space is built."""

    call: str                    # the function called, as written
    span: Span
    built: str                   # what is being built when it runs: "the search space"
    parameter: str | None = None  # the parameter whose value it gives, when one does
    sampler: str = "the search"  # who would otherwise vary the value
    remedy: str = "let the tuner sample it instead"


@record(frozen=True, slots=True)
class Parameter:
    """One searched hyperparameter: its dotted name, its space, and where its key and value are written."""

    name: str                                # dotted path, e.g. "optimizer.lr"
    space: Space
    key_span: Span
    value_span: Span
    distribution: str | None = None          # the tool's own spelling, e.g. "log_uniform_values"
    distribution_span: Span | None = None
    low: Lit | None = None
    high: Lit | None = None
    values: tuple[Lit, ...] = ()             # the choices, or the one constant value
    probabilities: tuple[Lit, ...] = ()
    q: Lit | None = None
    mu: Lit | None = None
    sigma: Lit | None = None
    alpha: Lit | None = None                 # beta distribution a
    beta: Lit | None = None                  # beta distribution b
    log: bool = False
    integer: bool = False
    inferred: bool = False                   # the kind was inferred from literal types, not stated
    exponent_bounds: bool = False            # low/high are exponents of `base`
    base: float | None = None
    high_inclusive: bool = True
    condition: Condition | None = None
    deprecated: str | None = None            # why the spelling is deprecated, if it is
    selects_config_group: bool = False       # a Hydra config group choice, consumed by composition
    linked_from: str | None = None           # the file defining it, when a config reads another file's space
    shape: SpaceShape | None = None          # the declared type and value-space keys, where a tool pairs them
    grid_points: Lit | None = None           # how many points a grid takes from this range (Determined's count)
    sites: tuple[CallSite, ...] = ()         # the calls that suggest it, for define-by-run spaces

    @property
    def leaf(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def varies(self) -> bool:
        space = self.space
        if space is _CATEGORICAL:
            # two distinct values are enough: stop at the first one that differs from the first
            values = self.values
            if len(values) < 2:
                return False
            first = values[0].value
            kind = type(first)
            hashed = None
            for v in values[1:]:
                value = v.value
                if value is first:
                    continue
                if kind is type(value) and kind not in (list, dict):
                    # what comparing the _hashable forms gives for two values of one plain type,
                    # without building them (this runs for every parameter in many rules)
                    if not value == first:
                        return True
                    continue
                if hashed is None:
                    hashed = _hashable(first)
                if _hashable(value) != hashed:
                    return True
            return False
        return space is not _CONSTANT and space is not _UNKNOWN

    @property
    def constant_value(self) -> Any:
        if self.space is Space.CONSTANT and self.values:
            return self.values[0].value
        return None


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return (type(value).__name__, value)


class MethodKind(str, enum.Enum):
    GRID = "grid"
    RANDOM = "random"            # random or quasi-random: non-adaptive
    MODEL_BASED = "model-based"  # bayes, TPE, GP, CMA-ES...
    BANDIT = "bandit"            # hyperband/PBT style schedulers that also pick configs
    OTHER = "other"


@record(frozen=True, slots=True)
class Method:
    """A study's search method, in the tool's spelling and as a kind, with its settings."""

    name: str                    # the tool's own spelling, e.g. "bayes"
    kind: MethodKind
    span: Span
    settings: tuple[tuple[str, Lit], ...] = ()   # e.g. (("n_startup_trials", Lit(10, ...)),)

    def get(self, key: str) -> Lit | None:
        for name, lit in self.settings:
            if name == key:
                return lit
        return None


@record(frozen=True, slots=True)
class Objective:
    """The metric a study optimises and its direction."""

    name: Lit
    goal: str                    # "minimize" or "maximize"
    goal_span: Span | None       # None when the goal is the tool's default
    span: Span
    source: Lit | None = None    # where the tool reads the metric from (a Katib collector's file path)
    # How the tool reduces the metric's reported values to the one it ranks by, when the config says
    # (the tool's own spelling: Katib's `latest`, `min`, `max`).
    reduction: Lit | None = None


@record(frozen=True, slots=True)
class EarlyStopping:
    """A study's early-stopping (pruning) scheme and its settings."""

    kind: str
    settings: tuple[tuple[str, Lit], ...]
    span: Span

    def get(self, key: str) -> Lit | None:
        for name, lit in self.settings:
            if name == key:
                return lit
        return None


@record(frozen=True, slots=True)
class Directive:
    """A `# sweeplint: name=value,...` comment."""

    name: str
    values: tuple[str, ...]
    span: Span           # the `name=value` text
    value_span: Span


@record(frozen=True, slots=True)
class Declarations:
    """Roles, goal and phase the user declared (in the config file or in [tool.sweeplint])."""

    scientific: tuple[str, ...] = ()
    nuisance: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    goal: str | None = None
    phase: str | None = None
    program: str | None = None
    span: Span | None = None


@record(frozen=True, slots=True)
class Derivation:
    """`target` is computed from `sources` (an OmegaConf `${...}` interpolation, `wd = lr * width`).

    Names are dotted config paths as parameters use them; `via` says what wrote it
    ("interpolation" or "code"), `span` where (in `path`, or in the config file when None).
    """

    target: str
    sources: tuple[str, ...]
    span: Span
    via: str = "interpolation"
    path: str | None = None


@record(frozen=True, slots=True)
class TrialBinding:
    """A name under which the tool hands a trial one parameter's value (a Katib trialParameters entry).

    `name` and `reference` are None when the entry lacks them; `used` says whether the trial spec
    uses the name (None when there is no trial spec to look in).
    """

    name: Lit | None
    reference: Lit | None
    span: Span
    used: bool | None = None


@record(frozen=True, slots=True)
class TrialTemplate:
    """How the tool hands trials their parameters: named bindings, used as placeholders in a trial spec."""

    bindings: tuple[TrialBinding, ...]
    placeholders: tuple[Lit, ...] = ()       # each distinct name the trial spec uses as a placeholder, and where


@record(frozen=True, slots=True)
class Study:
    """One sweep: a search space, a search algorithm, an objective and a budget."""

    format: str                      # "wandb", "hydra-optuna", "katib", ...
    loader: str                      # scalar semantics of the tool: "yaml1.1", "json", "omegaconf", "python"
    span: Span
    parameters: tuple[Parameter, ...] = ()
    method: Method | None = None
    objective: Objective | None = None
    budget: Lit | None = None
    early_stopping: EarlyStopping | None = None
    program: Lit | None = None
    parallel: Lit | None = None      # how many trials the tool runs at once, when the config says
    # Whether the study's trials outlive the process that runs it: True (a storage is named), False
    # (kept only in its memory), None (not known).
    keeps_trials: bool | None = None
    command: tuple[Lit, ...] = ()
    command_span: Span | None = None
    declarations: Declarations = field(default_factory=Declarations)
    unknown_keys: tuple[KeyRef, ...] = ()
    problems: tuple[Problem, ...] = ()
    name: str | None = None
    derivations: tuple[Derivation, ...] = ()   # values the config computes from other values
    trial_template: TrialTemplate | None = None  # how trials get their parameters, when a template binds them
    random_draws: tuple[RandomDraw, ...] = ()  # random calls evaluated while the space is built

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None

    @property
    def varied(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.varies)


@record(frozen=True, slots=True)
class ConfigFile:
    """What reading one file produced: its studies and the file-level facts rules report."""

    path: str
    text: str
    format: str | None = None             # None: not a sweep file
    studies: tuple[Study, ...] = ()
    problems: tuple[Problem, ...] = ()    # parse errors, duplicate keys, unsafe tags...
    directives: tuple[Directive, ...] = ()
    ignored_settings: tuple[IgnoredSetting, ...] = ()   # settings the tool never reads where they sit

    @property
    def is_sweep(self) -> bool:
        return self.format is not None or bool(self.problems)


_HUGE = 1 << 1000  # an integer no float holds
_FLOAT_TEXT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")


def number(lit: Lit | None) -> float | None:
    """The numeric value of a literal, also when a YAML 1.1 loader left `1e-5` as a string.

    Rules use this to judge bounds whatever the loader did to them; the string trap itself is
    reported separately (SL005).
    """
    if lit is None:
        return None
    value = lit.value
    kind = type(value)  # the common cases first: rules ask this of every bound and value
    if kind is float:
        return value
    if kind is int:
        return float(value) if abs(value) < _HUGE else None
    if kind is str:  # (a choice's text, or a number a YAML 1.1 loader left a string)
        return _text_number(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if not isinstance(value, int) or abs(value) < _HUGE else None
    if isinstance(value, str):
        return _text_number(value)
    return None


def _text_number(text: str) -> float | None:
    if _FLOAT_TEXT.match(text.strip()):
        try:
            return float(text)
        except (ValueError, OverflowError):
            return None
    return None
