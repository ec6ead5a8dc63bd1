"""The playbook's pictures of a finished round, drawn with matplotlib (the `report` extra).

`axis_plot` is the basic hyperparameter axis plot: the objective against one searched parameter, on
the parameter's scale (log or linear), with the search bounds drawn, infeasible trials marked at the
worst edge of the plot and the best trials highlighted. `curves_plot` draws the per-step curves of
the best trials. Both return a matplotlib Figure (not pyplot: no global state, no display), so a
caller can inspect it before saving. Only `sweeplint results --report` imports this module.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")   # files only: never open a window, never need a display

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sweeplint.model import Space, number  # noqa: E402
from sweeplint.results.analysis import Round, Searched  # noqa: E402

SIZE = (6.4, 4.0)         # inches; at DPI this gives 640 x 400 pixel images
DPI = 100
ALL = "#4c72b0"
BEST = "#dd8452"
BAD = "#c44e52"
BOUND = "#555555"


def objective_label(round_: Round) -> str:
    results = round_.results
    goal = {"minimize": " (lower is better)", "maximize": " (higher is better)"}.get(results.goal or "", "")
    return f"{results.metric or 'objective'}{goal}"


def new_figure() -> Figure:
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def axis_plot(round_: Round, searched: Searched) -> Figure:
    p = searched.parameter
    figure = new_figure()
    ax = figure.add_subplot()
    key = searched.key
    best = {id(t) for t in round_.top()}
    usable = [t for t in round_.results.trials if t.usable and t.params.get(key) is not None]
    failed = [t for t in round_.results.trials if t.infeasible and t.params.get(key) is not None]
    categorical = p.space is Space.CATEGORICAL or any(not _is_number(t.params[key]) for t in usable + failed)
    if categorical:
        choices = [c.value for c in p.values] if p.values else []
        for t in usable + failed:
            if t.params[key] not in choices:
                choices.append(t.params[key])
        position = {_hashable(c): i for i, c in enumerate(choices)}

        def x_of(t):
            return position[_hashable(t.params[key])]

        ax.set_xticks(range(len(choices)), [str(c) for c in choices])
        ax.set_xlim(-0.5, len(choices) - 0.5)
    else:
        def x_of(t):
            return float(t.params[key])

        low, high = number(p.low), number(p.high)
        log = bool(p.log) and (low is None or low > 0) and all(x_of(t) > 0 for t in usable + failed)
        ax.set_xscale("log" if log else "linear")
        if low is not None and high is not None and high > low:
            # the range as searched, with a little room either side on its scale
            # (widened to any trial outside it, as when the space config is narrower than the study)
            seen = [x_of(t) for t in usable + failed]
            left, right = min([low] + seen), max([high] + seen)
            if log:
                pad = (math.log10(right) - math.log10(left)) * 0.05
                ax.set_xlim(10 ** (math.log10(left) - pad), 10 ** (math.log10(right) + pad))
            else:
                pad = (right - left) * 0.05
                ax.set_xlim(left - pad, right + pad)
            for bound in (low, high):
                ax.axvline(bound, color=BOUND, linestyle="--", linewidth=1)
            ax.plot([], [], color=BOUND, linestyle="--", linewidth=1, label=f"search bounds {low:g} .. {high:g}")
    others = [t for t in usable if id(t) not in best]
    tops = [t for t in usable if id(t) in best]
    ax.scatter([x_of(t) for t in others], [t.value for t in others], s=18, color=ALL, alpha=0.7,
               label=f"trials ({len(others)})")
    if tops:
        ax.scatter([x_of(t) for t in tops], [t.value for t in tops], s=60, color=BEST, edgecolors="black",
                   linewidths=0.8, zorder=3, label=f"best {len(tops)}")
    if failed:
        # Infeasible trials have no value: they sit on the worst edge of the plot, as crosses.
        values = [t.value for t in usable] or [0.0]
        low_y, high_y = min(values), max(values)
        margin = (high_y - low_y) * 0.08 or 1.0
        worst = high_y + margin if round_.results.goal != "maximize" else low_y - margin
        ax.scatter([x_of(t) for t in failed], [worst] * len(failed), marker="x", s=40, color=BAD, zorder=3,
                   label=f"failed or diverged ({len(failed)})")
    ax.set_xlabel(f"{p.name} ({'categorical' if categorical else ax.get_xscale() + ' scale'})")
    ax.set_ylabel(objective_label(round_))
    ax.set_title(f"{round_.results.name or 'study'}: {p.name}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return figure


def curves_plot(round_: Round) -> Figure | None:
    """The best trials' curves, or None when none of them has a per-step history."""
    curves = [t for t in round_.top() if len(t.history) >= 2]
    if not curves:
        return None
    figure = new_figure()
    ax = figure.add_subplot()
    for trial in curves:
        steps = [s for s, _ in trial.history]
        values = [v if math.isfinite(v) else math.nan for _, v in trial.history]
        ax.plot(steps, values, linewidth=1.2, label=trial.label)
    ax.xaxis.get_major_locator().set_params(integer=True)   # steps are counts
    ax.set_xlabel("step")
    ax.set_ylabel(objective_label(round_))
    ax.set_title(f"{round_.results.name or 'study'}: training curves of the best trials", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return figure


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _hashable(value):
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)
