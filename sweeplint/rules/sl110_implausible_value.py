from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.knowledge import Family, Knowledge, Limit, normalise
from sweeplint.model import Lit, Parameter, Space, Study, number
from sweeplint.rule import Context, Rule

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_CATEGORICAL, _UNIFORM = Space.CATEGORICAL, Space.UNIFORM
_CHOICES = (Space.CONSTANT, Space.CATEGORICAL)
_RANGES = (Space.UNIFORM, Space.INT, Space.QUANTIZED)


class Point(namedtuple("Point", "value lit closed role")):
    """A value a parameter can take, or a bound it approaches: `value` (a float), `lit` (the Lit it
    is written as), `closed`, and `role` ("value", "lower bound" or "upper bound").

    `closed` is False for the bounds of a continuous range (and an excluded upper bound): the bound
    itself is (almost) never drawn, so only the values strictly beyond a limit count.

    (A named tuple, not a record: one is made for every value of every parameter with limits, and
    few are ever reported; a tuple is made several times faster. Made by collections, not typing:
    typing compiles each annotation written as a string, ~10 M instructions at every start.)
    """

    __slots__ = ()


def points(p: Parameter) -> list[Point]:
    """The values and bounds of a parameter that a limit is judged on (none for unbounded spaces)."""
    if p.exponent_bounds:
        return []  # the bounds are exponents (SL102 reads them)
    out: list[Point] = []
    if p.space in _CHOICES:
        for lit in p.values:
            value = number(lit)
            if value is not None and math.isfinite(value):
                out.append(Point(value, lit, True, "value"))
        return out
    if p.space not in _RANGES or p.low is None or p.high is None:
        return []
    low, high = number(p.low), number(p.high)
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)) or low > high:
        return []  # SL004's finding
    continuous = p.space is _UNIFORM
    out.append(Point(low, p.low, not continuous, "lower bound"))
    out.append(Point(high, p.high, not continuous and p.high_inclusive, "upper bound"))
    return out


def optimizer_choices(kb: Knowledge, study: Study) -> list[Parameter]:
    return [q for q in study.parameters if (f := kb.family_of(q.name)) is not None and f.kind == "optimizer-choice"]


def optimizer_values(kb: Knowledge, study: Study, p: Parameter, choices: list[Parameter] | None = None) -> tuple[Any, ...]:
    """The optimizers a parameter may be used with: its condition's values when it is conditional on
    the optimizer choice, else every value of the study's optimizer parameter (none when absent).
    `choices` (optimizer_choices) is found once per study by a caller that asks for many parameters."""
    choices = optimizer_choices(kb, study) if choices is None else choices
    if p.condition is not None and any(q.name == p.condition.parent for q in choices):
        return p.condition.values
    for q in choices:
        if q.space in _CHOICES and q.values:
            return tuple(v.value for v in q.values)
    return ()


def _beyond(limit: Limit, point: Point) -> bool:
    if limit.allows(point.value):
        return False
    # A continuous range that runs up to an excluded upper limit (dropout up to 1.0, where nothing
    # trains; momentum up to 1.0, which never forgets a gradient) spends its last trials next to a
    # value nothing trains with; an included one (`at_most`) is plausible at its edge, and a range
    # that starts at a lower limit (a rate from 0) is SL101's finding.
    return point.closed or point.value != limit.limit or limit.op == "below"


def _at_edge(limit: Limit, point: Point) -> bool:
    """A continuous range's bound sitting exactly on the limit: the range reaches it."""
    return not point.closed and point.value == limit.limit


