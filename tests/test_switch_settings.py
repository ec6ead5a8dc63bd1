"""SL304 for the settings of a searched on/off switch."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def lint(write, files: dict[str, str]):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return [d for d in lint_paths([str(folder / "sweep.yaml")], Settings(root=folder)).diagnostics if d.code == "SL304"]


SWEEP = """
    {program}method: bayes
    metric: {{name: val_loss, goal: minimize}}
    parameters:
      smoothing:
        values: [true, false]
      smoothing_eps:
        values: [0.05, 0.1, 0.2]
      lr:
        values: [0.01, 0.001]
"""
TRAIN = """
    import wandb

    run = wandb.init()
    config = wandb.config
    loss = fit(lr=config.lr)
    if config.smoothing:
        loss = smooth(loss, config.smoothing_eps)
    wandb.log({"val_loss": loss})
"""


def test_a_setting_read_only_when_its_switch_is_on(write):
    found = lint(write, {"sweep.yaml": SWEEP.format(program="program: train.py\n    "), "train.py": TRAIN})
    assert [(d.span.line, d.span.column) for d in found] == [(7, 3)]
    assert found[0].message == ("smoothing_eps is searched for every value of smoothing, but the program reads it only "
                                "when smoothing is on (train.py:7)")
    assert found[0].help.startswith("In trials with smoothing=False it has no effect")


def test_without_a_program_the_name_tells(write):
    found = lint(write, {"sweep.yaml": SWEEP.format(program="")})
    assert [(d.span.line, d.span.column) for d in found] == [(6, 3)]
    assert "its name marks it as a setting of the switch smoothing" in found[0].message


def test_silent_when_the_program_reads_the_setting_whatever_the_switch(write):
    train = TRAIN.replace("loss = fit(lr=config.lr)", "loss = fit(lr=config.lr, eps=config.smoothing_eps)")
    assert lint(write, {"sweep.yaml": SWEEP.format(program="program: train.py\n    "), "train.py": train}) == []
    # a switch spelt as strings is no boolean, and an unrelated name is no setting
    strings = SWEEP.format(program="").replace("[true, false]", "['on', 'off']")
    assert lint(write, {"sweep.yaml": strings}) == []
    unrelated = SWEEP.format(program="").replace("smoothing_eps", "eps")
    assert lint(write, {"sweep.yaml": unrelated}) == []
