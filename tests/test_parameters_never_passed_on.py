"""SL201 for a whole search space whose values the program copies into a dict it never uses."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

CONFIG = """
    experimentName: forecast
    trialConcurrency: 1
    maxTrialNum: 20
    searchSpacePath: search_space.json
    tuner:
      builtinTunerName: TPE
      classArgs:
        optimize_mode: minimize
    trial:
      command: python trial.py
      codeDir: .
"""
SPACE = '{\n  "lr": {"_type": "loguniform", "_value": [0.0001, 0.1]},\n  "units": {"_type": "choice", "_value": [32, 64]}\n}\n'
TRIAL = """
    import logging
    import nni

    LOG = logging.getLogger("trial")


    def defaults():
        return {"lr": 0.01, "units": 32}


    if __name__ == "__main__":
        received = nni.get_next_parameter()
        LOG.debug(received)
        params = defaults()
        params.update(received)
        score = train()
        nni.report_final_result(score)
"""


def lint(write, trial: str, target: str):
    folder = write({"config.yml": textwrap.dedent(CONFIG).lstrip("\n"), "search_space.json": SPACE,
                    "trial.py": textwrap.dedent(trial).lstrip("\n")})
    return [d for d in lint_paths([str(folder / target)], Settings(root=folder)).diagnostics if d.code == "SL201"]


def test_the_tools_parameters_copied_into_a_dict_nothing_uses(write):
    for target in ("search_space.json", "config.yml", "."):
        found = lint(write, TRIAL, target)
        assert [(d.path.rsplit("/", 1)[-1], d.span.line, d.span.column) for d in found] == [("search_space.json", 1, 1)], target
        assert found[0].message == ("no swept value reaches training: the program copies NNI's parameters into params "
                                    "(trial.py:15) and never uses params")


def test_silent_when_the_dict_reaches_the_code(write):
    assert lint(write, TRIAL.replace("score = train()", "score = train(params)"), "search_space.json") == []
    assert lint(write, TRIAL.replace("score = train()", "score = train(**received)"), "search_space.json") == []
