from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Confidence, Finding, Related, Severity
from sweeplint.graph import derived_from, interaction_between, node
from sweeplint.model import MethodKind, Parameter, Study
from sweeplint.roles import and_list, directive, inferred_note
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_GRID = MethodKind.GRID
_DECLARED, _STRONG, _WEAK = Confidence.DECLARED, Confidence.STRONG, Confidence.WEAK

# Varied parameters whose comparison needs its interacting parameters re-tuned: any scientific one,
# and any model size/shape, model or optimizer choice, or batch size, whatever its role.
TRIGGER_KINDS = frozenset({"architecture", "optimizer-choice"})
TRIGGER_FAMILIES = frozenset({"batch_size"})
# An absent parameter counts as fixed (at the program's value) only for these families.
ABSENT_COUNTS = ("learning_rate",)


def fixed_text(p: Parameter) -> str | None:
    """The one value of a parameter that does not vary, as written."""
    if not p.values or p.varies:  # (a range has no values: no need to ask whether it varies)
        return None
    lit = p.values[0]
    return lit.text if lit.text is not None and not lit.quoted else str(lit.value)


def triggers(ctx: Context, study: Study) -> list[Parameter]:
    roles, graph = ctx.roles(study), ctx.graph(study)
    out = []
    for p in ctx.varied(study):
        data = node(graph, p.name) or {}
        a = roles.of(p.name)
        if (a is not None and a.role == "scientific") or data.get("family_kind") in TRIGGER_KINDS or data.get("family") in TRIGGER_FAMILIES:
            out.append(p)
    return out


def confidence(ctx: Context, study: Study, partners: list[Parameter], family: str | None) -> Confidence:
    """A fixed value spoils a comparison when the round compares something: declared when a partner
    is declared scientific, strong for a grid (a comparison by construction) or for the learning
    rate (it interacts with everything, so even a tune-everything round finds only the best
    setting for that one rate) when a model size or the optimizer varies, weak otherwise: the round
    may just be tuning everything at once, and a varied batch size is SL305's finding."""
    roles = ctx.roles(study)
    if any((a := roles.of(p.name)) is not None and a.declared and a.role == "scientific" for p in partners):
        return _DECLARED
    if roles.phase_declared:
        return _DECLARED if roles.phase == "exploration" else _WEAK
    graph = ctx.graph(study)
    kinds = {(node(graph, p.name) or {}).get("family_kind") for p in partners}
    if family == "learning_rate" and "regularizer-toggle" in kinds:
        return _STRONG  # the playbook's own case: the arm without the regulariser needs its own tuned rate
    if not kinds & TRIGGER_KINDS:
        return _WEAK  # only a batch size or an inferred activation/toggle varies: SL305's or a guess
    if family == "learning_rate" or (study.method is not None and study.method.kind is _GRID):
        return _STRONG
    return _WEAK


def described(ctx: Context, study: Study, p: Parameter) -> str:
    a = ctx.roles(study).of(p.name)
    return f"{p.name} ({a.label})" if a is not None else p.name


