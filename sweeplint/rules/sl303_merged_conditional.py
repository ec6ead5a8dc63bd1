from __future__ import annotations

from collections.abc import Iterator

from sweeplint.choice_scopes import governing, index_choices
from sweeplint.codefacts.queries import never_reads
from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import choice_activity, choice_parents, choice_values, interaction_between, node, norm_value
from sweeplint.roles import and_list
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# A tool whose search spaces cannot make a parameter depend on another's value (its dialect's
# has_conditional_parameters) gets no advice to "make it conditional", which it could not follow.


DECAY_STYLES = ("AdamW-style optimizers shrink the weights by the decay directly while SGD, Adam and RMSprop add it "
                "to the gradient as an L2 term, so the same number is a different strength under each")


class MergedConditional(Rule):
    code = "SL303"
    name = "merged-conditional"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study in ctx.studies:
            graph = ctx.graph(study)
            parents = choice_parents(graph)
            if not parents:
                continue  # (most studies) no optimizer choice
            # A choice the program never reads leaves every trial with one optimizer (SL201's
            # finding); a define-by-run space is made of values the program receives from its calls.
            facts = None if dialect_of(study).define_by_run(study) else ctx.code(study)
            parents = [p for p in parents if not never_reads(facts, p["name"])]
            if not parents:
                continue
            index = index_choices(parents)
            for child in ctx.varied(study):
                # Only the choices of the child's own group and the groups around it: linear in the
                # number of groups, and no pairing of one group's range with another's optimizer.
                governed_by = [p for p in governing(index, parents, child.name) if p["name"] != child.name]
                if not governed_by:
                    continue
                data = node(graph, child.name) or {}
                family = kb.families.get(data.get("family") or "")
                if family is None:
                    continue
                for parent in governed_by:
                    finding = self.pair(ctx, study, graph, child, parent, family)
                    if finding is not None:
                        yield finding

    def pair(self, ctx, study, graph, child, parent, family) -> Finding | None:
        kb = ctx.knowledge
        why = interaction_between(graph, child.name, parent["name"])
        if why is None and not family.conditional_on:
            return None  # its meaning does not change with the optimizer
        values = choice_values(graph, parent)
        activity = choice_activity(graph, child.name, parent, kb)
        if activity.values is None:
            return None
        for branch in activity.groups():
            shared = [v for v in values if norm_value(v) in branch]
            if family.name == "weight_decay":
                # What changes a weight decay's meaning is whether the optimizer adds it
                # to the gradient (SGD, Adam, RMSprop) or shrinks the weights (AdamW).
                groups = {kb.decay_style(v) for v in shared}
                why = DECAY_STYLES if len(groups - {None}) >= 2 else why
            else:
                groups = {kb.optimizer_group(v) for v in shared}
            groups.discard(None)
            if len(groups) >= 2:
                return self.finding(ctx, study, child, parent, shared, family, why, activity)
        return None

    def finding(self, ctx, study, child, parent, shared, family, why, activity) -> Finding:
        pname = parent["name"]
        which = and_list([f"{pname}={v}" for v in shared]) if len(shared) <= 3 else \
            f"{len(shared)} values of {pname}"
        reason = why or f"{family.title} means something different for each"
        dialect = dialect_of(study)
        if not dialect.has_conditional_parameters:
            fix = (f"{dialect.search_spaces} have no conditional parameters: run one sweep per {pname}, each with its own {child.name} range, or give "
                   f"each {pname} its own parameter ({', '.join(f'{child.leaf}_{_slug(v)}' for v in shared[:3])}) nested per "
                   f"{pname} and have the program read the one for its {pname}.")
        else:
            fix = (f"Make it conditional: sample a separate parameter for each {pname} "
                   f"({', '.join(f'{child.leaf}_{_slug(v)}' for v in shared[:3])}), each with its own range, only when that "
                   f"{pname} is chosen.")
        evidence = ""
        related = (Related(ctx.file.path, _span(study, pname), f"{pname} chooses between {', '.join(map(str, shared))} here"),)
        if activity.source == "code" and activity.sites:
            path, line, column = activity.sites[0]
            evidence = f" The program uses the same {child.name} for all of them (e.g. {path}:{line})."
        return Finding.split(
            child.key_span,
            f"{child.name} is one search range shared by {which}: each trial samples it the same way whatever the "
            f"{pname}, although {reason}; the {pname} comparison then depends on how well one range happens to suit "
            f"each. Two conditional hyperparameters are not the same just because they share a name.{evidence} {fix}",
            related=related,
        )


def _slug(value) -> str:
    return str(value).rsplit(".", 1)[-1].lower().replace("-", "_").replace(" ", "_")


def _span(study, name):
    p = study.parameter(name)
    return p.key_span if p is not None else study.span
