"""What Hydra computes from a parsed override value: its functions (`choice`, `range`, `interval`,
`tag`, `sort`, `shuffle`, `glob`) and casts (`int`, `float`, `str`, `bool`), applied the way Hydra
applies them when it parses the override, including the argument types it checks and the values it
refuses. Every value keeps the offsets of the text it came from, so a reader can point at it.
"""

from __future__ import annotations

import difflib
import math

from sweeplint.formats.hydra import overrides as ov
from sweeplint.model import Opaque    # a value sweeplint does not compute: a nested sweep, a newer function
from sweeplint.records import field, record, replace

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# Functions Hydra 1.3 registers. `json_str` and `extend_list` come with Hydra's next version; they
# are accepted (a newer Hydra runs them) and their values are not modelled.
HYDRA_FUNCTIONS = ("choice", "range", "interval", "tag", "sort", "shuffle", "glob", "int", "float", "str", "bool")
NEWER_FUNCTIONS = ("json_str", "extend_list")
CASTS = ("int", "float", "str", "bool")
_PARAMETERS = {
    "range": ("start", "stop", "step"), "interval": ("start", "end"), "glob": ("include", "exclude"),
    "tag": ("sweep",), "sort": ("sweep", "list", "reverse"), "shuffle": ("sweep", "list"), "cast": ("value",),
}
_HINTS = {
    "uniform": "interval(low, high)", "loguniform": "tag(log, interval(low, high))",
    "log_uniform": "tag(log, interval(low, high))", "randint": "int(interval(low, high)) or range(low, high)",
    "logspace": "tag(log, interval(low, high))", "linspace": "range(start, stop, step)",
    "choices": "choice(a, b, c)", "categorical": "choice(a, b, c)",
}


class OverrideValueError(Exception):
    """Hydra refuses the override when it evaluates it; `start`/`end` locate the cause."""

    def __init__(self, message: str, start: int, end: int):
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


@record
class Item:
    """One value and the text it was written as."""

    value: Any
    start: int
    end: int
    text: str
    quoted: bool = False


@record
class Sweep:
    """A sweep an override value asks for, and where its parts are written."""

    kind: str                                # "choice", "range", "interval" or "glob"
    fn_start: int | None                     # the function's name, None for `a,b,c`
    fn_end: int | None
    items: list = field(default_factory=list)        # choice: Items
    start: Item | None = None                        # range/interval bounds (range start None: 0)
    stop: Item | None = None
    step: Item | None = None
    tags: set = field(default_factory=set)
    shuffle: bool = False
    simple: bool = False                             # `a,b,c` rather than choice(a,b,c)


def _fail(message: str, node: Any) -> OverrideValueError:
    return OverrideValueError(message, node.start, getattr(node, "name_end", 0) or node.end)


def evaluate(node: Any, source: str) -> Any:
    """An Item or a Sweep for a parsed override value; OverrideValueError where Hydra refuses it."""
    if isinstance(node, ov.SimpleChoice):
        items = [_element(v, source) for v in node.items]
        return Sweep("choice", None, None, items=[_as_item(i, v, source) for i, v in zip(items, node.items)],
                     simple=True)
    return _element(node, source)


def _as_item(value: Any, node: Any, source: str) -> Any:
    """A sweep inside a choice or a list stays a value Hydra holds but sweeplint does not model."""
    if isinstance(value, Sweep):
        return Item(Opaque(source[node.start:node.end], "call"), node.start, node.end, "")
    return value


def _element(node: Any, source: str) -> Any:
    if isinstance(node, ov.Prim):
        return Item(node.value, node.start, node.end, node.text, node.quoted)
    if isinstance(node, (ov.ListV, ov.DictV)):
        return Item(_plain(node, source), node.start, node.end, source[node.start:node.end])
    if isinstance(node, ov.Call):
        return _call(node, source)
    raise OverrideValueError("a value is missing here", node.start, node.end)


def _plain(node: Any, source: str) -> Any:
    if isinstance(node, ov.Prim):
        return node.value
    if isinstance(node, ov.ListV):
        return [_plain(i, source) for i in node.items]
    if isinstance(node, ov.DictV):
        return {k: _plain(v, source) for k, v in node.pairs}
    value = _call(node, source)
    return value.value if isinstance(value, Item) else Opaque(source[node.start:node.end], "call")


