"""Hydra's basic sweeper: keys `max_batch_size` and `params`; it enumerates choice and range sweeps
(the cartesian product) and rejects intervals."""

from __future__ import annotations

from sweeplint.model import Method, MethodKind, Span
from sweeplint.yamldoc import YMap

BASIC_KEYS = ("_target_", "defaults", "max_batch_size", "params")


class BasicSweeper:
    """The basic-sweeper part of the Hydra reader (a mixin of hydra.reader._Reader)."""

    def read_basic(self, block: YMap, kind_span: Span) -> tuple:
        self.check_keys(block, BASIC_KEYS, "the basic sweeper (hydra.sweeper)")
        parameters = self.override_parameters(block.get("params"), "basic")
        return parameters, Method("basic", MethodKind.GRID, kind_span), None, None
