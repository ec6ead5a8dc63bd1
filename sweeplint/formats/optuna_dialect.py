"""What Optuna decides (the reader is optuna.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="optuna",
    tool="Optuna",
    step_semantics="offset",            # suggest_float(step=) / suggest_int(step=): low + k * step
    log_scale_spelling="suggest_float(..., log=True) with no step, which Optuna refuses on a log scale",
    log_scale_keyword=("suggest_float", "log=True"),
    int_range_spelling="trial.suggest_int(..., {low}, {high})",
    optuna_backed=True,
    builds_space_in_trials=True,
)
