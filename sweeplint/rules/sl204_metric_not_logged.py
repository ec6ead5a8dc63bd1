from __future__ import annotations

import re
from collections.abc import Iterator

from sweeplint.codefacts.queries import argname, fixed_flags, normalise_metric, passes_args, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# Which logging calls feed each tool's objective is its dialect's objective_apis.


class MetricNotLogged(Rule):
    code = "SL204"
    name = "metric-not-logged"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            dialect = dialect_of(study)
            hydra = dialect.objective_is_task_return
            apis = dialect.objective_apis
            if apis is None or study.objective is None or not isinstance(study.objective.name.value, str):
                continue
            metric = study.objective.name.value
            span = study.objective.name.span
            if hydra and not self._hydra_convention(ctx, study):
                continue
            if metric != metric.strip():
                yield Finding.split(span, f"the metric name {metric!r} starts or ends with whitespace, so it matches no logged "
                                    "key and the sweep waits for a metric that never arrives - remove the whitespace")
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            off = _run_behind_unset_flag(study, facts) if dialect.objective_needs_a_run else None
            if off is not None:
                init, arg = off
                yield Finding.split(
                    span,
                    f"the sweep optimizes {metric!r}, but the program starts its W&B run only when --{arg.dest} is set "
                    f"({short(ctx, init.path)}:{init.span.line}), which defaults to off and which the sweep never sets; "
                    "no run is started, so nothing is logged and the search gets no objective values - set "
                    f"{arg.dest} to true in the sweep's parameters (or its command)",
                    related=(related(init.path, init.span, "the run starts only here"),
                             related(arg.path, arg.span, f"--{arg.dest} is off by default")),
                )
                continue
            if dialect.requires_final_result_report and _takes_nni_parameters(facts) and not any(m.api == "nni" for m in facts.metrics):
                # NNI's objective is whatever the trial hands to nni.report_final_result.
                partial = next((m for m in facts.metrics if m.api == "nni.intermediate"), None)
                also = (f" It reports only intermediate results (e.g. {short(ctx, partial.path)}:{partial.span.line}), "
                        "which the tuner does not use.") if partial is not None else ""
                yield Finding(span, f"the program ({short(ctx, facts.program)}) takes its parameters from NNI but never "
                                    f"calls nni.report_final_result",
                              help=f"Report the final metric once at the end of training: without it the tuner gets no "
                                   f"result for any trial.{also}",
                              related=(related(facts.program, Span.point(1, 1), "the program"),))
                continue
            logs = [m for m in facts.metrics if m.api in apis]
            if not logs and "keras-progress" not in apis and study.objective.source is None:
                shown = next((m for m in facts.metrics if m.api == "keras-progress" and m.key is not None
                              and normalise_metric(m.key) == normalise_metric(metric)), None)
                if shown is not None:
                    # the value exists only in Keras's progress bar, which the tool does not collect
                    yield Finding(span, f"the sweep optimizes {metric!r}, but the program shows it only in Keras's "
                                        f"progress bar ({short(ctx, shown.path)}:{shown.span.line}), which "
                                        f"{dialect.tool} does not collect, and logs it nowhere else",
                                  related=(related(shown.path, shown.span, "Keras prints it here"),))
                    continue
            if not logs or any(m.dynamic and m.pattern is None for m in logs):
                continue  # nothing logged we can see, or a key we cannot know
            wanted = normalise_metric(metric)
            top = metric.split(".", 1)[0]
            found = False
            spaced = None
            for m in logs:
                if m.key is not None:
                    if m.key in (metric, top) or normalise_metric(m.key) == wanted:
                        if m.key != m.key.strip() or any(c.isspace() for c in m.key):
                            spaced = m
                            continue
                        found = True
                        break
                    if normalise_metric(m.key.replace(" ", "")) == wanted and m.key.strip() != m.key or " " in m.key and m.key.replace(" ", "") == metric:
                        spaced = m
                elif m.pattern is not None:
                    if re.fullmatch(m.pattern, metric) or re.fullmatch(m.pattern, wanted):
                        found = True
                        break
            if found:
                # a sweep built in Python code runs from wherever that code is called: no entry to start from
                dead = None if ctx.file.path.endswith(".py") else _only_in_dead_code(ctx, facts, logs, metric)
                if dead is not None:
                    log, function = dead
                    yield Finding.split(
                        span,
                        f"the sweep optimizes {metric!r}, but the program logs it only in {function}() "
                        f"({short(ctx, log.path)}:{log.span.line}), which never runs: nothing the program runs calls "
                        f"{function}() (or its call sits behind a test that is always false); the search gets no objective "
                        "values - log the metric where the program trains, or call the function that logs it",
                        related=(related(log.path, log.span, f"logs {metric!r}, in {function}(), which never runs"),),
                    )
                continue
            if spaced is not None:
                yield Finding.split(
                    span,
                    f"the program logs {spaced.key!r} ({short(ctx, spaced.path)}:{spaced.span.line}), with whitespace, not {metric!r}; "
                    f"the sweep never sees its metric - remove the whitespace from the logged key",
                    related=(related(spaced.path, spaced.span, f"logs {spaced.key!r}"),),
                )
                continue
            keys = sorted({m.key for m in logs if m.key is not None})
            shown = ", ".join(repr(k) for k in keys[:6]) + (", ..." if len(keys) > 6 else "")
            first = logs[0]
            yield Finding.split(
                span,
                f"the sweep optimizes {metric!r}, but the program never logs it (it logs {shown or 'other keys'}, "
                f"e.g. {short(ctx, first.path)}:{first.span.line}); the search gets no objective values, so it cannot compare "
                "trials or stop them early - log this key or name a logged one",
                related=tuple(related(m.path, m.span, f"logs {m.key!r}") for m in logs if m.key is not None)[:5],
            )

    @staticmethod
    def _hydra_convention(ctx: Context, study) -> bool:
        """A Hydra study is checked only when its task function returns the logged metric named by
        `optimized_metric` and all the code that may log it is visible (no config handed whole to
        unknown code, no targets instantiated from strings)."""
        facts = ctx.code(study)
        if facts is None or study.objective.name.text is None:
            return False
        if not facts.reads_of("optimized_metric", ("hydra",)):
            return False
        return not any(not e.key or "instantiate" in e.reason for e in facts.escapes)


