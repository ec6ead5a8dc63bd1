"""NNI search spaces and experiment configs (v1 `nnictl` schema and the v2 schema).

A search space maps each name to `{_type, _value}`; a `choice` whose options are mappings with
`_name` nests further parameters, which are active only when that option is chosen. Arities, bound
order and types follow NNI's own search-space validation. An experiment config names its search
space (`searchSpaceFile`/`searchSpacePath`, or inline `searchSpace`), the tuner and the trial
command. NNI reads a search-space file as JSON first and as YAML (PyYAML) otherwise.
"""

from __future__ import annotations

import difflib
import os

from sweeplint.formats import ReadContext
from sweeplint.formats.katib import guarded
from sweeplint.formats.katib_template import command_tokens
from sweeplint.formats.nodes import Collector, key_text, lit, text_of, type_name
from sweeplint.model import (
    Condition,
    EarlyStopping,
    KeyRef,
    Lit,
    Method,
    MethodKind,
    Objective,
    Parameter,
    Space,
    Span,
    Study,
    number,
)
from sweeplint.records import replace
from sweeplint.yamldoc import YAMLReadError, YMap, YScalar, YSeq, compose

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_UNKNOWN, _NORMAL, _CONSTANT, _CATEGORICAL = Space.UNKNOWN, Space.NORMAL, Space.CONSTANT, Space.CATEGORICAL

# _type -> (space, arity, flags)
TYPES: dict[str, tuple[Space, int, dict[str, Any]]] = {
    "choice": (Space.CATEGORICAL, 0, {}),
    "randint": (Space.INT, 2, {"integer": True, "high_inclusive": False}),
    "uniform": (Space.UNIFORM, 2, {}),
    "quniform": (Space.QUANTIZED, 3, {}),
    "loguniform": (Space.UNIFORM, 2, {"log": True}),
    "qloguniform": (Space.QUANTIZED, 3, {"log": True}),
    "normal": (Space.NORMAL, 2, {}),
    "qnormal": (Space.NORMAL, 3, {}),
    "lognormal": (Space.NORMAL, 2, {"log": True}),
    "qlognormal": (Space.NORMAL, 3, {"log": True}),
}
SPEC_KEYS = ("_type", "_value")

# Built-in tuners (v2 `tuner.name`, v1 `builtinTunerName`/`builtinAdvisorName`), compared in lower case.
TUNERS = {
    "tpe": MethodKind.MODEL_BASED,
    "random": MethodKind.RANDOM,
    "anneal": MethodKind.MODEL_BASED,
    "evolution": MethodKind.OTHER,
    "smac": MethodKind.MODEL_BASED,
    "gptuner": MethodKind.MODEL_BASED,
    "metistuner": MethodKind.MODEL_BASED,
    "metis": MethodKind.MODEL_BASED,
    "dngo": MethodKind.MODEL_BASED,
    "dngotuner": MethodKind.MODEL_BASED,
    "gridsearch": MethodKind.GRID,
    "batchtuner": MethodKind.OTHER,
    "batch": MethodKind.OTHER,
    "hyperband": MethodKind.BANDIT,
    "bohb": MethodKind.BANDIT,
    "pbttuner": MethodKind.BANDIT,
    "pbt": MethodKind.BANDIT,
    "networkmorphism": MethodKind.OTHER,
    "ppotuner": MethodKind.OTHER,
    "regularizedevolution": MethodKind.OTHER,
}
V2_KEYS = (
    "experimentName", "experimentType", "searchSpaceFile", "searchSpace", "trialCommand", "trialCodeDirectory",
    "trialConcurrency", "trialGpuNumber", "maxExperimentDuration", "maxTrialNumber", "maxTrialDuration",
    "nniManagerIp", "useAnnotation", "debug", "logLevel", "experimentWorkingDirectory", "tunerGpuIndices",
    "tuner", "assessor", "advisor", "trainingService", "sharedStorage",
)
V2_ALGORITHM_KEYS = ("name", "className", "codeDirectory", "classArgs")
# v1 (nnictl) algorithm sections: a built-in name for the role, or codeDir + classFileName + className
V1_ALGORITHM_KEYS = ("codeDir", "classFileName", "className", "classArgs", "gpuIndices", "gpuNum", "includeIntermediateResults")


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _folded(name: str) -> str:
    return name.lower().replace("_", "")


# NNI v2 matches config keys ignoring case and underscores (`trial_command` is `trialCommand`, the
# spelling of its Python API); unknown keys are suggested in both spellings.
V2_SPELLINGS = V2_KEYS + tuple(_snake(k) for k in V2_KEYS)
V2_ALGORITHM_SPELLINGS = V2_ALGORITHM_KEYS + tuple(_snake(k) for k in V2_ALGORITHM_KEYS if _snake(k) != k)