class ImplausibleValue(Rule):
    code = "SL110"
    name = "implausible-value"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study in ctx.studies:
            choices = None  # found once per study: linear, not quadratic, in its parameters
            for p in study.parameters:
                family = kb.family_of(p.name)
                if family is None or not family.plausible:
                    continue
                found = points(p)
                if not found:
                    continue
                optimizers = None  # found for the first limit that holds under some optimizers only
                # A limit on single values is broken by some point only if it is broken by the
                # lowest or the highest (each op is a one-sided comparison): most parameters break
                # none, found with two comparisons instead of a judgement of every point.
                values = [pt.value for pt in found]
                lowest, highest = min(values), max(values)
                log_range = p.log and p.space is _UNIFORM and len(found) == 2  # what useful_from judges
                for limit in family.plausible:
                    op = limit.op
                    if op == "useful_from":
                        if not log_range:
                            continue
                    elif op != "not_within" and limit.allows(lowest) and limit.allows(highest):
                        continue
                    if limit.optimizers:
                        if optimizers is None:
                            choices = optimizer_choices(kb, study) if choices is None else choices
                            optimizers = optimizer_values(kb, study, p, choices)
                        if not kb.applies(limit, optimizers):
                            continue
                    if limit.exact and not kb.is_alias(p.name, family):
                        continue
                    finding = self._judge(ctx, study, p, family, limit, found, optimizers or ())
                    if finding is not None:
                        yield finding
                        break  # one finding per parameter: the first limit it breaks

    def _judge(self, ctx: Context, study: Study, p: Parameter, family: Family, limit: Limit,
               found: list[Point], optimizers: tuple[Any, ...]) -> Finding | None:
        severity = Severity.ERROR if limit.severity == "error" else None
        if limit.op == "useful_from":
            return self._mostly_useless(p, family, limit, found)
        if limit.op == "not_within":
            low, high = min(pt.value for pt in found), max(pt.value for pt in found)
            if not (limit.limit <= low and high <= (limit.upper or limit.limit)):
                return None
            under, related = _optimizers_named(ctx, study, p, limit, optimizers)
            span = found[0].lit.span.cover(found[-1].lit.span)
            values = _fmt(low) if low == high else f"{_fmt(low)} .. {_fmt(high)}"
            return Finding.split(span, f"{_named(p, family)} is {values}, which is implausible for {_a(family.title)}{under}: "
                                 f"{limit.why}", related=related, severity=severity)
        if limit.lower and limit.limit == 0 and p.space is _CATEGORICAL and _both_signs(found):
            return None  # a list of -x and +y uses the sign as a code the program reads, not as a value
        # The furthest point beyond the limit (the first in sorted order, as the sort is stable);
        # most parameters have none, so the points are tested before anything is sorted.
        beyond = [pt for pt in found if _beyond(limit, pt)]
        if not beyond:
            return None
        point = sorted(beyond, key=lambda pt: pt.value, reverse=not limit.lower)[0]
        spelled = point.lit.text or _fmt(point.value)
        under, related = _optimizers_named(ctx, study, p, limit, optimizers)
        if _at_edge(limit, point):
            return Finding.split(point.lit.span, f"{p.name} is searched up to {spelled}, the edge of the plausible range of "
                                           f"{_a(family.title)}{under} ({limit.describe()}): trials near it are wasted; "
                                           f"{limit.why}", related=related)
        where = f"{p.name} = {spelled}" if p.space is Space.CONSTANT else (
            f"{p.name} takes {spelled}" if point.role == "value" else f"the {point.role} of {p.name} is {spelled}")
        return Finding.split(point.lit.span, f"{where}, outside the plausible range of {_a(family.title)}{under} "
                                       f"({limit.describe()}): {limit.why}", related=related, severity=severity)


    @staticmethod
    def _mostly_useless(p: Parameter, family: Family, limit: Limit, found: list[Point]) -> Finding | None:
        """A log-scale range most of whose decades lie below the smallest value with an effect: a
        log-uniform draw spends that share of the trials on "none of it" (1e-12 .. 0.1 for a weight
        decay puts 6 of 11 decades below 1e-6)."""
        if not p.log or p.space is not Space.UNIFORM or len(found) != 2:
            return None
        low, high = found[0], found[1]
        share = limit.useless_share(low.value, high.value)
        if share <= 0.5:
            return None
        bounds = f"{low.lit.text or _fmt(low.value)} .. {high.lit.text or _fmt(high.value)}"
        floor = _fmt(limit.limit).replace("e-0", "e-")
        return Finding.split(low.lit.span, f"{share:.0%} of {p.name}'s log range ({bounds}) lies below {floor}, where "
                                           f"{_a(family.title)} has no effect: {limit.why}")


def _optimizers_named(ctx: Context, study: Study, p: Parameter, limit: Limit,
                      optimizers: tuple[Any, ...]) -> tuple[str, tuple[Related, ...]]:
    """For a limit that holds under some optimizers only: ` under adam, sgd` for the message, and where
    the optimizer is chosen; ("", ()) for any other limit."""
    if not limit.optimizers:
        return "", ()
    names = sorted({str(v) for v in optimizers})
    choice = next((q for q in study.parameters if q.name != p.name and q.values and
                   any(str(v.value) in names for v in q.values)), None)
    related = (Related(ctx.file.path, choice.key_span, f"the optimizer is {', '.join(names)} here"),) if choice is not None else ()
    return f" under {', '.join(names)}", related


def _both_signs(found: list[Point]) -> bool:
    return any(pt.value < 0 for pt in found) and any(pt.value > 0 for pt in found)


def _named(p: Parameter, family: Family) -> str:
    """`momentum`, but `mom (momentum)`: the family is named when the parameter's name does not say it."""
    return p.name if normalise(p.name).replace("_", " ") == family.title.lower() else f"{p.name} ({family.title})"


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"