class FixedInteractingNuisance(Rule):
    code = "SL302"
    name = "fixed-interacting-nuisance"
    severity = Severity.WARNING
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            yield from self.fixed_parameters(ctx, study)
            yield from self.absent_parameters(ctx, study)

    def fixed_parameters(self, ctx: Context, study: Study) -> Iterator[Finding]:
        roles, graph = ctx.roles(study), ctx.graph(study)
        varied = None  # found on the first fixed parameter: most studies have none
        for fixed in study.parameters:
            value = fixed_text(fixed)
            if value is None or fixed.condition is not None or roles.declared_fixed(fixed.name):
                continue
            data = node(graph, fixed.name) or {}
            if data.get("family") in roles.fixed_families:
                continue
            if varied is None:
                varied = triggers(ctx, study)
            partners = {p.name: why for p in varied if (why := interaction_between(graph, fixed.name, p.name)) is not None}
            hits = [p for p in varied if p.name in partners and not (data.get("family") == "learning_rate" and (node(graph, p.name) or {}).get("family") == "batch_size")]
            # A value computed from a varied one (`wd: ${mul:0.1,${width}}`) is not fixed.
            sources = set(derived_from(graph, fixed.name))
            if not hits or any(p.varies for p in study.parameters if p.name in sources):
                continue
            reasons = []
            for p in hits:
                if partners[p.name] not in reasons:
                    reasons.append(partners[p.name])
            why = "; ".join(reasons)
            each = and_list([p.name for p in hits])
            verb = "varies" if len(hits) == 1 else "vary"
            yield Finding(
                fixed.key_span,
                f"{fixed.name} is fixed at {value} while {each}, which interact{'s' if len(hits) == 1 else ''} with it, {verb}",
                help=f"Make {fixed.name} a nuisance parameter (search it for each {each}) or declare it fixed on "
                     f"purpose with {directive('fixed', fixed.name)}: {why}, so this comparison is only valid at "
                     f"{fixed.name}={value}."
                + inferred_note([roles.of(p.name) for p in hits if (roles.of(p.name) and roles.of(p.name).role == "scientific")]),
                related=tuple(Related(ctx.file.path, p.key_span, f"{p.name} varies here") for p in hits),
                confidence=confidence(ctx, study, hits, data.get("family")),
            )

    def absent_parameters(self, ctx: Context, study: Study) -> Iterator[Finding]:
        roles, graph = ctx.roles(study), ctx.graph(study)
        kb = ctx.knowledge
        present = {f.name for p in study.parameters if (f := kb.family_of(p.name)) is not None}  # (the nodes' families)
        for family_name in ABSENT_COUNTS:
            if family_name in present or family_name in roles.fixed_families or family_name not in kb.families:
                continue
            family = kb.families[family_name]
            hits = []
            for p in triggers(ctx, study):
                a = roles.of(p.name)
                if a is None or a.role != "scientific":
                    continue  # an absent rate matters for the question a study asks, not for a tuned size
                other = (node(graph, p.name) or {}).get("family")
                if other is None or other == "batch_size":  # batch size without a learning rate: SL305's error
                    continue
                inter = kb.interaction(family_name, other)
                if inter is not None:
                    hits.append((p, inter.reason(family_name, other, kb)))
            if not hits:
                continue
            level = confidence(ctx, study, [p for p, _ in hits], family_name)
            evidence = _trains_with(ctx, study, family_name)
            if evidence is False:
                continue  # the program has no learning rate to fix (a scikit-learn model, an inference sweep)
            if evidence is None:
                level = min(level, _WEAK)
            p0, why = hits[0]
            each = and_list([p.name for p, _ in hits])
            verb = "varies" if len(hits) == 1 else "vary"
            yield Finding(
                p0.key_span,
                f"the sweep does not search the {family.title} while {each} {verb}",
                help=f"Search the {family.title} for each {each} (on a log scale), or declare it fixed on purpose with "
                     f"{directive('fixed', family_name)}: every trial trains with the program's one {family.title}; "
                     f"{why}, so this comparison is only valid at that value."
                + inferred_note([roles.of(p.name) for p, _ in hits if (roles.of(p.name) and roles.of(p.name).role == "scientific")]),
                related=tuple(Related(ctx.file.path, p.key_span, f"{p.name} varies here") for p, _ in hits[1:]),
                confidence=level,
            )


def _trains_with(ctx: Context, study: Study, family_name: str) -> bool | None:
    """Whether the program trains with a value of this family: True when its code reads one or
    builds an optimizer, False when its code is known and does neither, None when unknown."""
    facts = ctx.code(study)
    if facts is None:
        return None
    kb = ctx.knowledge
    for read in facts.reads:
        family = kb.family_of(".".join(str(k) for k in read.key)) if read.key else None
        if family is not None and family.name == family_name:
            return True
    for arg in facts.args:
        family = kb.family_of(arg.dest)
        if family is not None and family.name == family_name:
            return True
    return bool(facts.optimizer_calls())