def canonical_keys(node: YMap, keys: tuple[str, ...]) -> YMap:
    """The mapping with each key spelled as NNI documents it when it matches one ignoring case and `_`."""
    folded = _FOLDED_SPELLINGS.get(keys) or {_folded(k): k for k in keys}
    pairs = []
    changed = False
    for key, value in node.pairs:
        if isinstance(key, YScalar) and isinstance(key.value, str) and key.value not in keys:
            canonical = folded.get(_folded(key.value))
            if canonical is not None:
                key = YScalar(canonical, key.text, key.tag, key.quoted, key.span)
                changed = True
        pairs.append((key, value))
    return YMap(pairs, node.span) if changed else node


# Each key list's folded spellings, made once (every config offered to this reader is folded).
_FOLDED_SPELLINGS = {keys: {_folded(k): k for k in keys} for keys in (V2_KEYS, V2_ALGORITHM_KEYS)}


def canonical_config(root: YMap) -> YMap:
    """A v2 experiment config with its top-level and algorithm keys in NNI's documented spelling."""
    root = canonical_keys(root, V2_KEYS)
    pairs = []
    for key, value in root.pairs:
        if isinstance(key, YScalar) and key.value in ("tuner", "assessor", "advisor") and isinstance(value, YMap):
            value = canonical_keys(value, V2_ALGORITHM_KEYS)
        pairs.append((key, value))
    return YMap(pairs, root.span)


_V1_MARKERS = ("authorName", "searchSpacePath", "trainingServicePlatform", "maxTrialNum", "maxExecDuration", "trial")
_V2_MARKERS = ("searchSpaceFile", "searchSpace", "trialCommand", "maxTrialNumber", "trainingService", "trialCodeDirectory")


def is_search_space(root: Any) -> bool:
    """Every entry (or nearly every: typos are reported, not skipped) is a {_type, _value} mapping."""
    if not isinstance(root, YMap) or not root.pairs:
        return False
    # (one pass, which stops at the first mapping without a spec key: every other reader's
    # configs are offered to this one first)
    values = specs = shaped = 0
    for _, v in root.items():
        values += 1
        if isinstance(v, YMap):
            if not any(key_text(k) in SPEC_KEYS for k, _ in v.items()):
                return False  # every mapping must be shaped like a spec
            shaped += 1
            specs += v.get("_type") is not None
    return specs >= 1 and shaped * 2 > values


_V1_FOLDED = tuple(_folded(k) for k in _V1_MARKERS)
_V2_FOLDED = tuple(_folded(k) for k in _V2_MARKERS)


def _may_have_markers(root: YMap) -> bool:
    """Whether three markers may be present once the keys are canonical: each is a key equal to a
    marker ignoring case and `_`. A bound worked out without canonicalising the mapping, which most
    documents offered to this reader (every other reader's) fail."""
    folded = {_folded(k.value) for k, _ in root.items() if isinstance(k.value, str)}
    tuner = "tuner" in folded or "advisor" in folded
    return (sum(m in folded for m in _V2_FOLDED) + tuner >= 3
            or sum(m in folded for m in _V1_FOLDED) + tuner >= 3)


class NNIReader:
    name = "nni"
    semantics = "yaml1.1"

    def recognise(self, root: Any) -> bool:
        if not isinstance(root, YMap):
            return False
        if is_search_space(root):
            return True
        if not _may_have_markers(root):
            return False
        root = canonical_config(root)
        v2 = sum(root.get(k) is not None for k in _V2_MARKERS)
        v1 = sum(root.get(k) is not None for k in _V1_MARKERS)
        tuner = root.get("tuner") if root.get("tuner") is not None else root.get("advisor")
        if tuner is not None:
            v1 += 1
            v2 += 1
        return v2 >= 3 or v1 >= 3

    def read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        return guarded(self.name, root, ctx, lambda: self._read(root, ctx))

    def _read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        if is_search_space(root):
            space = _Space(ctx.semantics)
            parameters = space.parameters(root, "", None)
            return [Study(format="nni", loader=ctx.semantics, span=root.span, parameters=tuple(parameters),
                          unknown_keys=tuple(space.unknown), problems=tuple(space.problems))]
        return [_Config(ctx).study(canonical_config(root))]


READER = NNIReader()


# --- search spaces ---------------------------------------------------------------------------


