from __future__ import annotations

from collections.abc import Iterator

from sweeplint.choice_scopes import governing, index_choices
from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import active_values, choice_activity, choice_parents, choice_values, norm_value
from sweeplint.model import Parameter, Space, Span, Study
from sweeplint.roles import and_list
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl304_switches import switch_settings


class UnconditionalConditional(Rule):
    code = "SL304"
    name = "unconditional-conditional"
    severity = Severity.WARNING
    uses_code = True  # code evidence in the graph (reads under ifs, derivations)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            reported = set()
            for finding in self._choice_settings(ctx, study):
                reported.add(finding.span)
                yield finding
            # a setting of a searched on/off switch, unless already reported against another parent
            yield from (f for f in switch_settings(ctx, study) if f.span not in reported)

    def _choice_settings(self, ctx: Context, study: Study) -> Iterator[Finding]:
        kb = ctx.knowledge
        graph = ctx.graph(study)
        yield from self.schedule_settings(ctx, study, graph)
        parents = choice_parents(graph)
        if not parents:
            return  # (most studies: no parameter to pair)
        index = index_choices(parents)
        # Each parameter against the choices that govern it (its own group's and those around it).
        for child, parent in ((c, p) for c in ctx.varied(study) for p in governing(index, parents, c.name)):
            pname = parent["name"]
            if child.name == pname or child.condition is not None:
                continue
            values = choice_values(graph, parent)
            activity = choice_activity(graph, child.name, parent, kb)
            if activity.values is None or activity.source not in ("knowledge", "code"):
                continue
            active = activity.values
            if len(active) == len(values):
                # (most pairs) every value has it: the active values are some of the values,
                # normalised, so as many of them are all of them; nothing the stand-in could add
                continue
            if activity.source == "knowledge":
                active = active | self._stand_in(ctx, study, child, values)
            used, unused = [], []
            for v in values:
                (used if norm_value(v) in active else unused).append(v)
            if not used or not unused:
                continue
            if activity.source == "code":
                path, line, _ = activity.sites[0]
                evidence = f"the program reads it only when {pname} is {' or '.join(map(str, used))} ({path}:{line})"
                related = tuple(Related(p, Span.point(l, c), f"{child.name} is read here") for p, l, c in activity.sites if p)
            else:
                evidence = f"only {and_list([f'{pname}={v}' for v in used])} {'has' if len(used) == 1 else 'have'} a {child.name}"
                related = ()
            fix = _fix(study, child, pname, used, unused)
            yield Finding.split(
                child.key_span,
                f"{child.name} is searched for every {pname}, but {evidence}: in trials with "
                f"{and_list([f'{pname}={v}' for v in unused])} it has no effect, so they spend a search dimension "
                f"on noise and a model-based search may learn an effect that is not there. {fix}",
                related=related,
            )

    @staticmethod
    def _stand_in(ctx: Context, study: Study, child: Parameter, values) -> frozenset:
        """The parent values under which the parameter may play another family's part: with no
        momentum of its own, a sweep's beta1 is often what hand-written SGD-with-momentum and
        RMSprop take as their momentum (the knowledge base's `doubles_as`)."""
        kb = ctx.knowledge
        family = kb.family_of(child.name)
        other = kb.families.get(family.doubles_as) if family is not None and family.doubles_as else None
        if other is None or any((f := kb.family_of(q.name)) is not None and f.name == other.name for q in study.parameters):
            return frozenset()
        return frozenset(norm_value(v) for v in values if kb.uses(other, v))

    def schedule_settings(self, ctx: Context, study: Study, graph) -> Iterator[Finding]:
        """A setting of some learning-rate schedules (a step size) searched while the schedule is fixed
        to one without it, or chosen among schedules of which only some have it."""
        schedules = ctx.knowledge.schedules
        choosers = [p for p in study.parameters if schedules.chooses(p.name)]
        if len({p.name for p in choosers}) != 1:
            return  # none, or two (a warm-up and a decay schedule?): which one a setting belongs to is unclear
        for chooser in choosers[:1]:
            if chooser.space not in (Space.CONSTANT, Space.CATEGORICAL):
                continue
            if not chooser.values or not all(isinstance(v.value, str) for v in chooser.values):
                continue
            values = list(dict.fromkeys(v.value for v in chooser.values))
            named = {v: schedules.schedule_of(v) for v in values}
            if None in named.values():
                continue  # a schedule the knowledge base does not know: it may have any setting
            for child in ctx.varied(study):
                setting = schedules.setting(child.name)
                if child is chooser or child.condition is not None or setting is None:
                    continue
                used = [v for v in values if named[v] in setting.under]
                if chooser.varies:
                    # The program's own tests on the choice (a read under `if policy == "step"`) win.
                    activity = active_values(graph, child.name, chooser.name, values, ctx.knowledge)
                    if activity.source in ("config", "code") and activity.values is not None:
                        used = [v for v in values if norm_value(v) in activity.values]
                unused = [v for v in values if v not in used]
                if not unused:
                    continue
                finding = self._schedule_finding(study, child, chooser, setting, used, unused, schedules)
                if finding is not None:
                    yield finding

    @staticmethod
    def _schedule_finding(study: Study, child: Parameter, chooser: Parameter, setting, used, unused,
                          schedules) -> Finding | None:
        pname = chooser.name
        labels = [schedules.label(s) for s in setting.under]
        owners = and_list([f"{'an' if l[:1] in 'aeiou' else 'a'} {l}" for l in labels])
        has = "has" if len(labels) == 1 else "have"
        if not chooser.varies:
            return Finding.split(
                child.key_span,
                f"{child.name} is searched, but {pname} is fixed to {unused[0]} and only {owners} {has} a "
                f"{setting.label}: {child.name} has no effect in any trial, so the sweep spends a dimension on noise "
                f"and a model-based search may learn an effect that is not there. Remove {child.name} from the search, "
                f"or set {pname} to a schedule that uses it.",
            )
        if not used:
            return Finding.split(
                child.key_span,
                f"{child.name} is searched, but none of the schedules {pname} chooses ({', '.join(map(str, unused))}) "
                f"has a {setting.label} (only {owners} {has} one): it has no effect in any trial. Remove it from the search.",
            )
        fix = _fix(study, child, pname, used, unused)
        return Finding.split(
            child.key_span,
            f"{child.name} is searched for every {pname}, but only {and_list([f'{pname}={v}' for v in used])} "
            f"{'has' if len(used) == 1 else 'have'} a {setting.label}: in trials with "
            f"{and_list([f'{pname}={v}' for v in unused])} it has no effect, so they spend a search dimension on noise "
            f"and a model-based search may learn an effect that is not there. {fix}",
        )


def _fix(study: Study, child: Parameter, pname: str, used, unused) -> str:
    """The advice for a parameter that matters only under some values of another: make it
    conditional where the tool can, else one sweep per group of values."""
    dialect = dialect_of(study)
    if not dialect.has_conditional_parameters:
        return (f"{dialect.search_spaces} have no conditional parameters: run a separate sweep for "
                f"{' and '.join(map(str, unused))} without {child.name}.")
    return f"Sample {child.name} only when {pname} is {' or '.join(map(str, used))} (a conditional parameter)."
