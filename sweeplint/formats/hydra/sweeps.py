"""Sweep parameters written as override strings (`choice(a, b)`, `range(1, 10)`, `tag(log, interval(...))`,
`a,b,c`): what each value means once Hydra's override functions have been applied."""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation
from typing import Any

from sweeplint.formats.hydra import overrides as ov
from sweeplint.formats.nodes import key_text, type_name
from sweeplint.model import Lit, Parameter, Space
from sweeplint.yamldoc import YMap, YScalar


class OverrideParameters:
    """Override-string parameters for the Hydra reader (a mixin of hydra.reader._Reader)."""

    def override_parameters(self, node: Any, kind: str) -> list[Parameter]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return []
        if not isinstance(node, YMap):
            self.problem(node.span, f"params must be a mapping of names to override strings, not {type_name(node)}")
            return []
        out = []
        for key, value in node.items():
            name = key_text(key)
            if not isinstance(value, YScalar):
                self.problem(value.span, f"the value of {name!r} in params must be an override string such as "
                                         f"`choice(a, b)` or `a,b`, not {type_name(value)}")
                out.append(Parameter(name, Space.UNKNOWN, key.span, value.span))
                continue
            out.append(self.override_parameter(name, key, value, kind))
        return out

    def override_parameter(self, name: str, key: YScalar, node: YScalar, kind: str) -> Parameter:
        at = self.locator(node)
        text = node.text if not (node.quoted is False and node.value is None) else "null"
        unknown = Parameter(name, Space.UNKNOWN, key.span, node.span)
        try:
            tree = ov.parse(text)
        except ov.OverrideSyntaxError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: cannot read the override {text!r}: {exc.message}")
            return unknown
        try:
            sweep = _Sweep.of(tree)
        except _SemanticError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: {exc.message}")
            return unknown

        def lit(prim: Any, value: Any = ...) -> Lit:
            return Lit(prim.value if value is ... else value, at(prim.start, prim.end), prim.text, prim.quoted)

        base = dict(key_span=key.span, value_span=node.span)
        fn = at(sweep.fn_start, sweep.fn_end) if sweep.fn_start is not None else None
        if sweep.kind == "value":
            value = sweep.value
            values = (lit(value, sweep.cast_value(value.value)),) if isinstance(value, ov.Prim) else (
                Lit(_plain(value), at(value.start, value.end), text[value.start:value.end]),)
            return Parameter(name, Space.CONSTANT, values=values, **base)
        if sweep.kind == "glob":
            return Parameter(name, Space.CATEGORICAL, distribution="glob", distribution_span=fn, **base)
        if sweep.kind == "choice":
            values = tuple(lit(v, sweep.cast_value(v.value)) if isinstance(v, ov.Prim)
                           else Lit(_plain(v), at(v.start, v.end), text[v.start:v.end]) for v in sweep.values)
            return Parameter(name, Space.CATEGORICAL, distribution="choice", distribution_span=fn, values=values, **base)
        if sweep.kind == "interval":
            if kind == "basic":
                self.problem(fn, f"{name}: the basic sweeper only enumerates values (choice, range, a,b,c) and rejects "
                                 f"interval(); list the values to try, or select an optimizing sweeper "
                                 f"(override hydra/sweeper: optuna, ax or nevergrad)")
                return unknown
            integer = sweep.cast == "int"
            low = lit(sweep.start, sweep.cast_value(sweep.start.value, interval=True))
            high = lit(sweep.stop, sweep.cast_value(sweep.stop.value, interval=True))
            return Parameter(name, Space.INT if integer else Space.UNIFORM, distribution="interval", distribution_span=fn,
                             low=low, high=high, log="log" in sweep.tags, integer=integer, **base)
        # range
        start = lit(sweep.start, sweep.cast_value(sweep.start.value)) if sweep.start is not None else Lit(0, fn, None)
        stop = lit(sweep.stop, sweep.cast_value(sweep.stop.value))
        step_given = sweep.step is not None
        step = lit(sweep.step, sweep.cast_value(sweep.step.value)) if step_given else Lit(1, fn, None)
        is_float = any(isinstance(v.value, float) for v in (start, stop, step))
        inclusive = kind == "optuna"
        if kind == "optuna" and sweep.shuffle:
            values = tuple(Lit(v, fn, None) for v in _enumerate(start.value, stop.value, step.value))
            return Parameter(name, Space.CATEGORICAL, distribution="shuffle(range)", distribution_span=fn, values=values, **base)
        q = step if (is_float or step.value != 1) else None
        return Parameter(name, Space.QUANTIZED if is_float else Space.INT, distribution="range", distribution_span=fn,
                         low=start, high=stop, q=q, integer=not is_float, high_inclusive=inclusive, **base)


