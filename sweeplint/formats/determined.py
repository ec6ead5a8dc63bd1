"""Determined experiment configs: `hyperparameters` and `searcher`.

Facts from Determined's experiment-config schema (expconf v0): a hyperparameter mapping with `type`
is one of const/int/double/log/categorical; `type: log` takes exponents of `base`; a mapping
without `type` is a nested group; anything else (a scalar, a list, null) is a constant. The
searcher's `smaller_is_better` defaults to true. The Determined CLI loads the file with ruamel.yaml
in safe mode, which follows YAML 1.2: `1e-5` is a number and `yes`/`on` are strings, so the reader
retypes plain scalars that way (the study's loader is "yaml1.2").
"""

from __future__ import annotations

import difflib
import os
import re

from sweeplint.formats import ReadContext
from sweeplint.formats.katib import guarded
from sweeplint.formats.katib_template import command_tokens
from sweeplint.formats.nodes import Collector, key_text, text_of, type_name
from sweeplint.model import (
    EarlyStopping,
    Lit,
    Method,
    MethodKind,
    Objective,
    Parameter,
    Space,
    Study,
    number,
)
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_CONSTANT, _CATEGORICAL, _INT, _UNIFORM = Space.CONSTANT, Space.CATEGORICAL, Space.INT, Space.UNIFORM

SEARCHERS = {
    "single": MethodKind.OTHER,
    "random": MethodKind.RANDOM,
    "grid": MethodKind.GRID,
    "adaptive_asha": MethodKind.BANDIT,
    "async_halving": MethodKind.BANDIT,
}
# Still in the schema, marked "EOL searcher, not to be used in new experiments".
END_OF_LIFE = {
    "custom": MethodKind.OTHER,
    "adaptive": MethodKind.BANDIT,
    "adaptive_simple": MethodKind.BANDIT,
    "sync_halving": MethodKind.BANDIT,
    "pbt": MethodKind.BANDIT,
}
SEARCHER_KEYS = (
    "name", "metric", "smaller_is_better", "max_trials", "max_concurrent_trials", "max_length", "max_time",
    "time_metric", "mode", "divisor", "max_rungs", "bracket_rungs", "num_rungs", "stop_once", "source_trial_id",
    "source_checkpoint_uuid", "budget", "train_stragglers", "unit",
)
# The keys each searcher's schema allows (no others: additionalProperties is false, except `custom`).
_COMMON = ("name", "metric", "smaller_is_better", "max_length", "source_trial_id", "source_checkpoint_uuid")
_ASHA = ("max_trials", "max_concurrent_trials", "divisor", "stop_once", "time_metric", "max_time")
KEYS_OF = {
    "single": _COMMON,
    "random": _COMMON + ("max_trials", "max_concurrent_trials"),
    "grid": _COMMON + ("max_concurrent_trials",),
    "adaptive_asha": _COMMON + _ASHA + ("bracket_rungs", "mode", "max_rungs"),
    "async_halving": _COMMON + _ASHA + ("num_rungs",),
    "adaptive": _COMMON + ("budget", "bracket_rungs", "mode", "divisor", "max_rungs", "train_stragglers"),
    # `max_steps` is the length field of the releases that still ran this end-of-life searcher.
    "adaptive_simple": _COMMON + ("max_trials", "mode", "divisor", "max_rungs", "max_steps"),
    "sync_halving": _COMMON + ("budget", "num_rungs", "divisor", "train_stragglers"),
}
TOP_LEVEL_KEYS = (
    "bind_mounts", "checkpoint_policy", "checkpoint_storage", "data", "integrations", "data_layer", "debug",
    "description", "entrypoint", "environment", "hyperparameters", "internal", "labels", "log_policies",
    "retention_policy", "max_restarts", "min_checkpoint_period", "min_validation_period", "name", "optimizations",
    "pbs", "perform_initial_validation", "preemption_timeout", "profiling", "project", "records_per_epoch",
    "reproducibility", "resources", "scheduling_unit", "searcher", "security", "slurm", "tensorboard_storage",
    "workspace",
)
TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {   # type -> (required, optional)
    "const": (("val",), ()),
    "int": (("minval", "maxval"), ("count",)),
    "double": (("minval", "maxval"), ("count",)),
    "log": (("minval", "maxval", "base"), ("count",)),
    "categorical": (("vals",), ()),
}
_SETTINGS = ("max_concurrent_trials", "divisor", "max_rungs", "num_rungs", "mode", "bracket_rungs", "max_time", "time_metric")
_ADAPTIVE = ("adaptive_asha", "async_halving", "adaptive", "adaptive_simple", "sync_halving")


