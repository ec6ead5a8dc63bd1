from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import describe_space, node
from sweeplint.rule import Context, Rule


class TunedBatchSize(Rule):
    code = "SL305"
    name = "tuned-batch-size"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            graph, roles = ctx.graph(study), ctx.roles(study)
            rates = [p for p in study.parameters if (node(graph, p.name) or {}).get("family") == "learning_rate"]
            searched_rate = any(p.varies for p in rates)
            for p in study.varied:
                if (node(graph, p.name) or {}).get("family") != "batch_size":
                    continue
                a = roles.of(p.name)
                studied = a is not None and a.declared and a.role == "scientific"
                fixed_rate = [r for r in rates if not r.varies]
                if studied and searched_rate:
                    continue  # a declared batch-size study that re-tunes the learning rate
                base = (f"{p.name} is searched over {describe_space(p)} as if it were a quality knob; the batch size sets "
                        f"training speed and memory use, and changing it changes the best learning rate and regularisation, "
                        f"so the winner shows which batch size the other settings happen to suit. Fix it at the largest "
                        f"size your hardware trains efficiently, then tune the rest.")
                if searched_rate:
                    yield Finding(p.key_span, base)
                    continue
                if fixed_rate:
                    r = fixed_rate[0]
                    value = r.values[0].text if r.values and r.values[0].text else (r.values[0].value if r.values else "?")
                    detail = f"Here the learning rate is fixed ({r.name}={value}), so every batch size is trained with the same rate."
                    related = (Related(ctx.file.path, r.key_span, f"{r.name} is fixed here"),)
                elif "learning_rate" in roles.fixed_families:
                    detail = "Here the learning rate is declared fixed, so every batch size is trained with the same rate."
                    related = ()
                else:
                    # An absent rate may be the program's fixed one, or the model may have none: a warning.
                    yield Finding(p.key_span, f"{base} The sweep does not search a learning rate either; if the program "
                                  f"uses one, every batch size is trained with the same rate.")
                    continue
                yield Finding(p.key_span, f"{base} {detail}", related=related, severity=Severity.ERROR)