def _plain(node: Any) -> Any:
    if isinstance(node, ov.Prim):
        return node.value
    if isinstance(node, ov.ListV):
        return [_plain(i) for i in node.items]
    if isinstance(node, ov.DictV):
        return {k: _plain(v) for k, v in node.pairs}
    if isinstance(node, ov.Call):
        return f"{node.name}(...)"
    return None


def _enumerate(start: Any, stop: Any, step: Any, limit: int = 1000) -> list:
    try:
        a, b, s = Decimal(str(start)), Decimal(str(stop)), Decimal(str(step))
    except InvalidOperation:
        return []
    out = []
    is_int = all(isinstance(x, int) for x in (start, stop, step))
    while s and ((s > 0 and a < b) or (s < 0 and a > b)) and len(out) < limit:
        out.append(int(a) if is_int else float(a))
        a += s
    return out


class _SemanticError(Exception):
    def __init__(self, message: str, start: int, end: int):
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


_FUNCTION_HINTS = {
    "uniform": "interval(low, high)", "loguniform": "tag(log, interval(low, high))",
    "log_uniform": "tag(log, interval(low, high))", "randint": "int(interval(low, high)) or range(low, high)",
    "logspace": "tag(log, interval(low, high))", "linspace": "range(start, stop, step)",
    "choices": "choice(a, b, c)", "categorical": "choice(a, b, c)",
}