# --- YAML 1.2 scalars (ruamel.yaml safe mode) ---------------------------------------------------

_BOOL12 = ("true", "True", "TRUE", "false", "False", "FALSE")
_INT12 = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_OCT12 = re.compile(r"0o[0-7_]+\Z")
_FLOAT12 = re.compile(r"[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z")


def yaml12(node: YScalar) -> Any:
    """The value of a scalar under YAML 1.2 (as ruamel.yaml's safe loader types it), from its YAML 1.1 value."""
    value, text = node.value, node.text
    if node.quoted or not isinstance(text, str):
        return value
    if isinstance(value, bool):
        return value if text in _BOOL12 else text          # yes/no/on/off are text in YAML 1.2
    if isinstance(value, (int, float)) and ":" in text:
        return text                                         # no base-60 numbers in YAML 1.2
    if isinstance(value, int) and _INT12.match(text):
        return int(text.replace("_", ""))                   # 010 is ten, not octal eight
    if isinstance(value, str):
        if _INT12.match(text):
            return int(text.replace("_", ""))
        if _OCT12.match(text):
            return int(text[2:].replace("_", ""), 8)
        if _FLOAT12.match(text) and any(c in text for c in ".eE"):
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return value
    return value


def _data12(node: Any, depth: int = 0) -> Any:
    if isinstance(node, YScalar):
        return yaml12(node)
    if depth > 100:
        return None
    if isinstance(node, YSeq):
        return [_data12(item, depth + 1) for item in node.items]
    if isinstance(node, YMap):
        out = {}
        for k, v in node.pairs:
            key = _data12(k, depth + 1)
            try:
                hash(key)
            except TypeError:
                key = repr(key)
            out[key] = _data12(v, depth + 1)
        return out
    return None


def lit(node: Any) -> Lit:
    """A model literal whose value is typed the way Determined's CLI reads it (YAML 1.2)."""
    if isinstance(node, YScalar):
        return Lit(yaml12(node), node.span, node.text, node.quoted)
    return Lit(_data12(node), node.span)


class DeterminedReader:
    name = "determined"
    semantics = "yaml1.2"

    def recognise(self, root: Any) -> bool:
        if not isinstance(root, YMap):
            return False
        searcher = root.get("searcher")
        if not isinstance(searcher, YMap) or searcher.get("name") is None:
            return False
        hps = root.get("hyperparameters")
        others = ("entrypoint", "resources", "records_per_epoch", "min_validation_period", "environment",
                  "checkpoint_storage", "max_restarts", "scheduling_unit", "bind_mounts")
        return (hps is None or isinstance(hps, YMap)) and (
            hps is not None or any(root.get(k) is not None for k in others)
        ) and (searcher.get("metric") is not None or any(root.get(k) is not None for k in others))

    def read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        return guarded(self.name, root, ctx, lambda: [_Builder(ctx).study(root)])


READER = DeterminedReader()


