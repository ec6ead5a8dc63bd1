"""What the training code does with hyperparameters, as plain data.

Everything here is made of strings, numbers, booleans, tuples and `Span`s, and round-trips through
`to_dict`/`from_dict` (JSON-compatible), so a cache can store the facts of one file keyed by the
hash of its text. Facts of one file are *symbolic*: a read through a function parameter is recorded
against that parameter ("param:<function>:<name>"), and the program-level link step
(`sweeplint.codefacts.program`) decides which configuration source the parameter stands for.

Roots (where a value comes from):
    wandb       wandb.config / run.config and their aliases
    argparse    an argparse namespace (args.x), or vars(args)
    hydra       the config of an @hydra.main function, or hydra.compose(...)
    nni         nni.get_next_parameter()
    determined  context.get_hparam("x") / context.get_hparams() / info.trial.hparams (Determined)
    hparams     self.hparams in a Lightning module
    unknown     a config-like function parameter nobody is known to pass a config to
    param:F:N   parameter N of function F in the same file (resolved by the link step)
"""

from __future__ import annotations

from sweeplint.codefacts.names import OPTIMIZERS
from sweeplint.codefacts.queries import key_matches, normalise_metric
from sweeplint.codefacts.shape import check
from sweeplint.model import Span
from sweeplint.records import fields, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

CONCRETE_ROOTS = ("wandb", "argparse", "hydra", "nni", "hparams", "determined", "unknown")


def _span_to(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _span_from(data: list[int]) -> Span:
    if not isinstance(data, list) or len(data) != 4:
        raise ValueError("a span is four numbers")
    return Span(*data)


class _Data:
    """to_dict/from_dict for frozen dataclasses of str/int/bool/None/Span/tuples of those or of _Data."""

    __slots__ = ()

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):  # type: ignore[arg-type]
            out[f.name] = _encode(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, data: dict):
        if not isinstance(data, dict):
            raise ValueError(f"cached {cls.__name__} is not a mapping")
        kwargs = {}
        for name, nested, annotation, scalars, span in _PLANS.get(cls) or _plan(cls):
            if name in data:
                raw = data[name]
                # The two commonest fields, taken directly: a JSON scalar of an allowed type, and a
                # span of four plain ints. Anything else is decoded, then checked against its annotation.
                if scalars is not None and type(raw) in scalars:
                    kwargs[name] = raw
                    continue
                if span and type(raw) is dict and len(raw) == 1:
                    four = raw.get("$span")
                    if type(four) is list and len(four) == 4 and all(type(v) is int for v in four):
                        kwargs[name] = Span(*four)
                        continue
                kwargs[name] = value = _decode(raw, nested)
                check(value, annotation, _CLASSES)
        return cls(**kwargs)


# How from_dict reads each field of a class: (name, nested fact class, annotation, the exact JSON
# types that fit the annotation when it names only scalars, whether it is `Span` or `Span | None`).
_PLANS: dict[type, tuple[tuple[str, type | None, str, frozenset | None, bool], ...]] = {}
_SCALAR_TYPES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "None": (type(None),)}


def _plan(cls: type) -> tuple:
    plan = []
    for f in fields(cls):  # type: ignore[arg-type]
        annotation = str(f.type)
        parts = [part.strip() for part in annotation.split("|")]
        scalars = frozenset(t for part in parts for t in _SCALAR_TYPES[part]) if all(part in _SCALAR_TYPES for part in parts) else None
        span = set(parts) in ({"Span"}, {"Span", "None"})
        if span:
            scalars = frozenset({type(None)}) if "None" in parts else None
        plan.append((f.name, _NESTED.get((cls.__name__, f.name)), annotation, scalars, span))
    _PLANS[cls] = found = tuple(plan)
    return found