def _bind(node: ov.Call, source: str, names: tuple[str, ...], var_positional: bool) -> tuple[list, dict]:
    """Positional and named arguments, evaluated, checked the way Python binds them."""
    args: list = []
    kwargs: dict = {}
    for a in node.args:
        if a.name is None:
            if kwargs:
                raise OverrideValueError(f"{node.name}(): a positional argument follows a named one, which Hydra "
                                         f"rejects", a.start, a.value.end)
            args.append((_element(a.value, source), a.value))
            continue
        if a.name not in names:
            raise OverrideValueError(f"{node.name}() has no argument {a.name!r}"
                                     + (f" (it takes {', '.join(names)})" if names else ""), a.start, a.start + len(a.name))
        if a.name in kwargs:
            raise OverrideValueError(f"{node.name}() gets {a.name} twice", a.start, a.start + len(a.name))
        kwargs[a.name] = (_element(a.value, source), a.value)
    if not var_positional:
        if len(args) > len(names):
            extra = args[len(names)][1]
            raise OverrideValueError(f"{node.name}() takes at most {len(names)} arguments", extra.start, extra.end)
        for index, (value, arg_node) in enumerate(args):
            if names[index] in kwargs:
                raise OverrideValueError(f"{node.name}() gets {names[index]} twice", arg_node.start, arg_node.end)
    return args, kwargs


def _call(node: ov.Call, source: str) -> Any:
    name = node.name
    if name in NEWER_FUNCTIONS:
        return Item(Opaque(source[node.start:node.end], "call"), node.start, node.end, source[node.start:node.end])
    if name not in HYDRA_FUNCTIONS:
        hint = _HINTS.get(name)
        close = difflib.get_close_matches(name, HYDRA_FUNCTIONS, n=1, cutoff=0.6)
        advice = f"; write {hint}" if hint else (f"; did you mean {close[0]}()?" if close else
                                                 f"; Hydra knows {', '.join(HYDRA_FUNCTIONS)}")
        raise OverrideValueError(f"{name}() is not a function of Hydra's override grammar, so Hydra rejects the "
                                 f"sweep{advice}", node.start, node.name_end)
    if name == "choice":
        return _choice(node, source)
    if name in ("range", "interval"):
        return _bounds(node, source)
    if name == "tag":
        return _tag(node, source)
    if name == "glob":
        args, kwargs = _bind(node, source, _PARAMETERS["glob"], False)
        bound = {n: v for n, v in zip(_PARAMETERS["glob"], args)} | kwargs
        if "include" not in bound:
            raise _fail("glob() needs the names to include, e.g. glob(*)", node)
        for label, (value, arg_node) in bound.items():
            if not (isinstance(value, Item) and isinstance(value.value, (str, list))):
                raise OverrideValueError(f"the {label} of glob() must be a name pattern or a list of them",
                                         arg_node.start, arg_node.end)
        return Sweep("glob", node.start, node.name_end)
    if name in ("sort", "shuffle"):
        return _reorder(node, source)
    return _cast_call(node, source)


def _number_arg(value: Any, arg_node: Any, label: str, fn: str) -> Item:
    # Hydra checks `isinstance(x, (int, float))`, so true and false pass as 1 and 0
    if not (isinstance(value, Item) and isinstance(value.value, (int, float))):
        raise OverrideValueError(f"{label} of {fn}() must be a number", arg_node.start, arg_node.end)
    return value


def _choice(node: ov.Call, source: str) -> Sweep:
    if any(a.name is not None for a in node.args):
        a = next(a for a in node.args if a.name is not None)
        raise OverrideValueError("choice() takes only values, not named arguments", a.start, a.start + len(a.name))
    if not node.args:
        raise OverrideValueError("choice() is empty; Hydra rejects an empty choice - list the values to try",
                                 node.start, node.end)
    values = [(_element(a.value, source), a.value) for a in node.args]
    if len(values) == 1 and isinstance(values[0][0], Sweep) and values[0][0].kind == "choice":
        inner = values[0][0]
        if not inner.simple:
            raise OverrideValueError("choice() inside choice() is not supported by Hydra", values[0][1].start,
                                     values[0][1].end)
        return replace(inner, simple=False)
    items = []
    for value, arg_node in values:
        if isinstance(value, Sweep) and value.kind != "choice" or isinstance(value, Item) and value.value is None:
            what = "null" if isinstance(value, Item) else f"a {value.kind}"
            raise OverrideValueError(f"choice() cannot hold {what}; Hydra rejects the override",
                                     arg_node.start, arg_node.end)
        items.append(_as_item(value, arg_node, source))
    return Sweep("choice", node.start, node.name_end, items=items)