class _Space(Collector):
    def __init__(self, semantics: str):
        super().__init__()
        self.semantics = semantics

    def parameters(self, node: YMap, prefix: str, condition: Condition | None) -> list[Parameter]:
        out: list[Parameter] = []
        for key, spec in node.items():
            name = prefix + key_text(key)
            if prefix and key_text(key) == "_name":
                continue
            out.extend(self.parameter(name, key, spec, condition))
        return out

    def parameter(self, name: str, key: YScalar, spec: Any, condition: Condition | None) -> list[Parameter]:
        where = f"parameter {name!r}"

        def unknown() -> list[Parameter]:  # made only when the spec cannot be read: most can
            return [Parameter(name, _UNKNOWN, key.span, getattr(spec, "span", key.span), condition=condition)]

        if not isinstance(spec, YMap):
            self.problem(spec if spec is not None else key,
                         f"{where} must be a mapping with _type and _value, not {type_name(spec) if spec is not None else 'empty'}")
            return unknown()
        for k, _ in spec.items():
            if key_text(k) not in SPEC_KEYS:
                self.unknown.append(KeyRef(key_text(k), k.span, SPEC_KEYS, where))
        type_node, value_node = spec.get("_type"), spec.get("_value")
        kind = text_of(type_node)
        if type_node is None or value_node is None:
            missing = " and ".join(k for k, n in (("_type", type_node), ("_value", value_node)) if n is None)
            self.problem(key, f"{where} has no {missing}; NNI rejects the search space")
            return unknown()
        if kind not in TYPES:
            self.unknown.append(KeyRef(kind or type_name(type_node), type_node.span, tuple(TYPES), f"{where} distribution"))
            return unknown()
        space, arity, flags = TYPES[kind]
        if not isinstance(value_node, YSeq):
            self.problem(value_node, f"_value of {where} must be a list, not {type_name(value_node)}")
            return unknown()
        items = value_node.items
        common = dict(distribution=kind, distribution_span=type_node.span, condition=condition)
        if kind == "choice":
            return self.choice(name, key, spec, items, common)
        if len(items) != arity:
            wanted = "[low, high, q]" if arity == 3 else "[mu, sigma]" if "normal" in kind else "[lower, upper]" if kind == "randint" else "[low, high]"
            self.problem(value_node, f"{kind} takes {arity} values {wanted}, but {where} has {len(items)}; NNI rejects the search space")
            return unknown()
        lits = []
        for item in items:
            if not (isinstance(item, YScalar) and self.numeric(item)):
                self.problem(item, f"_value of {where} must hold numbers, not {item.text if isinstance(item, YScalar) else type_name(item)!r}")
                return unknown()
            lits.append(lit(item))
        if kind == "randint":
            for one in lits:
                if not one.is_int and number(one) is not None and not float(number(one)).is_integer():
                    self.problem(one.span, f"randint takes integer bounds, but {where} has {one.text}; NNI rejects the search space")
                    return unknown()
        q = lits[2] if arity == 3 else None
        if space is _NORMAL:
            return [Parameter(name, space, key.span, spec.span, mu=lits[0], sigma=lits[1], q=q,
                              log=flags.get("log", False), **common)]
        return [Parameter(name, space, key.span, spec.span, low=lits[0], high=lits[1], q=q,
                          log=flags.get("log", False), integer=flags.get("integer", False),
                          high_inclusive=flags.get("high_inclusive", True), **common)]

    def numeric(self, item: YScalar) -> bool:
        value = item.value
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return True
        # `1e-7` that PyYAML leaves a string is reported by SL005; it is still meant as a number
        return self.semantics == "yaml1.1" and isinstance(value, str) and not item.quoted and number(lit(item)) is not None

    def choice(self, name: str, key: YScalar, spec: YMap, items: list, common: dict) -> list[Parameter]:
        where = f"parameter {name!r}"
        if not items:
            self.problem(spec.get("_value"), f"the choice of {where} is empty")
            return [Parameter(name, Space.UNKNOWN, key.span, spec.span, condition=common["condition"])]
        # NNI nests only when every option is a mapping with `_name`; otherwise the mappings are plain values
        nested = all(isinstance(item, YMap) and item.get("_name") is not None for item in items)
        if not nested:
            # NNI has no constant type: a choice of one value is how a parameter is fixed.
            space = _CONSTANT if len(items) == 1 else _CATEGORICAL
            return [Parameter(name, space, key.span, spec.span, values=tuple(lit(i) for i in items), **common)]
        values: list[Lit] = []
        children: list[Parameter] = []
        for item in items:
            option = item.get("_name")
            if not isinstance(option, YScalar):
                self.problem(option, f"_name of an option of {where} must be a name, not {type_name(option)}")
                values.append(lit(item))
                continue
            values.append(lit(option))
            inner = YMap([(k, v) for k, v in item.pairs if not (isinstance(k, YScalar) and k.value == "_name")], item.span)
            for child in self.parameters(inner, name + ".", Condition(name, (option.value,))):
                children.append(child)
        parent = Parameter(name, _CATEGORICAL, key.span, spec.span, values=tuple(values), **common)
        return [parent] + _merge(children)