def _encode(value: Any) -> Any:
    if isinstance(value, Span):
        return {"$span": _span_to(value)}
    if isinstance(value, _Data):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any, nested: type | None) -> Any:
    if isinstance(value, dict) and "$span" in value:
        return _span_from(value["$span"])
    if isinstance(value, list):
        return tuple(_decode(v, nested) for v in value)
    if isinstance(value, dict) and nested is not None:
        return nested.from_dict(value)
    return value


@record(frozen=True, slots=True)
class Cond(_Data):
    """An `if`/`elif`/`else`/`match` condition a code site sits under.

    `root`/`key` name the parameter tested when the test is about one (`config.optimizer == "sgd"`);
    `op` is one of ==, !=, in, not in, truthy, falsy, other; `values` the literals compared with.
    """

    text: str
    line: int
    op: str = "other"
    root: str | None = None
    key: tuple[str, ...] = ()
    values: tuple = ()


@record(frozen=True, slots=True)
class Consumer(_Data):
    """A call a value flows into: `torch.optim.SGD(..., lr=<value>)`."""

    func: str
    keyword: str | None
    position: int | None
    line: int
    via: str | None = None       # the local variable it went through, if any


@record(frozen=True, slots=True)
class Read(_Data):
    """One place where the program reads a hyperparameter."""

    root: str
    key: tuple[str, ...]
    span: Span
    how: str = "attr"            # attr, item, get, getattr, in, kwarg (a **config into a named parameter)
    default: Any = None          # a literal default (JSON-compatible), if has_default
    has_default: bool = False
    conditions: tuple[Cond, ...] = ()
    consumers: tuple[Consumer, ...] = ()
    bool_cast: bool = False      # bool(<read>)
    dead_local: str = ""         # the local the value was stored in, when nothing ever uses that local
    path: str = ""               # the file, filled in by the link step


@record(frozen=True, slots=True)
class ArgDef(_Data):
    """An argparse `add_argument` definition."""

    dest: str
    flags: tuple[str, ...]
    span: Span
    type: str | None = None      # the name given as type=, e.g. "float", "bool", "str2bool"
    action: str | None = None
    default: Any = None
    has_default: bool = False
    path: str = ""


@record(frozen=True, slots=True)
class MetricLog(_Data):
    """A metric key the program logs or reports."""

    api: str                     # wandb.log, self.log, tune.report, nni, print, summary, return...
    span: Span
    key: str | None = None       # the literal key; None when unknown
    pattern: str | None = None   # a regular expression for an f-string key
    dynamic: bool = False        # the key is computed: it may be anything matching `pattern` (or anything)
    value: str | None = None     # the source code of the logged value, when known
    path: str = ""
    in_loop: bool = False        # the call sits inside a for/while loop of its own function (or module)
    loops: int = 0               # how many for/while loops of its own function surround it
    trips: int | None = None     # how often those loops run in all, when literals fix it (`range(10)`)
    function: str = ""           # the qualified name of the function it sits in; "" at module level
    split: str | None = None     # the data the value was computed on, when the code shows it: "test" or "train"
    split_span: Span | None = None   # where the code shows it (a `test_loader` argument, a `split="test"`...)


@record(frozen=True, slots=True)
class ConfigWrite(_Data):
    """A write to the run's config after it was created."""

    kind: str                    # assign, update, init
    span: Span
    root: str = "wandb"
    keys: tuple[str, ...] = ()   # the keys written, when known
    all_args: bool = False       # every argparse argument (update(args) / vars(args))
    unknown: bool = False        # keys not known statically
    allow_val_change: bool = False
    source: str | None = None    # the root of the values written, when they come from another config
    path: str = ""


@record(frozen=True, slots=True)
class CallArg(_Data):
    """One argument of a recorded call: keyword or position, kind, text and place."""

    keyword: str | None
    position: int | None
    kind: str                    # literal, read, expr
    text: str
    span: Span
    value: Any = None            # for literals
    reads: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (root, key) read by the expression, with locals followed


