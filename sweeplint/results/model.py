"""What a finished sweep left behind, whatever tool ran it: trials with their parameters, values
and per-step histories, and the searched parameters in the common model (sweeplint.model).

Readers (one module per tool) produce a `ResultSet`; the SL5xx rules read only these objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sweeplint.model import Parameter, Span

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# Bounds on what one read may hold, so a huge or hostile file cannot exhaust memory or time.
MAX_TRIALS = 200_000
MAX_HISTORY = 10_000          # points kept per trial (evenly thinned beyond this)
MAX_FILE_BYTES = 512 * 1024 * 1024


class State:
    COMPLETE = "complete"
    FAILED = "failed"
    PRUNED = "pruned"        # stopped on purpose by an early-stopping rule: not a failure
    RUNNING = "running"


@dataclass(frozen=True, slots=True)
class Trial:
    """One trial: `label` is how the tool names it (`#12` for an Optuna trial number, a run id)."""

    label: str
    params: dict[str, Any]
    value: float | None          # the objective the tool ranked by; None when missing
    state: str = State.COMPLETE
    history: tuple[tuple[int, float], ...] = ()   # (step, objective) pairs in step order
    where: str | None = None     # the file or folder holding this trial, for messages

    @property
    def infeasible(self) -> bool:
        """Failed, or finished with a value that is not a number (diverged)."""
        if self.state == State.FAILED:
            return True
        return self.state == State.COMPLETE and (self.value is None or not math.isfinite(self.value))

    @property
    def usable(self) -> bool:
        return self.state == State.COMPLETE and self.value is not None and math.isfinite(self.value)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A file that could not be read, or a part of it that was skipped, and where."""

    path: str
    span: Span
    message: str


@dataclass
class ResultSet:
    """One study's results as read from `path` by the reader for `source`."""

    path: str
    source: str                                  # "optuna-sqlite", "optuna-journal", "ray", "wandb-runs", "wandb-csv", "nni-sqlite"
    name: str = ""
    goal: str | None = None                      # "minimize" or "maximize"; None when unknown
    metric: str | None = None
    parameters: tuple[Parameter, ...] = ()       # searched parameters, from the storage (spans point nowhere)
    trials: list[Trial] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)

    def better(self, a: float, b: float) -> bool:
        return a > b if self.goal == "maximize" else a < b

    def ranked(self) -> list[Trial]:
        """Usable trials, best first."""
        usable = [t for t in self.trials if t.usable]
        return sorted(usable, key=lambda t: -t.value if self.goal == "maximize" else t.value)


def finite(value: Any) -> float | None:
    """A float from a stored number or numeric text; None for anything else (NaN stays NaN)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def thin(history: list[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    """Keep at most MAX_HISTORY points, evenly spread, always the first and last."""
    history.sort(key=lambda p: p[0])
    if len(history) <= MAX_HISTORY:
        return tuple(history)
    stride = len(history) / MAX_HISTORY
    kept = [history[int(i * stride)] for i in range(MAX_HISTORY - 1)] + [history[-1]]
    return tuple(kept)
