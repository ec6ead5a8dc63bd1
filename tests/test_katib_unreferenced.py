"""SL405: a Katib parameter no trialParameters entry references never reaches the trial."""

from __future__ import annotations

from lintkit import codes, lint_tree
from test_katib import EXPERIMENT as FULL

# The full experiment without the trial parameter that hands `noise` to the trial.
UNREFERENCED = FULL.replace("      - name: noise\n        reference: noise\n", "").replace(
    "                  - --noise=${trialParameters.noise}\n", "")


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_a_parameter_no_trial_parameter_references_is_an_error(tmp_path):
    assert UNREFERENCED != FULL
    [(_, line, col, msg)] = codes(lint_tree(tmp_path, {"experiment.yaml": UNREFERENCED}), "SL405")
    assert (line, col) == (line_of(UNREFERENCED, "    - name: noise"), 13)
    assert msg.startswith("parameter 'noise' is in spec.parameters, but no trialTemplate.trialParameters entry "
                          "references it\n= help: The values Katib suggests never reach the trial")


def test_a_misspelt_reference_is_reported_alone(tmp_path):
    text = FULL.replace("        reference: noise\n", "        reference: nosie\n")
    found = codes(lint_tree(tmp_path, {"experiment.yaml": text}), "SL405")
    assert [(line, "references 'nosie'" in msg) for _, line, _, msg in found] == [
        (line_of(text, "        reference: nosie"), True)]


def test_quiet_when_every_parameter_is_referenced(tmp_path):
    assert codes(lint_tree(tmp_path, {"experiment.yaml": FULL}), "SL405") == []
