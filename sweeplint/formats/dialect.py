"""What each sweep tool decides, in one object per tool: its dialect.

A reader turns a tool's files into the common model (sweeplint.model); a rule judges the model. What
differs between tools - which bounds a tool rejects, how it rounds a step, whether its grid can walk
a range, how it spells a log scale or a constant, which calls feed its objective, which key caps its
budget - is neither reading nor judging. It lives in the tool's `Dialect`, in
`sweeplint/formats/<tool>_dialect.py` beside the tool's reader, and rules ask it:

    from sweeplint.formats.dialect import dialect_of

    dialect = dialect_of(study)
    if low == high and dialect.rejects_equal_bounds:
        ...f"search it on a log scale ({dialect.log_scale_spelling})"

Rules never compare `study.format` with a tool's name (only the tool-specific SL4xx rules may), so
a new tool is supported by every rule once its dialect says what it does, and a fact about a tool is
changed in one place.

Adding a format: write the reader (see sweeplint/formats/__init__.py), then a `<tool>_dialect.py`
defining `DIALECT` (and `SWEEPERS`, a dict of format name to dialect, when one tool has several
variants, as Hydra's sweepers do), and register the module in `_MODULES` below. Start from the
neutral defaults of `Dialect` and override only what the tool decides; every default says "we do
not know", so a rule stays quiet or speaks generally rather than wrongly.

Adding a rule: when the rule needs a fact about a tool, add an attribute (or a method, when the
answer depends on the study) here with a neutral default, set it in the tools' dialect modules,
and name it for what the tool does (`rejects_equal_bounds`), not for the rule that asks.
"""

from __future__ import annotations

import importlib
import math

from sweeplint.records import record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