@record(frozen=True, slots=True)
class CallFact(_Data):
    """A call to an optimizer, scheduler or trainer constructor, with what each argument is."""

    func: str
    span: Span
    args: tuple[CallArg, ...] = ()
    conditions: tuple[Cond, ...] = ()
    path: str = ""

    def arg(self, keyword: str, position: int | None = None) -> CallArg | None:
        for a in self.args:
            if a.keyword == keyword:
                return a
        if position is not None:
            for a in self.args:
                if a.keyword is None and a.position == position:
                    return a
        return None


@record(frozen=True, slots=True)
class Derivation(_Data):
    """Two or more hyperparameter reads combined arithmetically: `lr = args.lr * args.batch_size / 256`."""

    reads: tuple[tuple[str, tuple[str, ...]], ...]   # (root, key) of each read involved, locals followed
    span: Span                   # the whole arithmetic expression
    text: str = ""
    path: str = ""


@record(frozen=True, slots=True)
class Selection(_Data):
    """The best configuration picked by a metric: `get_best_result(metric="acc")`, `max(rs, key=lambda r: r["acc"])`."""

    func: str                    # as written: "analysis.get_best_config", "max"
    metric: str                  # the metric name it selects on
    span: Span                   # where the metric is named
    path: str = ""


@record(frozen=True, slots=True)
class Escape(_Data):
    """A config (or part of it) handed to code we cannot follow: any key below `key` may be read."""

    root: str
    key: tuple[str, ...]
    span: Span
    reason: str
    path: str = ""


@record(frozen=True, slots=True)
class Pass(_Data):
    """A config value passed to a function: links that function's parameter to the config."""

    root: str
    key: tuple[str, ...]
    callee: str                  # as written, e.g. "train", "utils.build_model", "Model"
    span: Span
    position: int | None = None
    keyword: str | None = None
    star: str = ""               # "", "*" or "**"


@record(frozen=True, slots=True)
class FunctionDef(_Data):
    """A function (or method) defined in a program, with its parameters."""

    qualname: str                # "train", "Model.__init__"
    params: tuple[str, ...]
    line: int
    has_kwargs: bool = False
    is_method: bool = False
    returns_root: str | None = None   # returns an argparse namespace / config
    is_class: bool = False


@record(frozen=True, slots=True)
class ImportFact(_Data):
    """`import a.b as c` -> (module="a.b", name=None, alias="c"); `from .m import f` -> level 1."""

    module: str
    name: str | None
    alias: str
    level: int = 0


