"""Sweep parameters written as override strings (`choice(a, b)`, `range(1, 10)`, `tag(log, interval(...))`,
`a,b,c`): what each value means once Hydra's override functions have been applied."""

from __future__ import annotations

from sweeplint.formats.hydra import functions as fn
from sweeplint.formats.hydra import overrides as ov
from sweeplint.formats.nodes import key_text, type_name
from sweeplint.model import Lit, Parameter, Space
from sweeplint.yamldoc import YMap, YScalar

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_CONSTANT, _CATEGORICAL, _INT, _UNIFORM, _QUANTIZED = Space.CONSTANT, Space.CATEGORICAL, Space.INT, Space.UNIFORM, Space.QUANTIZED


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
            if not ov.is_override_key(name):
                # the sweeper hands Hydra `name=value` for every job, and Hydra refuses the key
                self.problem(key.span, f"{name!r} is not a key Hydra can override, so Hydra rejects `{name}=...` when "
                                       f"the sweep starts; write a dotted path such as db.lr or a config group such "
                                       f"as db/engine, optionally followed by @package")
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

        def unknown() -> Parameter:  # made only when the override cannot be read: most can
            return Parameter(name, Space.UNKNOWN, key.span, node.span)

        try:  # (both the parser and the evaluator recurse once per level of nesting)
            sweep = fn.evaluate(ov.parse(text), text)
        except ov.OverrideSyntaxError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: cannot read the override {text!r}: {exc.message}")
            return unknown()
        except fn.OverrideValueError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: {exc.message}")
            return unknown()
        except RecursionError:
            self.problem(node.span, f"{name}: the override is nested too deeply to read")
            return unknown()

        def lit(item: fn.Item) -> Lit:
            return Lit(item.value, at(item.start, item.end), item.text or None, item.quoted)

        # (spans by position: a keyword is matched among Parameter's 28 fields)
        key_span, value_span = key.span, node.span
        if isinstance(sweep, fn.Item):
            return Parameter(name, _CONSTANT, key_span, value_span, values=(lit(sweep),))
        where = at(sweep.fn_start, sweep.fn_end) if sweep.fn_start is not None else None
        if sweep.kind == "glob":
            return Parameter(name, _CATEGORICAL, key_span, value_span, distribution="glob", distribution_span=where)
        if sweep.kind == "choice":
            return Parameter(name, _CATEGORICAL, key_span, value_span, distribution="choice", distribution_span=where,
                             values=tuple(lit(v) for v in sweep.items))
        if sweep.kind == "interval":
            if kind == "basic":
                self.problem(where, f"{name}: the basic sweeper only enumerates values (choice, range, a,b,c) and rejects "
                                    f"interval(); list the values to try, or select an optimizing sweeper "
                                    f"(override hydra/sweeper: optuna, ax or nevergrad)")
                return unknown()
            low, high = lit(sweep.start), lit(sweep.stop)
            integer = low.is_int and high.is_int         # int(interval(...)) has integer bounds
            return Parameter(name, _INT if integer else _UNIFORM, key_span, value_span, distribution="interval",
                             distribution_span=where, low=low, high=high, log="log" in sweep.tags, integer=integer)
        # range
        start = lit(sweep.start) if sweep.start is not None else Lit(0, where, None)
        stop = lit(sweep.stop)
        step = lit(sweep.step) if sweep.step is not None else Lit(1, where, None)
        for bound, label in ((start, "start"), (stop, "stop"), (step, "step")):
            if not fn.finite(bound.value):
                self.problem(bound.span, f"{name}: the {label} of range() is {bound.value}, so the range has no end "
                                         f"Hydra can count to; give finite numbers")
                return unknown()
        if step.value == 0:
            self.problem(step.span, f"{name}: the step of range() is 0, so Hydra cannot enumerate the range and the "
                                    f"sweep fails when it starts; give a step that is not 0")
            return unknown()
        is_float = any(isinstance(v.value, float) for v in (start, stop, step))
        inclusive = kind == "optuna"
        if kind == "optuna" and sweep.shuffle:
            values = tuple(Lit(v, where, None) for v in _enumerate(start.value, stop.value, step.value))
            return Parameter(name, _CATEGORICAL, key_span, value_span, distribution="shuffle(range)",
                             distribution_span=where, values=values)
        if not inclusive and step.value < 0:
            # The enumerating sweepers (basic, Ax, Nevergrad) list a descending range as it counts down:
            # range(5, 0, -1) is 5..1, the same values as an ascending range from its last value to its start.
            values = _enumerate(start.value, stop.value, step.value)
            if values:
                start, stop = Lit(values[-1], where, None), start
                step = Lit(-step.value, step.span, None)
                inclusive = True
        q = step if (is_float or step.value != 1) else None
        return Parameter(name, _QUANTIZED if is_float else _INT, key_span, value_span, distribution="range", distribution_span=where,
                         low=start, high=stop, q=q, integer=not is_float, high_inclusive=inclusive)


def _enumerate(start: Any, stop: Any, step: Any, limit: int = 1000) -> list:
    from decimal import Decimal, InvalidOperation  # (only a shuffled or descending range is enumerated: rare)

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
