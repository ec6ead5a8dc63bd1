"""Per-sweep limits: past them, sweeplint reports where it stopped instead of spending minutes.

The file-level bounds live where files are read (source.MAX_FILE_BYTES, yamldoc's depth, node and
entry budgets); these bound what a reader hands the rules, whatever the format.
"""

from __future__ import annotations

from sweeplint.model import Problem, Study
from sweeplint.records import replace

# No sweep is tuned over thousands of hyperparameters; past this many, what the rules do per
# parameter (and per pair a rule looks at) would turn a config into minutes of work.
MAX_PARAMETERS = 1_000


def bounded_study(study: Study, problems: list[Problem]) -> Study:
    """The study cut to its first MAX_PARAMETERS parameters, with a finding where the cut is."""
    if len(study.parameters) <= MAX_PARAMETERS:
        return study
    first_left_out = study.parameters[MAX_PARAMETERS]
    problems.append(Problem(
        "SL001", first_left_out.key_span,
        f"the sweep has more than {MAX_PARAMETERS} parameters; sweeplint checks the first {MAX_PARAMETERS} "
        f"and stops here (it bounds its work per sweep)",
    ))
    return replace(study, parameters=study.parameters[:MAX_PARAMETERS])
