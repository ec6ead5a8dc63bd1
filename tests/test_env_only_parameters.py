"""SL201 for a Katib parameter handed to the trial only as an environment variable."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

EXPERIMENT = """
    apiVersion: kubeflow.org/v1beta1
    kind: Experiment
    metadata:
      name: tune
    spec:
      objective:
        type: maximize
        objectiveMetricName: accuracy
      algorithm:
        algorithmName: random
      maxTrialCount: 12
      parameters:
        - name: lr
          parameterType: double
          feasibleSpace: {{min: "0.0001", max: "0.01"}}
      trialTemplate:
        primaryContainerName: training
        trialParameters:
          - name: learningRate
            reference: lr
        trialSpec:
          apiVersion: batch/v1
          kind: Job
          spec:
            template:
              spec:
                containers:
                  - name: training
                    image: trainer:latest
                    command: ["python", "/app/train.py"{extra}]
                    env:
                      - name: LEARNING_RATE
                        value: "${{trialParameters.learningRate}}"
                restartPolicy: Never
"""
TRAIN = """
    import os

    epochs = int(os.environ.get("EPOCHS", "5"))
    model = build()
    history = model.fit(x, y, epochs=epochs{read})
    print(f"accuracy={history['accuracy'][-1]}")
"""


def lint(write, extra: str = "", read: str = "", program: str = TRAIN):
    folder = write({"katib.yaml": textwrap.dedent(EXPERIMENT.format(extra=extra)).lstrip("\n"),
                    "app/train.py": textwrap.dedent(program.replace("{read}", read)).lstrip("\n"),
                    "Dockerfile": "FROM python:3.11\nCOPY app/ /app/\nCMD [\"python\", \"/app/train.py\"]\n"})
    return [d for d in lint_paths([str(folder / "katib.yaml")], Settings(root=folder)).diagnostics if d.code == "SL201"]


def test_a_parameter_handed_over_as_a_variable_the_program_never_reads(write):
    found = lint(write)
    assert [(d.span.line, d.span.column) for d in found] == [(33, 28)]
    assert found[0].message == ("the trial template hands lr to the trial only as the environment variable LEARNING_RATE, "
                                "which the program (app/train.py) never reads")


def test_silent_when_the_program_reads_it_or_gets_it_otherwise(write):
    assert lint(write, read=', lr=float(os.getenv("LEARNING_RATE"))') == []
    assert lint(write, extra=', "--lr=${trialParameters.learningRate}"') == []
    # the whole environment handed on: any variable may be read
    assert lint(write, read=", env=dict(os.environ)") == []


def test_silent_when_the_command_or_a_launch_script_expands_the_variable(write):
    assert lint(write, extra=', "--lr=$(LEARNING_RATE)"') == []
    write({"run.sh": "python /app/train.py --lr \"$LEARNING_RATE\"\n"})
    assert lint(write) == []  # the same experiment, with the script beside it