@record(frozen=True)
class Dialect:
    """What one tool decides. Every default is neutral: "the tool" and "we do not know"."""

    format: str                                   # the Study.format it answers for
    tool: str = "the tool"                        # the tool's name in messages: "W&B", "Katib"

    # --- reading the file ---------------------------------------------------------------------
    # Who loads a YAML 1.1 file, in messages about what the loader makes of a scalar.
    yaml_loader: str = "the tool's YAML 1.1 loader (PyYAML)"
    # The tool loads only the first document of a multi-document YAML file.
    reads_single_document: bool = False
    # The tool checks the config against a schema before it runs anything, and says so.
    validates_schema: bool = False

    # --- search spaces --------------------------------------------------------------------------
    # `min == max` is an error for the tool, not merely a degenerate space.
    rejects_equal_bounds: bool = False
    # How q / step applies: "multiple" (round(x / q) * q, can leave [low, high]), "offset" (low + k * step,
    # never reaches high when the width is not a whole number of steps), or None (not judged: the tool
    # narrows or clips, or we do not know).
    step_semantics: str | None = None
    # Distributions whose bounds are exponents sampled negated: base^-max .. base^-min (W&B's
    # inv_log_uniform); other exponent bounds sample base^min .. base^max.
    negated_exponent_distributions: tuple[str, ...] = ()
    # The tool's grid search enumerates numeric ranges itself (sampling or counting points).
    grid_enumerates_ranges: bool = False
    # What the tool's grid does with a continuous range, in a message.
    grid_refuses_range: str = "a grid cannot enumerate it, so the search is rejected or never ends"
    # The tool can make a parameter depend on another's value (conditional search spaces).
    has_conditional_parameters: bool = True
    # How the tool's search spaces are called, for "... have no conditional parameters".
    search_spaces: str = "search spaces"

    # --- how the tool spells a fix --------------------------------------------------------------
    log_scale_spelling: str = "a log-uniform distribution"
    # Integers over low .. high (both included); {low}, {high} and {above} (= high + 1) are filled in.
    int_range_spelling: str = "an integer distribution over the same bounds"
    # A constant; {name} and {value} are filled in. None: no spelling worth showing.
    constant_spelling: str | None = None
    # A range whose upper bound is excluded; {low}, {high}, {distribution}. None: say "raise the bound".
    exclusive_range_spelling: str | None = None
    # A float range in place of integer bounds; {low} and {high} are the bounds as written.
    float_range_spelling: str = "write the bounds as floats ({low}.0, {high}.0)"
    # The float distributions to use instead of an integer one.
    float_distributions: str = "a float distribution"
    # How a fix (sweeplint.fixes.log_scale_fix) puts a linear range on a log scale, in the file's
    # own text; all empty: no mechanical fix. Linear distribution names and their log twins; the
    # key and value to add to a range that names no distribution; the function wrapped around a
    # range (prefix, suffix); a keyword argument added to the call that suggests it (call, keyword).
    log_scale_names: tuple[tuple[str, str], ...] = ()
    log_scale_key: tuple[str, str] | None = None
    log_scale_wrapper: tuple[str, str] | None = None
    log_scale_keyword: tuple[str, str] | None = None

    # --- objective and budget -------------------------------------------------------------------
    # Which logging calls (codefacts Metric.api values) feed the tool's objective; None: not checked.
    objective_apis: tuple[str, ...] | None = None
    # The objective is what the task function returns, by the `optimized_metric` convention (Hydra).
    objective_is_task_return: bool = False
    # A trial that takes its parameters from the tool must report a final result through its API (NNI).
    requires_final_result_report: bool = False
    # A bare search space's trial program is named by the experiment config beside it (NNI).
    trial_named_by_experiment_config: bool = False
    # The objective reaches the search only through a run the program starts (W&B's wandb.init).
    objective_needs_a_run: bool = False
    # The goal the tool assumes when the config gives none, in a message.
    default_goal: str = "the default goal"
    # The key that sets the goal beside the metric's name, and its values that maximize and minimize
    # (for a fix adding a missing goal); None: the goal is not set that way.
    goal_setting: tuple[str, str, str] | None = None
    # How the tool spells ranking a trial by the last value its metric reported (a reduction of the
    # objective, Objective.reduction), as opposed to its best.
    last_value_reductions: tuple[str, ...] = ()
    # The tool ranks a run by the run's summary value of the metric, which is the last logged value
    # unless the program sets it (W&B: `define_metric(name, summary="min")` or writing the summary).
    ranks_by_run_summary: bool = False
    # The config key that caps the number of trials of an open-ended search; None: the tool needs none.
    budget_key: str | None = None
    # Where users usually cap the trials instead of the config (e.g. an agent's --count).
    budget_set_outside: str | None = None

    # --- how a trial gets its parameters --------------------------------------------------------
    # How trials read their hyperparameters: "*" (any way the code facts follow), a code-facts root
    # (only through the tool's own API, e.g. "nni"), or None (not checked).
    parameter_reads: str | None = None
    # Hyperparameters the tool itself reads, whatever the program does.
    parameters_read_by_tool: tuple[str, ...] = ()
    # The tool starts the program with a command line built from `${args}`-style macros (W&B).
    passes_arguments_by_command: bool = False
    # The code-facts root of the run config the tool hands each run, which the program may read and
    # overwrite (wandb.config); None when there is none.
    run_config_root: str | None = None
    # Swept names may select config groups that the tool composes (Hydra), not keys the code reads.
    composes_config_groups: bool = False
    # The code-facts root of the config each trial receives when that config holds exactly the
    # search space (its constants included), so a literal key read from it that no space entry
    # defines raises KeyError in every trial that reaches the read (SL218); None: not judged.
    trial_config_root: str | None = None
    # The methods under which it holds (empty: any); a searcher given a space of its own is not read.
    trial_config_methods: tuple[str, ...] = ()

    # --- Optuna underneath ------------------------------------------------------------------------
    # Categorical choices end up in Optuna's storage (Optuna itself, its Hydra sweeper).
    optuna_backed: bool = False
    # The search space is built by calls made while a trial runs (Optuna's suggest_* API).
    builds_space_in_trials: bool = False
    # A search algorithm that hands the space to Optuna (Ray's OptunaSearch): with it, both hold.
    optuna_search_algorithm: str | None = None
    # Random trials a model-based method runs before its model, when the config does not say:
    # (method name as the config spells it, the setting that would say, the default count).
    default_startup_trials: tuple[tuple[str, str, int], ...] = ()

    def startup_default(self, method_name: str) -> tuple[str, int] | None:
        return next(((key, count) for name, key, count in self.default_startup_trials if name == method_name), None)

    def stores_choices_in_optuna(self, study: Any) -> bool:
        return self.optuna_backed or self._searches_with_optuna(study)

    def define_by_run(self, study: Any) -> bool:
        return self.builds_space_in_trials or self._searches_with_optuna(study)

    def _searches_with_optuna(self, study: Any) -> bool:
        method = study.method
        return self.optuna_search_algorithm is not None and method is not None and method.name == self.optuna_search_algorithm

    # --- what a parameter really samples ---------------------------------------------------------

    def sampled_range(self, p: Any) -> tuple[float, float] | None:
        """The lowest and highest value a bounded parameter really takes: its bounds, or, when the
        bounds are exponents of a base (Parameter.exponent_bounds), the powers they stand for.
        None when a bound is not a number or the power overflows."""
        from sweeplint.model import number

        low, high = number(p.low) if p.low is not None else None, number(p.high) if p.high is not None else None
        if low is None or high is None:
            return None
        if not p.exponent_bounds:
            return (low, high)
        base = p.base or math.e
        try:
            if p.distribution in self.negated_exponent_distributions:
                return (base ** -high, base ** -low)
            return (base ** low, base ** high)
        except (OverflowError, ZeroDivisionError):
            return None

    # --- spelling helpers -------------------------------------------------------------------------

    def spell_int_range(self, low: str, high: str, above: str) -> str:
        return self.int_range_spelling.format(low=low, high=high, above=above)

    def spell_constant(self, name: str, value: str) -> str | None:
        return self.constant_spelling.format(name=name, value=value) if self.constant_spelling else None

    def spell_exclusive_range(self, low: str, high: str, distribution: str | None) -> str | None:
        if self.exclusive_range_spelling is None:
            return None
        return self.exclusive_range_spelling.format(low=low, high=high, distribution=distribution)

    def spell_float_range(self, low: str, high: str) -> str:
        return self.float_range_spelling.format(low=low, high=high)