def _run_behind_unset_flag(study, facts):
    """(the guarded wandb.init, the option) when every wandb.init of the program sits under a test of an
    argparse option that is off by default (`if args.wandb:` with store_true) and the sweep sets no
    such option, neither as a parameter handed over by the command nor as a fixed flag in it."""
    inits = [c for c in facts.calls if c.func == "wandb.init"]
    if not inits:
        return None
    given = {argname(name) for name, _, _ in fixed_flags(study)}
    if passes_args(study):
        given |= {argname(p.name) for p in study.parameters}
    found = None
    for init in inits:
        guard = None
        for cond in init.conditions:
            if cond.root != "argparse" or len(cond.key) != 1 or cond.op not in ("truthy", "falsy"):
                continue
            arg = facts.arg(cond.key[0])
            if arg is None or not arg.has_default or argname(arg.dest) in given:
                continue
            if not _same_file(arg.path, facts.program):
                continue  # parsed by another module: the entry may build the namespace itself, switch on

            if (cond.op == "truthy") != bool(arg.default):
                guard = arg  # the test fails unless the option is given
                break
        if guard is None:
            return None
        found = found or (init, guard)
    return found


def _matches(m, metric: str) -> bool:
    wanted = normalise_metric(metric)
    if m.key is not None:
        return m.key in (metric, metric.split(".", 1)[0]) or normalise_metric(m.key) == wanted
    return m.pattern is not None and bool(re.fullmatch(m.pattern, metric) or re.fullmatch(m.pattern, wanted))


def _only_in_dead_code(ctx: Context, facts, logs, metric: str):
    """(a log of the metric, the function it sits in) when every log that may carry the metric sits in
    a function the program never runs (codefacts.reach), else None."""
    from sweeplint.codefacts.interproc import Interproc
    from sweeplint.codefacts.reach import Reach

    from sweeplint.codefacts.program import MAX_FILES

    carrying = [m for m in logs if _matches(m, metric) or m.dynamic]
    if not carrying or facts.hydra_main or len(facts.files) >= MAX_FILES:
        return None  # a Hydra config may name any function; a program cut short may call it from a file not read
    reach = Reach(Interproc(facts.files))
    places = [(m, reach.dead_function(m.path, m.span.line)) for m in carrying]
    if any(function is None for _, function in places):
        return None
    return places[0]


def _same_file(a: str, b: str) -> bool:
    import os

    return os.path.abspath(a) == os.path.abspath(b)


def _takes_nni_parameters(facts) -> bool:
    return any(r.root == "nni" for r in facts.reads) or any(e.root == "nni" for e in facts.escapes)
