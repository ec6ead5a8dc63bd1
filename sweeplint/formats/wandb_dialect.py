"""What W&B's sweep controller decides (the reader is wandb.py and wandb_python.py)."""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

# What W&B does with an invalid sweep. `wandb sweep` sends the config to the server, which checks
# it against the schema and answers with warnings: the CLI prints them ("Malformed sweep config
# detected!") and creates the sweep anyway. The server also makes the first run when the sweep is
# created (grid, random, bayes), and refuses the sweep when it cannot ("Invalid sweep config: ...",
# e.g. no method, no parameters, an invalid parameter spec).
ONLY_WARNS = "`wandb sweep` only warns that the config is malformed and creates the sweep anyway"
REFUSES = "W&B refuses to create the sweep"


def refuses_or_warns(method: str | None) -> str:
    """What W&B does with a sweep missing what its first run needs: a custom sweep (run by its own
    scheduler) is created with a warning, any other is refused."""
    return ONLY_WARNS if method == "custom" else REFUSES

DIALECT = Dialect(
    format="wandb",
    tool="W&B",
    yaml_loader="`wandb sweep`",
    reads_single_document=True,        # PyYAML's safe_load stops at the next document
    validates_schema=True,             # the sweep config is checked against a JSON schema first
    rejects_equal_bounds=True,         # "min is not less than max"
    step_semantics="multiple",         # q_uniform / q_log_uniform draw round(x / q) * q
    negated_exponent_distributions=("inv_log_uniform",),   # e^-x for x in min .. max
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
    trial_config_root="wandb",         # the sweep's parameters, plus what wandb.init(config=...) adds
)
