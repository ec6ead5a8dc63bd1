from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import IgnoredSetting
from sweeplint.rule import Context, Rule


class HydraConflictingSweeperBlocks(Rule):
    """Sweeper settings the Hydra reader found where the sweeper never reads them."""

    code = "SL402"
    name = "hydra-conflicting-sweeper-blocks"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for setting in ctx.file.ignored_settings:
            yield Finding.split(setting.span, _message(setting))


def _message(setting: IgnoredSetting) -> str:
    key = setting.key
    if setting.place == "launcher":
        return (f"`{key}` is a sweeper setting, but it sits under hydra.launcher, which passes it to the launcher "
                f"and never to the sweeper: the sweep runs without it; move it under hydra.sweeper")
    if setting.place == "global-package":
        return (f"`{key}` is a sweeper setting at the top level of a `# @package _global_` file, so it lands in the "
                f"app's own config and the sweeper never sees it; move it under hydra.sweeper")
    # superseded: the legacy `search_space` next to `params`
    return ("both `search_space` (the legacy API) and `params` are set; the Optuna sweeper uses `params` and ignores "
            "every parameter in `search_space`; move them into `params` (e.g. `lr: tag(log, interval(1e-5, 1e-1))`) "
            "and delete `search_space`")
