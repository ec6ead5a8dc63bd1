"""The one trivial Fixit rule the benchmark runs (`fixit --rules bench_fixit_rule lint`): Fixit's own
cost of parsing and walking each file, with almost no rule work."""

from __future__ import annotations

import libcst as cst
from fixit import LintRule


class NoBreakpoint(LintRule):
    """Flags calls to breakpoint() (the generated scripts have none)."""

    VALID = ["print(1)"]
    INVALID = ["breakpoint()"]

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "breakpoint":
            self.report(node, "breakpoint() left in the code")
