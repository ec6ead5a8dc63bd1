from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import MethodKind, number
from sweeplint.roles import and_list, directive, inferred_note, mention
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_GRID, _RANDOM = MethodKind.GRID, MethodKind.RANDOM


TRIALS_PER_QUESTION = 10


def _entangled(study, questions: int) -> bool:
    """Whether inferred scientific parameters really mix: a full grid is a factorial design whose
    effects can be separated, and a random search with enough trials samples each evenly; a
    model-based search (or a small random one) cannot tell their effects apart."""
    method = study.method
    if method is None or method.kind is _GRID:
        return False
    if method.kind is _RANDOM:
        trials = number(study.budget)
        return trials is not None and trials < TRIALS_PER_QUESTION * questions
    return True


class SeveralGoals(Rule):
    code = "SL301"
    name = "several-goals"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            roles = ctx.roles(study)
            graph = ctx.graph(study)
            # One question per family: num_encoder_layers and num_decoder_layers both ask about depth.
            questions: dict[str, list] = {}
            for p in study.parameters:
                a = roles.of(p.name)
                if a is None or a.role != "scientific" or not p.varies:
                    continue
                family = graph.nodes[f"param:{p.name}"].get("family") or p.name
                questions.setdefault(family, []).append((p, a))
            if len(questions) < 2:
                continue
            declared = all(a.declared for group in questions.values() for _, a in group)
            if not declared and not _entangled(study, len(questions)):
                continue
            first = [group[0] for group in questions.values()]
            everyone = [pa for group in questions.values() for pa in group]
            named = and_list([mention(a) for _, a in everyone])
            if declared:
                advice = "Run one study per question: keep one scientific parameter and make the others fixed or nuisance."
            else:
                chosen = first[0][1].name
                others = [a.name for _, a in everyone if a.name != chosen]
                advice = (f"Run one study per question: keep one scientific parameter and fix or search the others, "
                          f"e.g. {directive('scientific', chosen)} with {directive('nuisance', *others)}.")
            p0, _ = first[0]
            related = tuple(Related(ctx.file.path, p.key_span, f"{p.name} is also scientific") for p, _ in everyone[1:])
            yield Finding.split(
                p0.key_span,
                f"this sweep asks {len(questions)} questions at once ({_topics(ctx, questions)}): it varies {named}; their effects cannot be told "
                f"apart, and each question's nuisance parameters get fewer trials per setting. {advice}"
                + inferred_note([a for _, a in everyone]),
                related=related,
                confidence=roles.confidence([a.name for _, a in everyone]),
            )


def _topics(ctx: Context, questions: dict) -> str:
    kb = ctx.knowledge
    return ", ".join(kb.families[k].title if k in kb.families else k for k in questions)