# The module holding each tool's dialect, by the first part of its format names ("hydra-optuna" -> hydra).
_MODULES = {
    "wandb": "sweeplint.formats.wandb_dialect",
    "hydra": "sweeplint.formats.hydra_dialect",
    "optuna": "sweeplint.formats.optuna_dialect",
    "ray": "sweeplint.formats.ray_dialect",
    "katib": "sweeplint.formats.katib_dialect",
    "determined": "sweeplint.formats.determined_dialect",
    "nni": "sweeplint.formats.nni_dialect",
}

_FOUND: dict[str, Dialect] = {}


def dialect_for(format_name: str | None) -> Dialect:
    """The dialect of a format name; a format no dialect knows gets the neutral defaults."""
    name = format_name or ""
    found = _FOUND.get(name)
    if found is None:
        found = _load(name)
        _FOUND[name] = found
    return found


def dialect_of(study: Any) -> Dialect:
    """The dialect of the tool that runs a study."""
    return dialect_for(study.format)


def is_known(format_name: str) -> bool:
    """Whether a tool's dialect module answers for this format (not just the neutral defaults)."""
    return format_name.split("-", 1)[0] in _MODULES


def _load(name: str) -> Dialect:
    module_name = _MODULES.get(name.split("-", 1)[0])
    if module_name is None:
        return Dialect(format=name)
    module = importlib.import_module(module_name)
    sweepers: dict[str, Dialect] = getattr(module, "SWEEPERS", {})
    return sweepers.get(name, module.DIALECT)