@record(frozen=True, slots=True)
class FileFacts(_Data):
    """Everything one Python file says, before the program-level link step."""

    reads: tuple[Read, ...] = ()
    args: tuple[ArgDef, ...] = ()
    metrics: tuple[MetricLog, ...] = ()
    writes: tuple[ConfigWrite, ...] = ()
    calls: tuple[CallFact, ...] = ()
    escapes: tuple[Escape, ...] = ()
    passes: tuple[Pass, ...] = ()
    functions: tuple[FunctionDef, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    selections: tuple[Selection, ...] = ()
    hydra_main: bool = False
    uses_argparse: bool = False
    uses_wandb: bool = False
    error: str | None = None             # a syntax error: message
    error_span: Span | None = None
    internal: bool = False               # the error is sweeplint's own failure, not the file's


@record(frozen=True, slots=True)
class ProgramFacts(_Data):
    """The facts of a program and the local modules it imports, with every root resolved."""

    program: str                         # path of the entry file
    files: tuple[str, ...] = ()
    reads: tuple[Read, ...] = ()
    args: tuple[ArgDef, ...] = ()
    metrics: tuple[MetricLog, ...] = ()
    writes: tuple[ConfigWrite, ...] = ()
    calls: tuple[CallFact, ...] = ()
    escapes: tuple[Escape, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    selected_by: tuple[Selection, ...] = ()
    hydra_main: bool = False
    uses_argparse: bool = False
    uses_wandb: bool = False

    # --- queries rules use ---------------------------------------------------------------------

    def reads_of(self, name: str, roots: tuple[str, ...] | None = None) -> tuple[Read, ...]:
        """Reads of a dotted parameter name (exact key path, or the whole name as one flat key)."""
        out = []
        for r in self.reads:
            if roots is not None and r.root not in roots:
                continue
            if key_matches(r.root, r.key, name):
                out.append(r)
        return tuple(out)

    def reads_below(self, name: str) -> tuple[Read, ...]:
        """Reads of keys inside a parameter (`model.depth` for `model`: a Hydra config group choice)."""
        return tuple(r for r in self.reads if ".".join(r.key).startswith(name + "."))

    def escaped(self, name: str) -> Escape | None:
        """An escape that may read this parameter (its key is a prefix of the name)."""
        for e in self.escapes:
            if e.root == "*" or _is_prefix(e.key, name, e.root):
                return e
        return None

    def arg(self, name: str) -> ArgDef | None:
        wanted = _argname(name)
        for a in self.args:
            if _argname(a.dest) == wanted:
                return a
        return None

    def optimizer_calls(self) -> tuple[CallFact, ...]:
        """The calls that build an optimizer (`torch.optim.AdamW(...)`, `optax.adam(...)`)."""
        return tuple(c for c in self.calls if c.func.rsplit(".", 1)[-1] in OPTIMIZERS)

    def derivations_of(self, name: str) -> tuple[Derivation, ...]:
        """Arithmetic combinations in which a parameter takes part (`lr * batch_size` for `lr`)."""
        return tuple(d for d in self.derivations if any(key_matches(r, k, name) for r, k in d.reads))

    def objective_split(self, metric: str) -> tuple[str, str, Span] | None:
        """(split, path, span of the evidence) for a metric the code computes on test or training data.

        Among the places that log or report the metric, one computed on test data wins over one on
        training data; None when no place shows which data it was computed on."""
        wanted = normalise_metric(metric)
        found = [m for m in self.metrics if m.split is not None and m.key is not None and normalise_metric(m.key) == wanted]
        found.sort(key=lambda m: m.split != "test")
        if not found:
            return None
        m = found[0]
        return m.split, m.path, m.split_span or m.span

    def selections(self) -> tuple[Selection, ...]:
        """Places that pick the best configuration by a metric name."""
        return self.selected_by


def _argname(name: str) -> str:
    return name.replace("-", "_")


def _is_prefix(key: tuple[str, ...], name: str, root: str) -> bool:
    if not key:
        return True
    joined = ".".join(key)
    if root == "argparse":
        joined, name = _argname(joined), _argname(name)
    return name == joined or name.startswith(joined + ".")


_NESTED: dict[tuple[str, str], type] = {
    ("Read", "conditions"): Cond,
    ("Read", "consumers"): Consumer,
    ("CallFact", "args"): CallArg,
    ("CallFact", "conditions"): Cond,
    ("FileFacts", "reads"): Read,
    ("FileFacts", "args"): ArgDef,
    ("FileFacts", "metrics"): MetricLog,
    ("FileFacts", "writes"): ConfigWrite,
    ("FileFacts", "calls"): CallFact,
    ("FileFacts", "escapes"): Escape,
    ("FileFacts", "passes"): Pass,
    ("FileFacts", "functions"): FunctionDef,
    ("FileFacts", "imports"): ImportFact,
    ("FileFacts", "derivations"): Derivation,
    ("FileFacts", "selections"): Selection,
    ("ProgramFacts", "derivations"): Derivation,
    ("ProgramFacts", "selected_by"): Selection,
    ("ProgramFacts", "reads"): Read,
    ("ProgramFacts", "args"): ArgDef,
    ("ProgramFacts", "metrics"): MetricLog,
    ("ProgramFacts", "writes"): ConfigWrite,
    ("ProgramFacts", "calls"): CallFact,
    ("ProgramFacts", "escapes"): Escape,
}


# The fact types by name, for checking facts read back from a cache (sweeplint.codefacts.shape).
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in _Data.__subclasses__()}
