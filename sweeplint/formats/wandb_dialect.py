"""What W&B's sweep controller decides (the reader is wandb.py and wandb_python.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="wandb",
    tool="W&B",
    yaml_loader="`wandb sweep`",
    reads_single_document=True,        # PyYAML's safe_load stops at the next document
    validates_schema=True,             # the sweep config is checked against a JSON schema first
    rejects_equal_bounds=True,         # "min is not less than max"
    step_semantics="multiple",         # q_uniform / q_log_uniform draw round(x / q) * q
    grid_refuses_range="W&B's grid search refuses it (a grid takes only values, constants, int_uniform and q_uniform)",
    has_conditional_parameters=False,
    search_spaces="W&B sweeps",
    log_scale_spelling="distribution: log_uniform_values",
    int_range_spelling="distribution: int_uniform",
    float_range_spelling="write the bounds as floats (`min: {low}.0`, `max: {high}.0`) or add `distribution: uniform`",
    float_distributions="a float distribution such as uniform / q_uniform",
    log_scale_names=(("uniform", "log_uniform_values"), ("q_uniform", "q_log_uniform_values")),
    log_scale_key=("distribution", "log_uniform_values"),
    objective_apis=("wandb.log", "self.log", "self.log_dict", "summary", "framework"),
    objective_needs_a_run=True,        # nothing is logged before wandb.init
    ranks_by_run_summary=True,         # the summary keeps the last logged value unless the code says otherwise
    default_goal="W&B's default when metric.goal is missing",
    goal_setting=("goal", "maximize", "minimize"),
    budget_key="run_cap",
    # Users commonly give the budget to the agent instead, so a missing run_cap is only an opinion.
    budget_set_outside="wandb agent --count",
    parameter_reads="*",
    passes_arguments_by_command=True,  # `command` with ${args} / ${args_no_hyphens}
    run_config_root="wandb",           # wandb.config, which the program may overwrite
)
