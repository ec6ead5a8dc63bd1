"""What NNI decides (the reader is nni.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="nni",
    tool="NNI",
    yaml_loader="NNI",
    rejects_equal_bounds=True,          # search-space validation: "must have high > low"
    grid_enumerates_ranges=True,        # the grid tuner samples numeric ranges at ever finer intervals
    log_scale_spelling="_type: loguniform",
    log_scale_names=(("uniform", "loguniform"), ("quniform", "qloguniform")),
    int_range_spelling="\"_type\": \"randint\", \"_value\": [{low}, {above}]",
    exclusive_range_spelling="\"_value\": [{low}, {high}]",
    objective_apis=("nni",),
    trial_named_by_experiment_config=True,  # searchSpaceFile + trialCommand in the experiment config
    requires_final_result_report=True,  # the objective is what the trial hands to nni.report_final_result
    parameter_reads="nni",              # only through nni.get_next_parameter()
)