def _bounds(node: ov.Call, source: str) -> Sweep:
    name = node.name
    labels = _PARAMETERS[name]
    args, kwargs = _bind(node, source, labels, False)
    bound = {n: v for n, v in zip(labels, args)} | kwargs
    sweep = Sweep(name, node.start, node.name_end)
    if name == "range":
        if "start" not in bound:
            raise OverrideValueError("range() needs at least a stop value", node.start, node.end)
        stop = bound.get("stop")
        if stop is None or (isinstance(stop[0], Item) and stop[0].value is None):
            # range(n) and range(n, null) both count from 0 to n
            bound["stop"], bound["start"] = bound["start"], None
        sweep.start = _number_arg(*bound["start"], "the start", name) if bound["start"] is not None else None
        sweep.stop = _number_arg(*bound["stop"], "the stop", name)
        sweep.step = _number_arg(*bound["step"], "the step", name) if "step" in bound else None
        return sweep
    if "start" not in bound or "end" not in bound:
        raise OverrideValueError("interval() needs two bounds: interval(low, high)", node.start, node.end)
    start = _number_arg(*bound["start"], "the start", name)
    end = _number_arg(*bound["end"], "the end", name)
    sweep.start = replace(start, value=_convert("float", start, node))   # interval() makes its bounds floats
    sweep.stop = replace(end, value=_convert("float", end, node))
    return sweep


def _tag(node: ov.Call, source: str) -> Sweep:
    args, kwargs = _bind(node, source, _PARAMETERS["tag"], True)
    if not args:   # Hydra wants a positional argument even when sweep= is given
        raise OverrideValueError("tag() needs a sweep as its last argument, e.g. tag(log, interval(1e-5, 1e-1))",
                                 node.start, node.end)
    if "sweep" in kwargs:
        args.append(kwargs["sweep"])
    for value, arg_node in args[:-1]:
        if not (isinstance(value, Item) and isinstance(value.value, str)):
            raise OverrideValueError("the tags of tag() must be words such as log", arg_node.start, arg_node.end)
    target, target_node = args[-1]
    if not isinstance(target, Sweep) or target.kind == "glob":
        raise OverrideValueError("the last argument of tag() must be choice(), range() or interval()",
                                 target_node.start, target_node.end)
    return replace(target, tags={v.value for v, _ in args[:-1]})    # tag() replaces the sweep's tags


def _reorder(node: ov.Call, source: str) -> Any:
    name = node.name
    args, kwargs = _bind(node, source, _PARAMETERS[name], True)
    if name == "sort" and len(args) > 1:
        for value, arg_node in args:
            if not (isinstance(value, Item) and isinstance(value.value, (int, float, bool, str))):
                raise OverrideValueError("sort() of several values takes only numbers, words and booleans",
                                         arg_node.start, arg_node.end)
    if "reverse" in kwargs and not isinstance(kwargs["reverse"][0].value if isinstance(kwargs["reverse"][0], Item)
                                              else None, bool):
        raise OverrideValueError("reverse= of sort() must be true or false", kwargs["reverse"][1].start,
                                 kwargs["reverse"][1].end)
    for value, arg_node in args:
        if isinstance(value, Item) and value.value is None or isinstance(value, Sweep) and value.kind in ("interval", "glob"):
            raise OverrideValueError(f"{name}() cannot take {'null' if isinstance(value, Item) else value.kind + '()'}",
                                     arg_node.start, arg_node.end)
    target = kwargs.get("list") or kwargs.get("sweep")
    if target is not None:
        args = [target]
    if not args:
        if name == "sort":
            raise _fail("sort() needs something to sort; Hydra rejects it empty", node)
        return Sweep("choice", node.start, node.name_end, shuffle=True, simple=True)    # shuffle(): no choice at all
    if len(args) > 1:
        sweep = _several(node, args, source)
    else:
        sweep = args[0][0]
        if isinstance(sweep, Item):
            if name == "shuffle" and not isinstance(sweep.value, list):
                return replace(sweep, value=[sweep.value])    # shuffle(x) is the list [x]
            if name == "sort" and isinstance(sweep.value, list):
                return replace(sweep, value=_sorted(sweep.value, node, kwargs))
            return sweep    # a shuffled list's order is random; a sorted scalar is itself
    if name == "shuffle":
        return replace(sweep, shuffle=True)
    if sweep.kind == "range":
        return _sorted_range(sweep, kwargs)
    if sweep.kind == "choice":
        ordered = _sorted([i.value for i in sweep.items], node, kwargs)
        by_value = list(sweep.items)
        items = []
        for value in ordered:   # keep each value's own position
            index = next(i for i, it in enumerate(by_value) if it.value is value)
            items.append(by_value.pop(index))
        return replace(sweep, items=items)
    return sweep


