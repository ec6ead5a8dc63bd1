"""What Katib decides (the reader is katib.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="katib",
    tool="Katib",
    step_semantics="offset",            # feasibleSpace.step counts from min
    has_conditional_parameters=False,
    search_spaces="Katib experiments",
    log_scale_spelling="feasibleSpace.distribution: logUniform",
    log_scale_names=(("uniform", "logUniform"),),
    log_scale_key=("distribution", "logUniform"),   # feasibleSpace.distribution, beside min and max
    int_range_spelling="parameterType: int",
    objective_apis=("stdout",),         # the default metrics collector parses the trial's stdout
    last_value_reductions=("latest",),  # metricStrategies value; without one Katib takes min or max by type
)
