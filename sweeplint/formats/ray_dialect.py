"""What Ray Tune decides (the reader is ray.py).

Ray narrows quantized bounds to multiples of q before rounding, so a step never leaves the range
(no step semantics to judge). With OptunaSearch the space is Optuna's: built while trials run and
stored by Optuna.
"""

from __future__ import annotations

from sweeplint.formats.dialect import Dialect

DIALECT = Dialect(
    format="ray",
    tool="Ray Tune",
    log_scale_spelling="tune.loguniform(low, high)",
    log_scale_names=(("uniform", "loguniform"), ("quniform", "qloguniform")),
    int_range_spelling="tune.randint({low}, {above})",
    exclusive_range_spelling="tune.{distribution}({low}, {high})",   # randint or lograndint: the fix keeps the log scale
    objective_apis=("tune.report", "framework"),
    optuna_search_algorithm="OptunaSearch",
    # The trainable's config (a config parameter no call in the program binds, which the code facts
    # name "unknown") is the param_space itself; with a searcher of its own the space may come from it.
    trial_config_root="unknown",
    trial_config_methods=("BasicVariantGenerator",),
)
