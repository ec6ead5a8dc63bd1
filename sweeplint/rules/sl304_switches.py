"""SL304's on/off switches: a parameter searched in every trial although it only matters when a
searched boolean switch is on (`jac_reg_tau` with `jac_reg: [true, false]`)."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import key_matches, related, short
from sweeplint.diagnostics import Confidence, Finding
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Parameter, Space, Study
from sweeplint.rule import Context

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_CATEGORICAL = Space.CATEGORICAL


def switch_settings(ctx: Context, study: Study) -> Iterator[Finding]:
    switches = [p for p in ctx.varied(study) if _is_switch(p)]
    if not switches:
        return
    facts = ctx.code(study)
    for switch in switches:
        for child in ctx.varied(study):
            if child is switch or child.condition is not None or _is_switch(child):
                continue
            evidence = _code_evidence(facts, switch, child) if facts is not None else None
            if facts is not None and evidence is None:
                continue  # the program decides, and it does not show the setting depends on the switch
            if evidence is None and not _named_after(switch, child):
                continue
            on = evidence[0] if evidence is not None else True
            if evidence is not None:
                read = evidence[1]
                why = (f"the program reads it only when {switch.name} is {'on' if on else 'off'} "
                       f"({short(ctx, read.path)}:{read.span.line})")
                rel = (related(read.path, read.span, f"{child.name} is read here"),)
                confidence = None
            else:
                why = f"its name marks it as a setting of the switch {switch.name}"
                rel = (related(ctx.file.path, switch.key_span, f"the switch {switch.name}"),)
                confidence = Confidence.STRONG
            dialect = dialect_of(study)
            if dialect.has_conditional_parameters:
                fix = f"Sample {child.name} only when {switch.name} is {on} (a conditional parameter)."
            else:
                fix = (f"{dialect.search_spaces} have no conditional parameters: run the trials with "
                       f"{switch.name}={not on} as a separate sweep without {child.name}.")
            yield Finding.split(
                child.key_span,
                f"{child.name} is searched for every value of {switch.name}, but {why}: in trials with "
                f"{switch.name}={not on} it has no effect, so they spend a search dimension on noise and a "
                f"model-based search may learn an effect that is not there. {fix}",
                related=rel,
                confidence=confidence,
            )


def _is_switch(p: Parameter) -> bool:
    if p.space is not _CATEGORICAL or not p.values:
        return False
    values = [v.value for v in p.values]
    return all(isinstance(v, bool) for v in values) and set(values) == {True, False}


def _named_after(switch: Parameter, child: Parameter) -> bool:
    """`jac_reg_tau` for `jac_reg`, `model.aug_prob` for `model.aug`: the child's name extends the switch's."""
    return child.name.startswith(switch.name + "_") and len(child.name) > len(switch.name) + 1


def _code_evidence(facts, switch: Parameter, child: Parameter):
    """(whether the switch must be on, a read) when every read of the child sits under a test of the
    switch's truth, and the child goes nowhere we cannot see."""
    # a config handed on whole may be read anywhere; the setting's own value handed on is still read
    # only where it is handed on (under the test)
    if any(e.root == "*" or (_is_prefix(e.key, child.name) and ".".join(e.key) != child.name) for e in facts.escapes):
        return None
    reads = facts.reads_of(child.name)
    if not reads or facts.reads_below(child.name):
        return None
    wanted = None
    for read in reads:
        tests = [c for c in read.conditions if c.op in ("truthy", "falsy") and c.root is not None
                 and key_matches(c.root, c.key, switch.name)]
        if len(tests) != 1:
            return None
        on = tests[0].op == "truthy"
        if wanted is not None and wanted != on:
            return None
        wanted = on
    return wanted, reads[0]


def _is_prefix(key: tuple[str, ...], name: str) -> bool:
    joined = ".".join(key)
    return not key or name == joined or name.startswith(joined + ".")