class _Builder(Collector):
    def __init__(self, ctx: ReadContext):
        super().__init__()
        self.ctx = ctx

    def study(self, root: YMap) -> Study:
        self.check_keys(root, TOP_LEVEL_KEYS, "the experiment config")
        searcher: YMap = root.get("searcher")
        kind = text_of(searcher.get("name"))
        if kind in KEYS_OF:
            self.check_keys(searcher, KEYS_OF[kind], f"the {kind} searcher")
        elif kind != "custom":
            self.check_keys(searcher, SEARCHER_KEYS, "searcher")
        method = self.method(searcher)
        parameters: list[Parameter] = []
        hps = root.get("hyperparameters")
        if isinstance(hps, YMap):
            self.group(hps, "", parameters)
        elif hps is not None:
            self.problem(hps, f"hyperparameters must be a mapping of names to hyperparameters, not {type_name(hps)}")
        budget = searcher.get("max_trials")
        if budget is not None and not _positive_int(lit(budget).value):
            self.problem(budget, f"searcher.max_trials must be a positive integer, not {_spelled(budget)}")
        program, command, command_span = self.entrypoint(root.get("entrypoint"))
        return Study(
            format="determined",
            loader=self.ctx.semantics,
            span=root.span,
            parameters=tuple(parameters),
            method=method,
            objective=self.objective(searcher),
            budget=lit(budget) if budget is not None else None,
            early_stopping=self.early_stopping(searcher, method),
            program=program,
            command=command,
            command_span=command_span,
            unknown_keys=tuple(self.unknown),
            problems=tuple(self.problems),
            name=text_of(root.get("name")),
        )

    # --- searcher ------------------------------------------------------------------------------

    def method(self, searcher: YMap) -> Method | None:
        node = searcher.get("name")
        name = text_of(node)
        settings = tuple((key_text(k), lit(v)) for k, v in searcher.items() if key_text(k) in _SETTINGS and isinstance(v, YScalar))
        if name in SEARCHERS:
            return Method(name, SEARCHERS[name], node.span, settings)
        if name == "pbt":
            self.problem(node, "the 'pbt' searcher was removed from Determined, so current releases reject the experiment; "
                               "use adaptive_asha")
            return Method(name, END_OF_LIFE[name], node.span, settings)
        if name in END_OF_LIFE:
            replacement = "adaptive_asha" if END_OF_LIFE[name] is MethodKind.BANDIT else "random, grid or adaptive_asha"
            self.problem(node, f"the {name!r} searcher is end-of-life in Determined (not to be used in new experiments), so "
                               f"current releases will not run it; use {replacement}")
            return Method(name, END_OF_LIFE[name], node.span, settings)
        valid = tuple(SEARCHERS)
        close = difflib.get_close_matches(name or "", valid + tuple(END_OF_LIFE), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.problem(node, f"searcher.name must be one of {', '.join(valid)}, not {name or type_name(node)!r}{hint}")
        return None

    def objective(self, searcher: YMap) -> Objective | None:
        metric = searcher.get("metric")
        if metric is None:
            return None
        if not isinstance(metric, YScalar):
            self.problem(metric, f"searcher.metric must be the name of a validation metric, not {type_name(metric)}")
            return None
        flag = searcher.get("smaller_is_better")
        goal, goal_span = "minimize", None
        if flag is not None:
            value = lit(flag).value
            if isinstance(value, bool):
                goal, goal_span = ("minimize" if value else "maximize"), flag.span
            else:
                self.problem(flag, f"searcher.smaller_is_better must be true or false, not {_spelled(flag)!r} "
                                   "(Determined reads YAML 1.2, where yes/no/on/off are text)")
        return Objective(lit(metric), goal, goal_span, searcher.span)

    def early_stopping(self, searcher: YMap, method: Method | None) -> EarlyStopping | None:
        """ASHA-style searchers stop poor trials early; their rung settings are the early-stopping settings."""
        if method is None or method.name not in _ADAPTIVE:
            return None
        settings = tuple((key_text(k), lit(v)) for k, v in searcher.items()
                         if key_text(k) in ("divisor", "max_rungs", "num_rungs", "mode", "max_time", "time_metric") and isinstance(v, YScalar))
        return EarlyStopping(method.name, settings, searcher.span)

    def entrypoint(self, node: Any) -> tuple[Lit | None, tuple[Lit, ...], Any]:
        if node is None:
            return None, (), None
        if isinstance(node, YScalar) and isinstance(node.value, str):
            value = node.value.strip()
            if " " not in value and ":" in value and not value.endswith(".py"):
                # `model_def:CIFARTrial`: a Trial class in the module model_def.py
                module = value.split(":", 1)[0]
                return Lit(module.replace(".", os.sep) + ".py", node.span, node.text, node.quoted), (), None
            return _launched(command_tokens(node, self.ctx.text), node)
        if isinstance(node, YSeq):
            return _launched(command_tokens(node, self.ctx.text), node)
        self.problem(node, f"entrypoint must be a string or a list of strings, not {type_name(node)}")
        return None, (), None

    # --- hyperparameters -------------------------------------------------------------------------

    def group(self, node: YMap, prefix: str, out: list[Parameter]) -> None:
        for key, spec in node.items():
            name = prefix + key_text(key)
            if isinstance(spec, YMap) and spec.get("type") is None:
                if spec.pairs:
                    self.group(spec, name + ".", out)
                else:
                    out.append(Parameter(name, _CONSTANT, key.span, spec.span, values=(lit(spec),)))
                continue
            if not isinstance(spec, YMap):
                # bare scalars, lists and null are constants (a list is NOT a set of choices)
                out.append(Parameter(name, _CONSTANT, key.span, spec.span if spec is not None else key.span,
                                     distribution="const", values=(lit(spec),) if spec is not None else ()))
                continue
            param = self.hyperparameter(name, key, spec)
            if param is not None:
                out.append(param)

    def hyperparameter(self, name: str, key: YScalar, spec: YMap) -> Parameter:
        where = f"hyperparameter {name!r}"
        type_node = spec.get("type")
        kind = text_of(type_node)
        
        def unknown() -> Parameter:  # made only when the spec cannot be read: most can
            return Parameter(name, Space.UNKNOWN, key.span, spec.span)

        if kind not in TYPES:
            close = difflib.get_close_matches(kind or "", TYPES, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problem(type_node, f"{where}: type must be one of {', '.join(TYPES)}, not {kind or type_name(type_node)!r}{hint} "
                                    "(a group of hyperparameters has no `type` key)")
            return unknown()
        required, optional = TYPES[kind]
        allowed = ("type",) + required + optional
        self.check_keys(spec, allowed, where)
        missing = [k for k in required if spec.get(k) is None]
        if missing:
            self.problem(key, f"{where} (type: {kind}) needs {' and '.join(missing)}")
            return unknown()
        # (the distribution and its span by position: a keyword is matched among Parameter's 28 fields)
        type_span = type_node.span
        if kind == "const":
            return Parameter(name, _CONSTANT, key.span, spec.span, kind, type_span, values=(lit(spec.get("val")),))
        if kind == "categorical":
            vals = spec.get("vals")
            if not isinstance(vals, YSeq) or not vals.items:
                self.problem(vals, f"vals of {where} must be a non-empty list")
                return unknown()
            return Parameter(name, _CATEGORICAL, key.span, spec.span, kind, type_span, values=tuple(lit(v) for v in vals.items))
        bounds = {}
        for field in ("minval", "maxval", "base", "count"):
            node = spec.get(field)
            if node is None:
                continue
            value = lit(node)
            if not value.is_number:
                self.problem(node, f"{field} of {where} must be a number, not {_spelled(node)!r}")
                return unknown()
            bounds[field] = value
        if kind == "int":
            for field in ("minval", "maxval"):
                value = bounds[field].value
                if not (isinstance(value, int) and not isinstance(value, bool)):
                    self.problem(bounds[field], f"{where} is type: int, so {field} must be an integer, not {bounds[field].text!r}")
                    return unknown()
        count = bounds.get("count")   # a grid searcher needs it on every range: SL406
        if count is not None:
            c = number(count)
            if c is None or c < 1 or not float(c).is_integer():
                self.problem(count, f"count of {where} must be a positive integer (the number of grid points)")
        base = None
        if kind == "log":
            base = number(bounds["base"])
            if base is None or base <= 0 or base == 1:
                self.problem(bounds["base"], f"base of {where} must be a positive number other than 1 (e.g. 10)")
                # still a range to SL406, which asks for its count
                return Parameter(name, Space.UNKNOWN, key.span, spec.span, kind, type_span, grid_points=count)
        return Parameter(
            name, _INT if kind == "int" else _UNIFORM, key.span, spec.span, kind, type_span,
            low=bounds["minval"], high=bounds["maxval"],
            log=kind == "log", integer=kind == "int",
            exponent_bounds=kind == "log", base=base, grid_points=count,
        )


def _launched(words: tuple[Lit, ...], node: Any) -> tuple[Lit | None, tuple[Lit, ...], Any]:
    """What a Determined launcher (`python3 -m determined.launch.torch_distributed ...`) runs."""
    texts = [str(w.value) for w in words]
    at = next((i for i, t in enumerate(texts) if t.startswith("determined.launch")), None)
    if at is None:
        return None, words, node.span
    rest = words[at + 1:]
    for index, word in enumerate(rest):
        text = str(word.value)
        if text == "--trial" and index + 1 < len(rest):
            target = str(rest[index + 1].value)
            module = target.split(":", 1)[0]
            return Lit(module.replace(".", os.sep) + ".py", rest[index + 1].span, target, rest[index + 1].quoted), (), None
        if not text.startswith("-"):
            return None, tuple(rest[index:]), node.span
    return None, words, node.span


def _spelled(node: Any) -> str:
    return node.text if isinstance(node, YScalar) else type_name(node)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
