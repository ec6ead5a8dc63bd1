from __future__ import annotations

import re
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import derived_from, describe_space, node
from sweeplint.model import MethodKind, Space
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_GRID, _RANDOM = MethodKind.GRID, MethodKind.RANDOM

# An objective that measures cost, not quality: varying a resource setting is then the point.
_COST_METRIC = re.compile(r"time|throughput|latency|speed|memory|mem_|per_sec|per_second|samples_s|tokens_s")


_BENCH = re.compile(r"bench", re.IGNORECASE)

# Families that set the batch a step sees: the batch size itself, and gradient accumulation, which
# multiplies it (the effective batch is batch size x accumulation steps).
BATCH_FAMILIES = frozenset({"batch_size", "gradient_accumulation"})


# How the tools spell "choose one of these values": a parameter drawn by such a call is searched even
# when its list is computed at run time (`tune.choice([2**i for i in range(5, 9)])`, a list read from
# another file), so the reader knows the call but not the values.
CHOICE_CALLS = frozenset({"choice", "suggest_categorical", "grid_search", "categorical"})


def _searched(p) -> bool:
    """Whether the study varies the parameter, or draws it by a choice among values not known here."""
    return p.varies or (p.space is Space.UNKNOWN and (p.distribution or "").rsplit(".", 1)[-1] in CHOICE_CALLS)


def benchmark_sweep(study) -> bool:
    """A sweep with no objective to optimize, or one named a benchmark: it measures speed or memory."""
    if study.objective is None and study.method is not None and study.method.kind in (_GRID, _RANDOM):
        return True
    return bool(study.name and _BENCH.search(study.name))


class TunedBatchSize(Rule):
    code = "SL305"
    name = "tuned-batch-size"
    severity = Severity.WARNING
    uses_code = True  # code evidence in the graph (reads under ifs, derivations)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if benchmark_sweep(study):
                continue  # a sweep that measures the hardware, not the model: varying resources is its point
            graph, roles = ctx.graph(study), ctx.roles(study)
            # Only a searched batch size or resource setting can be reported: most studies have none.
            # (the family first: whether a parameter is searched walks its values)
            candidates = [(p, data) for p in study.parameters if ((data := node(graph, p.name) or {}).get("family_kind") == "resource"
                          or data.get("family") in BATCH_FAMILIES) and _searched(p)]
            if not candidates:
                continue
            kinds = {(node(graph, p.name) or {}).get("family_kind") for p in ctx.varied(study)} - {"seed"}
            if kinds == {"resource"}:
                continue  # only speed and memory settings vary: the sweep measures the hardware
            rates = [p for p in study.parameters if (node(graph, p.name) or {}).get("family") == "learning_rate"]
            searched_rate = any(p.varies for p in rates)
            for p, data in candidates:
                if data.get("family_kind") == "resource":
                    finding = self._resource(ctx, study, p, data, roles)
                    if finding is not None:
                        yield finding
                    continue
                a = roles.of(p.name)
                studied = a is not None and a.declared and a.role == "scientific"
                fixed_rate = [r for r in rates if not r.varies]
                if studied and searched_rate:
                    continue  # a declared batch-size study that re-tunes the learning rate
                over = f" over {describe_space(p)}" if p.varies else ""
                accumulation = data.get("family") == "gradient_accumulation"
                if accumulation:
                    base = f"{p.name} multiplies the batch size and is searched{over} as if it were a quality knob"
                    why = (f"Gradient accumulation sums the gradients of several batches before each step, so it "
                           f"multiplies the effective batch size without adding throughput. Fix {p.name} (at 1 when "
                           f"the batch fits in memory), then tune the rest: changing the effective batch size changes "
                           f"the best learning rate and regularisation, so the winner shows which batch size the other "
                           f"settings happen to suit.")
                else:
                    base = f"{p.name} is searched{over} as if it were a quality knob"
                    why = (f"Fix {p.name} at the largest size your hardware trains efficiently, then tune the rest: the batch "
                           f"size sets training speed and memory use, and changing it changes the best learning rate and "
                           f"regularisation, so the winner shows which batch size the other settings happen to suit.")
                scaled = [r for r in rates if p.name in derived_from(graph, r.name)]
                if searched_rate or scaled:
                    # A rate the program scales with the batch size (`lr * batch_size / 256`) follows it.
                    yield Finding(p.key_span, base, help=why)
                    continue
                if fixed_rate:
                    r = fixed_rate[0]
                    value = r.values[0].text if r.values and r.values[0].text else (r.values[0].value if r.values else "?")
                    detail = f"with {r.name} fixed at {value}"
                    related = (Related(ctx.file.path, r.key_span, f"{r.name} is fixed here"),)
                elif "learning_rate" in roles.fixed_families:
                    detail = "with the learning rate declared fixed"
                    related = ()
                else:
                    # An absent rate may be the program's fixed one, or the model may have none: a warning.
                    yield Finding(p.key_span, base, help=f"{why} The sweep does not search a learning rate either; if the "
                                  f"program uses one, every batch size is trained with the same rate.")
                    continue
                yield Finding(p.key_span, f"{base}, {detail}", related=related, severity=Severity.ERROR,
                              help=f"Every {'effective ' if accumulation else ''}batch size is trained with the same learning "
                                   f"rate. {why}")

    @staticmethod
    def _resource(ctx: Context, study, p, data: dict, roles) -> Finding | None:
        """A speed-or-memory setting (precision, loader workers, checkpointing) searched for quality."""
        a = roles.of(p.name)
        if a is not None and a.declared and a.role == "scientific":
            return None  # a deliberate study of the setting itself
        if study.objective is not None and _COST_METRIC.search(str(study.objective.name.value).lower()):
            return None  # the objective is speed or memory: then the setting is what is measured
        family = ctx.knowledge.families.get(data.get("family") or "")
        title = family.title if family is not None else p.name
        return Finding(
            p.key_span,
            f"{p.name} ({title}) is searched{f' over {describe_space(p)}' if p.varies else ''} as if it were a quality knob",
            help=f"Fix {p.name} at what the hardware runs best, then tune the rest: {title} is a resource setting that "
                 f"changes training speed and memory use, not what the model learns, so trials spent on it tell nothing "
                 f"about the other settings.",
        )
