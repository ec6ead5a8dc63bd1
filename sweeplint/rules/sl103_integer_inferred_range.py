from __future__ import annotations

import math
import re
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, Edit, Fix, replace
from sweeplint.formats.dialect import Dialect, dialect_of
from sweeplint.knowledge import normalise
from sweeplint.model import Parameter, Space, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_UNIFORM = Space.UNIFORM
_INT_OR_UNIFORM = (Space.INT, Space.UNIFORM)

# Families whose values are fractions or scales, never counts. Optimizer settings (momentum, Adam
# betas, clipping norms) count only when the range is within 0 .. 1: clipping at 1, 2 .. 10 is fine.
FLOAT_KINDS = frozenset({"scale", "regularizer-strength"})
FRACTION_KINDS = frozenset({"optimizer"})
# Families whose values are counts or switches: integers there are intended.
INTEGER_KINDS = frozenset({
    "architecture", "batch", "training-length", "seed", "regularizer-toggle", "feature-toggle",
    "normalization", "activation", "optimizer-choice",
})
_SWITCH_PREFIXES = ("use_", "enable_", "disable_", "with_", "is_", "do_", "has_", "no_", "apply_")
_SWITCH_SUFFIXES = ("_flag", "_enabled", "_on")


def _is_float_literal(value) -> bool:
    return isinstance(value, float)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class IntegerInferredRange(Rule):
    code = "SL103"
    name = "integer-inferred-range"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study in ctx.studies:
            dialect = dialect_of(study)   # how the tool spells the fix
            for p in study.parameters:
                if p.space not in _INT_OR_UNIFORM or p.low is None or p.high is None:
                    continue
                if p.space is _UNIFORM and ((family := kb.family_of(p.name)) is None or not family.integer):
                    continue  # (most continuous ranges) not a count: _float_count finds nothing
                low, high = number(p.low), number(p.high)
                if low is None or high is None:
                    continue
                if p.space is _UNIFORM:
                    message = self._float_count(ctx, dialect, p, low, high)
                    if message:
                        yield Finding.split(p.low.span.cover(p.high.span), message)
                    continue
                if p.inferred:
                    message = self._inferred(ctx, dialect, p, low, high)
                    if message:
                        yield Finding.split(p.low.span.cover(p.high.span), message, fix=_float_bounds_fix(p))
                else:
                    yield from self._float_bounds(dialect, p, low, high)

    def _inferred(self, ctx: Context, dialect: Dialect, p: Parameter, low: float, high: float) -> str | None:
        """Integer bounds without a distribution: the tool samples integers only."""
        if high <= low:
            return None
        family = ctx.knowledge.family_of(p.name)
        why = None
        fractional = family is not None and family.kind not in INTEGER_KINDS and (
            family.log_scale or family.kind in FLOAT_KINDS or (family.kind in FRACTION_KINDS and 0 <= low and high <= 1)
        )
        if fractional:
            label = family.name.replace("_", " ")
            if normalise(p.name).replace("_", " ") == label:
                why = f"a {label} takes fractional values" if label[0] not in "aeiou" else f"an {label} takes fractional values"
            else:
                article = "an" if label[0] in "aeiou" else "a"
                why = f"{p.name} looks like {article} {label}, which takes fractional values"
        elif (low, high) == (0, 1) and (family is None or family.kind not in INTEGER_KINDS) and not _switch(p.name):
            why = "a 0 .. 1 range usually means a fraction or a probability"
        if why is None:
            return None
        count = int(high - low) + 1
        if count == 2:
            values = f"only {_fmt(low)} or {_fmt(high)}"
        elif count <= 4:
            values = "only " + ", ".join(_fmt(low + i) for i in range(count))
        else:
            values = f"only the {count} integers {_fmt(low)} .. {_fmt(high)}"
        tool = dialect.tool
        fix = dialect.spell_float_range(_fmt(low), _fmt(high))
        switch = "; if a 0/1 switch is meant, list it as values: [0, 1]" if (low, high) == (0, 1) else ""
        return (f"{p.name} has integer bounds and no distribution, so {tool} samples {values}: "
                f"{why}; {fix}{switch}")

    def _float_count(self, ctx: Context, dialect: Dialect, p: Parameter, low: float, high: float) -> str | None:
        """A continuous range over a count (layers, units, epochs): the program gets 3.7 layers."""
        family = ctx.knowledge.family_of(p.name)
        if family is None or not family.integer or p.exponent_bounds or not (0 <= low < high < 1e12):
            return None
        example = math.floor(low) + 1.7 if math.floor(low) + 1.7 < high else (low + high) / 2
        ints = dialect.spell_int_range(_fmt(math.ceil(low)), _fmt(math.floor(high)), _fmt(math.floor(high) + 1))
        scale = "log-scale " if p.log else ""
        return (f"{p.name} ({family.title}) is a count but is searched over the continuous {scale}range "
                f"{_fmt(low)} .. {_fmt(high)}, so the program gets fractional values such as {example:g}; "
                f"search integers instead ({ints})")

    def _float_bounds(self, dialect: Dialect, p: Parameter, low: float, high: float) -> Iterator[Finding]:
        """An explicitly integer distribution given non-integer bounds."""
        kind = p.distribution or "integer distribution"
        for label, lit, value in (("lower", p.low, low), ("upper", p.high, high)):
            if not _is_float_literal(lit.value):
                continue
            spelled = lit.text or f"{value:g}"
            # A tool that validates the spec against its schema (W&B) rejects it and creates no run.
            consequence = f"{dialect.tool} requires integers there, rejects the spec and cannot create a single run" \
                if dialect.validates_schema else "integer distributions need integer bounds"
            fix = f"write {_fmt(value)}" if value.is_integer() else f"use integer bounds, or {dialect.float_distributions}"
            yield Finding.split(lit.span, f"{p.name} uses {kind} but its {label} bound {spelled} is a float; {consequence}; {fix}",
                                severity=Severity.ERROR if dialect.validates_schema else None,
                                # 2.0 -> 2 means the same bound; a fractional one needs a decision
                                fix=replace(lit.span, _fmt(value), f"Write {_fmt(value)}") if value.is_integer() and not p.linked_from else None)


def _float_bounds_fix(p: Parameter) -> Fix | None:
    """Both integer bounds written as floats (`min: 0` -> `min: 0.0`), so the tool samples a float
    range. Unsafe: it changes what is searched, on a guess from the parameter's name."""
    if p.linked_from:
        return None
    edits = []
    for lit in (p.low, p.high):
        if lit.text is None or not re.fullmatch(r"[-+]?\d+", lit.text.strip()):
            return None
        edits.append(Edit(lit.span, lit.text.strip() + ".0"))
    return Fix("Write the bounds as floats", tuple(edits), Applicability.UNSAFE)


def _switch(name: str) -> bool:
    leaf = normalise(name)
    return leaf.startswith(_SWITCH_PREFIXES) or leaf.endswith(_SWITCH_SUFFIXES)
