"""What Determined decides (the reader is determined.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="determined",
    tool="Determined",
    yaml_loader="Determined's CLI",
    rejects_equal_bounds=True,          # the config check wants minval < maxval
    grid_enumerates_ranges=True,        # a grid takes `count` points of a range (a missing count is SL406)
    has_conditional_parameters=False,
    search_spaces="Determined hyperparameters",
    log_scale_spelling="type: log with exponent bounds",
    int_range_spelling="type: int",
    constant_spelling="type: const, val: {value}",
    # A trial returns its validation metrics from evaluate_batch / evaluate_full_dataset, or reports
    # them with core_context.train.report_validation_metrics.
    objective_apis=("determined",),
    default_goal="Determined's default, smaller_is_better: true",
    goal_setting=("smaller_is_better", "false", "true"),
    parameter_reads="determined",       # only through the trial context's get_hparam
    parameters_read_by_tool=("global_batch_size",),
)