def _sorted_range(sweep: Sweep, kwargs: dict) -> Sweep:
    """sort(range(...)): Hydra turns the range around so that it counts up (or down with reverse)."""
    reverse = bool(kwargs["reverse"][0].value) if "reverse" in kwargs else False
    start = sweep.start.value if sweep.start is not None else 0
    stop, step = sweep.stop.value, sweep.step.value if sweep.step is not None else 1
    if (start > stop) if not reverse else (start < stop):
        sign = 1 if not reverse else -1
        start, stop, step = stop + sign * abs(step), start + sign * abs(step), -step
        at = sweep.stop
        return replace(sweep, start=Item(start, at.start, at.end, ""), stop=Item(stop, at.start, at.end, ""),
                       step=Item(step, at.start, at.end, ""))
    return sweep


def _sorted(values: list, node: ov.Call, kwargs: dict) -> list:
    reverse = kwargs.get("reverse")
    try:
        return sorted(values, reverse=bool(reverse[0].value) if reverse else False)
    except TypeError:
        raise _fail(f"{node.name}() cannot order these values (they mix types); Hydra rejects the override", node)


def _several(node: ov.Call, args: list, source: str) -> Sweep:
    """f(a, b, c) for a cast, sort or shuffle: a choice of the values, which must not be sweeps."""
    for value, arg_node in args:
        if isinstance(value, Sweep):
            raise OverrideValueError(f"{node.name}() of several values cannot take a {value.kind} among them; "
                                     f"Hydra rejects the override", arg_node.start, arg_node.end)
    return Sweep("choice", node.start, node.name_end, items=[v for v, _ in args], simple=True)


def _cast_call(node: ov.Call, source: str) -> Any:
    name = node.name
    args, kwargs = _bind(node, source, _PARAMETERS["cast"], True)
    if args and kwargs:
        raise _fail(f"{name}() takes its value either positionally or as value=, not both", node)
    if kwargs:
        args = [kwargs["value"]]
    if not args:
        raise OverrideValueError(f"{name}() needs an argument", node.start, node.end)
    if len(args) > 1:
        value = _several(node, args, source)
    else:
        value = args[0][0]
    return _cast(name, value, node)


def _cast(name: str, value: Any, node: ov.Call) -> Any:
    if isinstance(value, Item):
        return replace(value, value=_convert(name, value, node))
    if value.kind == "choice":
        items = [replace(i, value=_convert(name, i, node)) for i in value.items]
        if value.fn_start is None:
            return replace(value, items=items, fn_start=node.start, fn_end=node.name_end)
        return replace(value, items=items)
    if value.kind == "range":
        if name not in ("int", "float"):
            raise _fail(f"a range can only be cast with int() or float(); Hydra rejects {name}(range(...))", node)
        # range(n) starts at 0 and steps by 1, and the cast applies to those too
        bounds = [b if b is not None else Item(default, value.fn_start, value.fn_end, "")
                  for b, default in ((value.start, 0), (value.stop, None), (value.step, 1))]
        conv = [replace(b, value=_convert(name, b, node)) for b in bounds]
        return replace(value, start=conv[0], stop=conv[1], step=conv[2])
    if value.kind == "interval":
        if name not in ("int", "float"):
            raise _fail(f"an interval cannot be cast with {name}(); Hydra rejects it", node)
        return replace(value, start=replace(value.start, value=_convert(name, value.start, node)),
                       stop=replace(value.stop, value=_convert(name, value.stop, node)))
    raise _fail(f"a glob cannot be cast with {name}(); Hydra rejects it", node)


def _convert(name: Any, item: Item, node: ov.Call) -> Any:
    """Hydra's cast of one value; every failure of the conversion is Hydra's refusal, never a crash."""
    label = name if isinstance(name, str) else name.__name__
    try:
        return _cast_plain(label, item.value)
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        shown = item.text or repr(item.value)
        reason = str(exc) or "it is not a value Hydra can convert"
        raise OverrideValueError(f"{label}({shown}) cannot be computed ({reason}), so Hydra rejects the override "
                                 f"when it reads it", item.start if item.text else node.start,
                                 item.end if item.text else node.end)


def _cast_plain(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _cast_plain(name, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cast_plain(name, v) for v in value]
    if value is None or isinstance(value, Opaque):
        raise TypeError(f"{name}() of {'null' if value is None else value} is not defined")
    if name == "int":
        return int(value)
    if name == "float":
        return float(value)
    if name == "str":
        return str(value).lower() if isinstance(value, bool) else str(value)
    if name == "bool":
        if isinstance(value, str):
            if value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ValueError(f"only true and false can be cast to bool, not {value!r}")
        return bool(value)
    return value


def finite(value: Any) -> bool:
    return not (isinstance(value, float) and (math.isinf(value) or math.isnan(value)))