def _merge(children: list[Parameter]) -> list[Parameter]:
    """One parameter per name when several options nest the same spec (`pooling_size` under two pools)."""
    out: list[Parameter] = []
    for child in children:
        for index, seen in enumerate(out):
            if seen.name == child.name and _same_spec(seen, child) and seen.condition and child.condition \
                    and seen.condition.parent == child.condition.parent:
                cond = Condition(seen.condition.parent, seen.condition.values + child.condition.values)
                out[index] = replace(seen, condition=cond)
                break
        else:
            out.append(child)
    return out


def _same_spec(a: Parameter, b: Parameter) -> bool:
    def key(p: Parameter) -> tuple:
        return (p.space, p.distribution, tuple(v.value for v in p.values) if all(not isinstance(v.value, (list, dict)) for v in p.values) else None,
                number(p.low), number(p.high), number(p.q), number(p.mu), number(p.sigma))
    return key(a) == key(b)


# --- experiment configs ----------------------------------------------------------------------


class _Config(Collector):
    def __init__(self, ctx: ReadContext):
        super().__init__()
        self.ctx = ctx

    def study(self, root: YMap) -> Study:
        v1 = any(root.get(k) is not None for k in ("authorName", "searchSpacePath", "trainingServicePlatform", "maxTrialNum", "trial"))
        v2 = any(root.get(k) is not None for k in ("searchSpaceFile", "searchSpace", "trialCommand", "maxTrialNumber", "trainingService"))
        if v2 and not v1:
            for key, _ in root.items():
                if key_text(key) not in V2_KEYS:
                    self.unknown.append(KeyRef(key.text, key.span, V2_SPELLINGS, "the experiment config"))
        parameters = self.search_space(root)
        method, objective = self.tuner(root, v1 and not v2)
        budget = root.get("maxTrialNumber") if root.get("maxTrialNumber") is not None else root.get("maxTrialNum")
        if budget is not None and not (isinstance(budget, YScalar) and isinstance(budget.value, int)
                                       and not isinstance(budget.value, bool) and budget.value > 0):
            self.problem(budget, f"the trial budget must be a positive integer, not {type_name(budget)}")
        command_node = root.get("trialCommand")
        trial = root.get("trial")
        if command_node is None and isinstance(trial, YMap):
            command_node = trial.get("command")
        command = command_tokens(command_node, self.ctx.text) if isinstance(command_node, YScalar) else ()
        code_dir = root.get("trialCodeDirectory")
        if code_dir is None and isinstance(trial, YMap):
            code_dir = trial.get("codeDir")
        command = _in_code_directory(command, text_of(code_dir))
        return Study(
            format="nni",
            loader=self.ctx.semantics,
            span=root.span,
            parameters=tuple(parameters),
            method=method,
            objective=objective,
            budget=lit(budget) if budget is not None else None,
            parallel=lit(root.get("trialConcurrency")) if isinstance(root.get("trialConcurrency"), YScalar) else None,
            early_stopping=self.assessor(root.get("assessor")),
            command=command,
            command_span=command_node.span if command else None,
            unknown_keys=tuple(self.unknown),
            problems=tuple(self.problems),
            name=text_of(root.get("experimentName")),
        )

    def search_space(self, root: YMap) -> list[Parameter]:
        inline = root.get("searchSpace")
        if isinstance(inline, YMap):
            space = _Space(self.ctx.semantics)
            parameters = space.parameters(inline, "", None)
            self.unknown.extend(space.unknown)
            self.problems.extend(space.problems)
            return parameters
        path_node = root.get("searchSpaceFile") if root.get("searchSpaceFile") is not None else root.get("searchSpacePath")
        if path_node is None or not isinstance(path_node, YScalar) or not isinstance(path_node.value, str):
            return []
        return self.linked(path_node)

    def linked(self, node: YScalar) -> list[Parameter]:
        """Parameters of the search-space file the config names.

        Their problems are reported in that file itself; here they stand for the space as a whole,
        so every span points at the file name in this config.
        """
        path = os.path.normpath(os.path.join(os.path.dirname(self.ctx.path) or ".", os.path.expanduser(node.value)))
        try:
            with open(path, "rb") as handle:
                data = handle.read(20_000_001)
        except OSError:
            return []  # not checked out here (or a wrong path, which NNI itself reports when it starts)
        if len(data) > 20_000_000:
            return []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return []
        semantics = "json" if path.lower().endswith(".json") else "yaml1.1"
        try:
            document = compose(text, semantics)
        except YAMLReadError:
            return []  # the file itself gets the parse error when it is checked
        if len(document.roots) != 1 or not is_search_space(document.roots[0]):
            return []  # a custom tuner's own format: nothing we can read
        parameters = _Space(semantics).parameters(document.roots[0], "", None)
        return [_moved(p, node.span, path) for p in parameters]

    def tuner(self, root: YMap, v1: bool) -> tuple[Method | None, Objective | None]:
        node, role = root.get("tuner"), "tuner"
        if node is None and root.get("advisor") is not None:
            node, role = root.get("advisor"), "advisor"
        if node is None:
            return None, None
        if not isinstance(node, YMap):
            self.problem(node, f"{role} must be a mapping, not {type_name(node)}")
            return None, None
        name_keys = (f"builtin{role.title()}Name",) if v1 else ("name",)
        allowed = name_keys + V1_ALGORITHM_KEYS if v1 else V2_ALGORITHM_KEYS
        for key, _ in node.items():
            if key_text(key) not in allowed:
                self.unknown.append(KeyRef(key.text, key.span, allowed if v1 else V2_ALGORITHM_SPELLINGS, role))
        name_node = next((node.get(k) for k in name_keys if node.get(k) is not None), None)
        class_node = node.get("className")
        method = None
        if name_node is not None:
            name = text_of(name_node) or ""
            kind = TUNERS.get(name.lower())
            if kind is None:
                close = difflib.get_close_matches(name.lower(), TUNERS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problem(name_node, f"{name!r} is not an NNI built-in tuner{hint}; a custom tuner is given with className")
                kind = MethodKind.OTHER
            method = Method(name, kind, name_node.span)
        elif class_node is not None:
            method = Method(text_of(class_node) or "custom", MethodKind.OTHER, class_node.span)
        elif not any(key_text(k) not in allowed for k, _ in node.items()):
            self.problem(node, f"{role} names no algorithm: give {' or '.join(name_keys)} (or className for a custom one)")
        args = node.get("classArgs")
        objective = None
        if isinstance(args, YMap):
            if method is not None:
                settings = tuple((key_text(k), lit(v)) for k, v in args.items() if isinstance(v, YScalar) and key_text(k) != "optimize_mode")
                method = replace(method, settings=settings)
            mode = args.get("optimize_mode")
            if mode is not None:
                if text_of(mode) in ("maximize", "minimize"):
                    # NNI optimizes the number each trial reports with nni.report_final_result ("default").
                    objective = Objective(Lit("default", mode.span), text_of(mode), mode.span, args.span)
                else:
                    self.problem(mode, f"optimize_mode must be maximize or minimize, not {text_of(mode) or type_name(mode)!r}")
        return method, objective

    def assessor(self, node: Any) -> EarlyStopping | None:
        if not isinstance(node, YMap):
            return None
        name = text_of(node.get("name")) or text_of(node.get("builtinAssessorName")) or text_of(node.get("className")) or ""
        args = node.get("classArgs")
        settings = tuple((key_text(k), lit(v)) for k, v in args.items() if isinstance(v, YScalar)) if isinstance(args, YMap) else ()
        return EarlyStopping(name, settings, node.span)


def _in_code_directory(command: tuple[Lit, ...], code_dir: str | None) -> tuple[Lit, ...]:
    """Trials run in the code directory: a script `mnist.py` there is `<codeDir>/mnist.py` from the config."""
    if not code_dir or os.path.normpath(code_dir) == ".":
        return command
    out = []
    for word in command:
        value = word.value
        if isinstance(value, str) and value.endswith(".py") and not os.path.isabs(value):
            word = Lit(os.path.normpath(os.path.join(code_dir, value)).replace(os.sep, "/"), word.span, word.text, word.quoted)
        out.append(word)
    return tuple(out)


def _moved(p: Parameter, span: Span, path: str) -> Parameter:
    """A parameter from the file at `path`, placed at `span` in this one."""
    def at(value: Lit | None) -> Lit | None:
        return None if value is None else Lit(value.value, span, value.text, value.quoted)

    return replace(
        p, key_span=span, value_span=span, distribution_span=span if p.distribution_span else None,
        low=at(p.low), high=at(p.high), q=at(p.q), mu=at(p.mu), sigma=at(p.sigma),
        values=tuple(at(v) for v in p.values), linked_from=path,
    )
