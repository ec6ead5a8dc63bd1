"""SL502: many trials failed or gave a non-finite value, and where in the space they cluster."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

CLUSTER_SHARE = 0.8   # a region holds a cluster when it has this share of the failures and fails this often


class InfeasibleFraction(Rule):
    code = "SL502"
    name = "infeasible-fraction"
    severity = Severity.WARNING
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None:
            return
        from sweeplint.results.analysis import names
        from sweeplint.results.model import State

        finished = [t for t in round_.results.trials if t.state in (State.COMPLETE, State.FAILED)]
        bad = [t for t in finished if t.infeasible]
        if len(finished) < round_.limits.min_trials or len(bad) <= round_.limits.infeasible_fraction * len(finished):
            return
        head = f"{len(bad)} of {len(finished)} trials ({len(bad) / len(finished):.0%}) failed or gave a non-finite value"
        cluster = _cluster(round_, finished, bad)
        if cluster is None:
            yield Finding.split(round_.span, f"{head}, with no single parameter range to blame ({names(bad)})", path=round_.path)
            return
        searched, text, members = cluster
        failing = [t for t in members if t.infeasible]
        yield Finding(searched.span, f"{head}, clustered where {text}", path=searched.path,
                      help=f"{len(failing)} of the {len(members)} trials where {text} failed ({names(failing)}): a "
                           f"stability limit; narrow the range to leave that region out.")


def _cluster(round_, finished, bad):
    """The parameter and threshold whose one side holds most failures and mostly fails; None if none does."""
    from sweeplint.results.analysis import fmt

    best = None
    for searched in round_.searched:
        placed = [(round_.position(searched, t), t) for t in finished]
        placed = sorted(((x, t) for x, t in placed if x is not None), key=lambda pair: pair[0])
        if len(placed) < round_.limits.min_trials:
            continue
        total_bad = sum(1 for _, t in placed if t.infeasible)
        for direction in ("above", "below"):
            ordered = placed if direction == "below" else placed[::-1]
            failing, widest = 0, None
            for count, (x, t) in enumerate(ordered, start=1):
                failing += t.infeasible
                # the widest region from this end that still mostly fails, ending at a failure
                if t.infeasible and failing >= CLUSTER_SHARE * count and count < len(placed):
                    widest = (failing, count, x)
            if widest is None or widest[0] < CLUSTER_SHARE * total_bad:
                continue
            failing, count, x = widest
            score = (failing / total_bad, failing / count)
            if best is None or score > best[0]:
                sign = "≥" if direction == "above" else "≤"
                best = (score, searched, f"{searched.parameter.name} {sign} {fmt(searched.at(x))}",
                        [pair[1] for pair in ordered[:count]])
    return None if best is None else best[1:]
