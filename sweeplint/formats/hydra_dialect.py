"""What Hydra and each of its sweepers decide (the reader is the hydra reader).

Every sweeper shares the Hydra dialect; `SWEEPERS` holds the ones that differ (how each spells a log
scale, an integer range, a constant or a range whose stop is excluded; how Optuna steps a range).
A sweeper not listed gets the shared dialect.
"""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect
from sweeplint.records import replace

DIALECT = Dialect(
    format="hydra",
    tool="Hydra",
    has_conditional_parameters=False,
    search_spaces="Hydra sweeper params",
    # A Hydra sweeper optimizes what the task function returns; by convention (`optimized_metric`)
    # that is a metric the training loop logged, e.g. through Lightning's self.log.
    objective_apis=("self.log", "self.log_dict", "wandb.log", "framework"),
    objective_is_task_return=True,
    parameter_reads="*",
    composes_config_groups=True,
)


SWEEPERS = {
    "hydra-basic": replace(
        DIALECT, format="hydra-basic",
        constant_spelling="{name}: {value}",
        exclusive_range_spelling="range({low}, {high})",   # range(start, stop): stop excluded
    ),
    "hydra-optuna": replace(
        DIALECT, format="hydra-optuna",
        step_semantics="offset",                           # Optuna steps from low
        log_scale_spelling="tag(log, interval(low, high))",
        log_scale_wrapper=("tag(log, ", ")"),
        int_range_spelling="range({low}, {high}) or int(interval({low}, {high}))",
        constant_spelling="{name}: {value}",
        optuna_backed=True,
        default_startup_trials=(("tpe", "n_startup_trials", 10),),  # the sweeper's default sampler is TPE
    ),
    "hydra-ax": replace(
        DIALECT, format="hydra-ax",
        log_scale_spelling="log_scale: true",
        int_range_spelling="integer bounds: [{low}, {high}]",
        constant_spelling="type: fixed, value: {value}",
    ),
    "hydra-nevergrad": replace(
        DIALECT, format="hydra-nevergrad",
        log_scale_spelling="tag(log, interval(low, high))",
        log_scale_wrapper=("tag(log, ", ")"),
        constant_spelling="{name}: {value}",
        exclusive_range_spelling="range({low}, {high})",
    ),
}