class _Sweep:
    """What an override value means: a constant, a choice, a range, an interval or a glob."""

    def __init__(self, kind: str):
        self.kind = kind
        self.value: Any = None
        self.values: list = []
        self.start = self.stop = self.step = None
        self.tags: set[str] = set()
        self.cast: str | None = None
        self.shuffle = False
        self.fn_start: int | None = None
        self.fn_end: int | None = None

    def cast_value(self, value: Any, interval: bool = False) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if interval and self.cast != "int" and isinstance(value, (int, float)):
            return float(value)        # interval() makes its bounds floats
        if self.cast == "int" and isinstance(value, (int, float)):
            return int(value)
        if self.cast == "float" and isinstance(value, (int, float)):
            return float(value)
        if self.cast == "str":
            return str(value)
        return value

    @classmethod
    def of(cls, node: Any) -> _Sweep:
        if isinstance(node, ov.SimpleChoice):
            sweep = cls("choice")
            sweep.values = [_element(v) for v in node.items]
            return sweep
        if isinstance(node, ov.Call):
            return cls.call(node)
        sweep = cls("value")
        sweep.value = node
        return sweep

    @classmethod
    def call(cls, node: ov.Call) -> _Sweep:
        name = node.name
        if name not in ov.FUNCTIONS:
            hint = _FUNCTION_HINTS.get(name)
            close = difflib.get_close_matches(name, ov.FUNCTIONS, n=1, cutoff=0.6)
            advice = f"; write {hint}" if hint else (f"; did you mean {close[0]}()?" if close else
                                                     f"; Hydra knows {', '.join(ov.FUNCTIONS)}")
            raise _SemanticError(f"{name}() is not a function of Hydra's override grammar, so Hydra rejects the "
                                 f"sweep{advice}", node.start, node.name_end)
        fn_start, fn_end = node.start, node.name_end
        pos = node.positional()

        def number_arg(value: Any, label: str) -> Any:
            if not (isinstance(value, ov.Prim) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
                    and not value.quoted):
                start, end = (value.start, value.end) if value is not None else (fn_start, fn_end)
                raise _SemanticError(f"{label} of {name}() must be a number", start, end)
            return value

        if name == "choice":
            if any(a.name is not None for a in node.args):
                a = next(a for a in node.args if a.name is not None)
                raise _SemanticError("choice() takes only values, not named arguments", a.start, a.start + len(a.name))
            if not pos:
                raise _SemanticError("choice() is empty; Hydra rejects an empty choice - list the values to try",
                                     fn_start, node.end)
            sweep = cls("choice")
            sweep.values = [_element(v) for v in pos]
        elif name in ("range", "interval"):
            labels = ("start", "stop", "step") if name == "range" else ("start", "end")
            bound: dict[str, Any] = {}
            for index, value in enumerate(pos):
                if index >= len(labels):
                    raise _SemanticError(f"{name}() takes at most {len(labels)} arguments", value.start, value.end)
                bound[labels[index]] = value
            for a in node.args:
                if a.name is None:
                    continue
                if a.name not in labels:
                    raise _SemanticError(f"{name}() has no argument {a.name!r} (it takes {', '.join(labels)})",
                                         a.start, a.start + len(a.name))
                if a.name in bound:
                    raise _SemanticError(f"{name}() gets {a.name} twice", a.start, a.start + len(a.name))
                bound[a.name] = a.value
            sweep = cls(name)
            if name == "range":
                if "start" not in bound:
                    raise _SemanticError("range() needs at least a stop value", fn_start, node.end)
                if "stop" not in bound:
                    bound["stop"], bound["start"] = bound["start"], None
                sweep.start = number_arg(bound["start"], "the start") if bound.get("start") is not None else None
                sweep.stop = number_arg(bound["stop"], "the stop")
                sweep.step = number_arg(bound["step"], "the step") if "step" in bound else None
                if sweep.step is not None and sweep.step.value == 0:
                    raise _SemanticError("the step of range() cannot be 0", sweep.step.start, sweep.step.end)
            else:
                if "start" not in bound or "end" not in bound:
                    raise _SemanticError("interval() needs two bounds: interval(low, high)", fn_start, node.end)
                sweep.start = number_arg(bound["start"], "the start")
                sweep.stop = number_arg(bound["end"], "the end")
        elif name == "glob":
            sweep = cls("glob")
        elif name == "tag":
            target = node.keyword("sweep")
            items = list(pos)
            if target is None:
                if not items:
                    raise _SemanticError("tag() needs a sweep as its last argument, e.g. tag(log, interval(1e-5, 1e-1))",
                                         fn_start, node.end)
                target = items.pop()
            for t in items:
                if not (isinstance(t, ov.Prim) and isinstance(t.value, str)):
                    raise _SemanticError("the tags of tag() must be words such as log", t.start, t.end)
            if not isinstance(target, ov.Call):
                raise _SemanticError("the last argument of tag() must be choice(), range() or interval()",
                                     target.start, target.end)
            sweep = cls.call(target)
            if sweep.kind not in ("choice", "range", "interval"):
                raise _SemanticError("the last argument of tag() must be choice(), range() or interval()",
                                     target.start, target.end)
            sweep.tags |= {t.value for t in items}
            return sweep
        elif name in ov.CASTS or name in ("shuffle", "sort"):
            inner = pos[0] if len(pos) == 1 else (node.keyword("value") or node.keyword("sweep") or node.keyword("list"))
            if inner is None and len(pos) > 1:
                sweep = cls("choice")
                sweep.values = [_element(v) for v in pos]
            elif inner is None:
                raise _SemanticError(f"{name}() needs an argument", fn_start, node.end)
            else:
                sweep = cls.of(inner)
            if name in ov.CASTS:
                if name in ("str", "bool", "json_str") and sweep.kind == "interval":
                    raise _SemanticError(f"an interval cannot be cast with {name}()", fn_start, node.end)
                sweep.cast = name if sweep.cast is None else sweep.cast
            elif name == "shuffle":
                sweep.shuffle = True
            if sweep.fn_start is not None:
                return sweep
        else:  # extend_list
            sweep = cls("value")
            sweep.value = ov.ListV(pos, node.start, node.end)
        sweep.fn_start, sweep.fn_end = fn_start, fn_end
        return sweep


def _element(node: Any) -> Any:
    """A choice element: a primitive, list or dict; casts of primitives are applied."""
    if isinstance(node, ov.Call):
        if node.name in ov.CASTS and len(node.args) == 1 and isinstance(node.args[0].value, ov.Prim):
            return node.args[0].value
        raise _SemanticError(f"{node.name}() cannot be nested inside a choice", node.start, node.name_end)
    return node
