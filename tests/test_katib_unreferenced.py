"""SL405: a Katib parameter no trialParameters entry references never reaches the trial."""

from __future__ import annotations

from lintkit import codes, lint_tree

EXPERIMENT = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {{name: demo}}
spec:
  objective: {{type: minimize, objectiveMetricName: loss}}
  algorithm: {{algorithmName: random}}
  maxTrialCount: 12
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {{min: "0.001", max: "0.1"}}
    - name: momentum
      parameterType: double
      feasibleSpace: {{min: "0.5", max: "0.99"}}
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - {{name: learningRate, reference: {ref}}}
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: training
                image: trainer
                command: [python, train.py, "--lr=${{trialParameters.learningRate}}"]
"""


def test_a_parameter_no_trial_parameter_references_is_an_error(tmp_path):
    found = codes(lint_tree(tmp_path, {"experiment.yaml": EXPERIMENT.format(ref="lr")}), "SL405")
    [(_, line, col, msg)] = found
    assert (line, col) == (12, 13)
    assert msg.startswith("parameter 'momentum' is in spec.parameters, but no trialTemplate.trialParameters entry "
                          "references it, so the values Katib suggests never reach the trial")


def test_a_misspelt_reference_is_reported_alone(tmp_path):
    found = codes(lint_tree(tmp_path, {"experiment.yaml": EXPERIMENT.format(ref="lrr")}), "SL405")
    assert [(line, "references 'lrr'" in msg) for _, line, _, msg in found] == [(18, True)]


def test_quiet_when_every_parameter_is_referenced(tmp_path):
    text = EXPERIMENT.format(ref="lr").replace(
        "      - {name: learningRate, reference: lr}\n",
        "      - {name: learningRate, reference: lr}\n      - {name: momentum, reference: momentum}\n",
    ).replace('"--lr=${trialParameters.learningRate}"]',
              '"--lr=${trialParameters.learningRate}", "--momentum=${trialParameters.momentum}"]')
    assert codes(lint_tree(tmp_path, {"experiment.yaml": text}), "SL405") == []
