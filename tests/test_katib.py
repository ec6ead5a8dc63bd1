"""The Katib reader: Experiments (v1beta1 and older), string numbers, trial template, and the rules on it."""

from __future__ import annotations

import textwrap

import pytest

from conftest import CORPUS, corpus_or_skip, lint_json
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file
from sweeplint.model import MethodKind, Space, Span
from sweeplint.read import read_config
from sweeplint.rules import by_code
from sweeplint.settings import Settings
from lintkit import shown

EXPERIMENT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
data:
  key: value
---
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: resnet-tpe
spec:
  objective:
    type: maximize
    goal: 0.99
    objectiveMetricName: Validation-accuracy
    additionalMetricNames: [Train-accuracy]
  algorithm:
    algorithmName: tpe
    algorithmSettings:
      - name: n_startup_trials
        value: "5"
  earlyStopping:
    algorithmName: medianstop
    algorithmSettings:
      - name: min_trials_required
        value: "3"
  parallelTrialCount: 3
  maxTrialCount: 30
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "1e-5"
        max: "1e-1"
        distribution: logUniform
    - name: momentum
      parameterType: double
      feasibleSpace:
        min: "0.5"
        max: "0.99"
    - name: num-layers
      parameterType: int
      feasibleSpace:
        min: "2"
        max: "8"
        step: "2"
    - name: batch-size
      parameterType: discrete
      feasibleSpace:
        list: ["32", "64", "128"]
    - name: optimizer
      parameterType: categorical
      feasibleSpace:
        list: [sgd, adam]
    - name: noise
      parameterType: double
      feasibleSpace:
        min: "0"
        max: "1"
        distribution: normal
  trialTemplate:
    primaryContainerName: training-container
    trialParameters:
      - name: learningRate
        description: Learning rate
        reference: lr
      - name: momentum
        reference: momentum
      - name: numLayers
        reference: num-layers
      - name: batchSize
        reference: batch-size
      - name: optimizer
        reference: optimizer
      - name: noise
        reference: noise
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: sidecar
                image: busybox
                command: [sleep, "10"]
              - name: training-container
                image: example.com/resnet:1.0
                command:
                  - python3
                  - train.py
                args:
                  - "--lr=${trialParameters.learningRate} --momentum=${trialParameters.momentum}"
                  - --num-layers=${trialParameters.numLayers}
                  - --batch-size=${trialParameters.batchSize}
                  - --optimizer=${trialParameters.optimizer}
                  - --noise=${trialParameters.noise}
            restartPolicy: Never
"""


def read(text: str, path: str = "experiment.yaml"):
    return read_config(path, textwrap.dedent(text), True)


def findings(text: str, code: str) -> list[str]:
    file = read(text)
    settings = Settings()
    diagnostics = check_file(file, [by_code()[code]], settings, lambda: load_knowledge(settings))
    assert not any(d.code == "SL999" for d in diagnostics), diagnostics
    return [f"{d.span.line}:{d.span.column} {shown(d)}" for d in diagnostics if d.code == code]


def experiment(parameters: str, algorithm: str = "random", template: str = "") -> str:
    """A minimal Experiment around a `parameters:` block (indented for `spec:`)."""
    return (
        "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: x\nspec:\n"
        "  objective:\n    type: minimize\n    objectiveMetricName: loss\n"
        f"  algorithm:\n    algorithmName: {algorithm}\n  maxTrialCount: 12\n  parameters:\n"
        + textwrap.indent(textwrap.dedent(parameters), "    ")
        + template
    )


def test_experiment_in_a_multi_document_file():
    file = read(EXPERIMENT)
    assert file.format == "katib"
    [study] = file.studies                      # the ConfigMap is not a sweep
    assert (study.format, study.loader, study.name) == ("katib", "katib", "resnet-tpe")
    assert study.method.name == "tpe" and study.method.kind is MethodKind.MODEL_BASED
    assert study.method.span == Span(19, 20, 19, 23)
    assert study.method.get("n_startup_trials").value == 5        # "5" parsed
    assert study.objective.name.value == "Validation-accuracy"
    assert study.objective.goal == "maximize" and study.objective.goal_span == Span(14, 11, 14, 19)
    assert study.budget.value == 30 and study.budget.span == Span(29, 18, 29, 20)
    assert study.early_stopping.kind == "medianstop"
    assert study.early_stopping.get("min_trials_required").value == 3
    assert study.problems == () and study.unknown_keys == ()


def test_parameter_types_and_string_numbers():
    study = read(EXPERIMENT).studies[0]
    lr = study.parameter("lr")
    assert (lr.space, lr.log, lr.distribution) == (Space.UNIFORM, True, "logUniform")
    assert (lr.low.value, lr.high.value) == (1e-5, 0.1)
    assert lr.low.text == "1e-5" and lr.low.span == Span(34, 14, 34, 20)     # the quoted string
    assert lr.key_span == Span(31, 13, 31, 15)
    momentum = study.parameter("momentum")
    assert (momentum.space, momentum.log, momentum.distribution) == (Space.UNIFORM, False, "double")
    layers = study.parameter("num-layers")
    assert (layers.space, layers.integer, layers.low.value, layers.high.value, layers.q.value) == (Space.INT, True, 2, 8, 2)
    batch = study.parameter("batch-size")
    assert batch.space is Space.CATEGORICAL and [v.value for v in batch.values] == [32, 64, 128]
    assert batch.values[0].span == Span(51, 16, 51, 20)
    optimizer = study.parameter("optimizer")
    assert [v.value for v in optimizer.values] == ["sgd", "adam"]
    noise = study.parameter("noise")
    assert noise.space is Space.NORMAL and (noise.low.value, noise.high.value) == (0, 1)


def test_trial_command_of_the_primary_container():
    study = read(EXPERIMENT).studies[0]
    words = [w.value for w in study.command]
    assert words[:4] == ["python3", "train.py", "--lr=${trialParameters.learningRate}", "--momentum=${trialParameters.momentum}"]
    # the two words of one quoted argument get their own columns
    assert study.command[2].span == Span(94, 22, 94, 58)
    assert study.command[3].span == Span(94, 59, 94, 97)


def test_older_api_versions_and_non_experiments():
    old = experiment("- name: x1\n  parameterType: int\n  feasibleSpace: {min: \"-15\", max: \"15\", step: \"2\"}\n")
    old = old.replace("kubeflow.org/v1beta1", "kubeflow.org/v1alpha3")
    [study] = read(old).studies
    assert study.parameter("x1").low.value == -15
    deployment = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n"
    assert read(deployment, "deploy.yaml").format is None
    other_experiment = "apiVersion: example.com/v1\nkind: Experiment\nspec:\n  parameters: []\n  objective: {}\n"
    assert read(other_experiment).format is None


def test_strings_are_never_sl005_but_bad_numbers_are_reported():
    assert findings(EXPERIMENT, "SL005") == []
    bad = experiment("- name: lr\n  parameterType: double\n  feasibleSpace: {min: \"0.0o1\", max: \"0.1\"}\n")
    assert findings(bad, "SL003") == ["15:28 feasibleSpace.min of parameter 'lr' is '0.0o1', which Katib cannot convert to a number"]


def test_invalid_bounds_on_string_values():
    bad = experiment("- name: dropout\n  parameterType: double\n  feasibleSpace: {min: \"0.5\", max: \"0.1\"}\n")
    [message] = findings(bad, "SL004")
    assert message.startswith("15:28 dropout: the lower bound 0.5 is greater than the upper bound 0.1")


def test_linear_learning_rate_and_grid_without_step():
    linear = experiment("- name: learning_rate\n  parameterType: double\n  feasibleSpace: {min: \"0.0001\", max: \"0.1\"}\n")
    [message] = findings(linear, "SL101")
    assert message.startswith("15:28 learning_rate (learning rate) is searched on a linear scale")
    assert "feasibleSpace.distribution: logUniform" in message
    grid = experiment("- name: dropout\n  parameterType: double\n  feasibleSpace: {min: \"0.1\", max: \"0.5\"}\n", algorithm="grid")
    assert [m.split(" ", 1)[0] for m in findings(grid, "SL104")] == ["14:22"]   # at `parameterType: double`
    stepped = grid.replace('max: "0.5"}', 'max: "0.5", step: "0.1"}')
    assert findings(stepped, "SL104") == []


TEMPLATE = """\
  trialTemplate:
    primaryContainerName: main
    trialParameters:
      - name: learningRate
        reference: learning_rate
      - name: unused
        reference: lr
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: example.com/train
                command: [python3, train.py, "--lr=${trialParameters.learningRate}", "--wd=${trialParameters.wd}"]
"""


def test_reference_mismatches():
    text = experiment("- name: lr\n  parameterType: double\n  feasibleSpace: {min: \"0.001\", max: \"0.1\"}\n", template=TEMPLATE)
    got = findings(text, "SL405")
    assert got == [
        "20:20 trial parameter 'learningRate' references 'learning_rate', which is not a parameter in spec.parameters"
        "\n= help: Katib rejects the Experiment. spec.parameters has lr.",
        "21:15 trial parameter 'unused' is never used as ${trialParameters.unused} in the trial spec"
        "\n= help: Its value never reaches the trial (Katib rejects such an Experiment). Pass it in the container's "
        "command or args.",
        "32:86 ${trialParameters.wd} is used in the trial spec but no trialParameters entry is named 'wd'"
        "\n= help: Katib rejects the Experiment. Declare it with a reference to a parameter.",
    ]


def test_parameter_type_and_feasible_space_mismatches():
    double_list = experiment("- name: dropout\n  parameterType: double\n  feasibleSpace:\n    list: [\"0.1\", \"0.5\"]\n")
    [message] = findings(double_list, "SL405")
    assert message.startswith("16:9 parameter 'dropout' is double, which takes feasibleSpace min/max")
    categorical_range = experiment("- name: act\n  parameterType: categorical\n  feasibleSpace:\n    min: \"1\"\n    max: \"3\"\n")
    got = findings(categorical_range, "SL405")
    assert [m.split(" ", 1)[0] for m in got] == ["16:9", "17:9"]
    assert "categorical, which takes only feasibleSpace.list, not min" in got[0]
    typo = experiment("- name: act\n  parameterType: categorcal\n  feasibleSpace:\n    list: [a, b]\n")
    assert findings(typo, "SL003") == [
        "14:22 parameter 'act': parameterType must be double, int, discrete or categorical, not 'categorcal' (did you mean 'categorical'?)"
    ]


def test_unknown_keys_with_the_closest_valid_key():
    text = experiment("- name: lr\n  parameterType: double\n  feasibleSpace: {min: \"0.001\", max: \"0.1\", distributon: logUniform}\n")
    [message] = findings(text, "SL002")
    assert message.startswith("15:49 unknown key 'distributon' in feasibleSpace of parameter 'lr' (did you mean 'distribution'?)"
                              "\n= help: Expected one of: ")


def test_trial_counts_must_fit_the_budget():
    text = experiment("- name: lr\n  parameterType: double\n  feasibleSpace: {min: \"0.001\", max: \"0.1\"}\n")
    text = text.replace("  maxTrialCount: 12\n", "  maxTrialCount: 12\n  parallelTrialCount: 20\n")
    assert findings(text, "SL003") == ["12:23 parallelTrialCount (20) is larger than maxTrialCount (12)"
                                       "\n= help: Katib rejects the Experiment."]


HYPERBAND = """\
    algorithmSettings:
      - name: resource_name
        value: num-epochs
      - name: r_l
        value: "9"
"""


def test_hyperband_resource_parameter_is_not_searched():
    params = ("- name: lr\n  parameterType: double\n  feasibleSpace: {min: \"0.01\", max: \"0.05\"}\n"
              "- name: num-epochs\n  parameterType: int\n  feasibleSpace: {min: \"1\", max: \"1\"}\n")
    text = experiment(params, algorithm="hyperband").replace("algorithmName: hyperband\n", "algorithmName: hyperband\n" + HYPERBAND)
    [study] = read(text).studies
    assert study.method.kind is MethodKind.BANDIT and study.method.get("r_l").value == 9
    epochs = study.parameter("num-epochs")
    assert epochs.space is Space.CONSTANT and not epochs.varies      # hyperband sets it to each rung's budget
    assert findings(text, "SL105") == []
    wrong = text.replace("value: num-epochs", "value: num_epochs")
    assert findings(wrong, "SL405") == [
        "13:16 hyperband's resource_name 'num_epochs' is not a parameter in spec.parameters (did you mean 'num-epochs'?)"
        "\n= help: Katib rejects the Experiment."
    ]
    bare = experiment(params, algorithm="hyperband")
    assert findings(bare, "SL003") == [
        "10:20 the hyperband algorithm needs the algorithmSettings r_l and resource_name\n= help: Katib rejects the Experiment."
    ]


# --- the real files --------------------------------------------------------------------------

# Official files that really have an error-level problem, and which.
KNOWN_ERRORS = {
    # Katib's own negative e2e case: the algorithm name is invalid on purpose.
    "kubeflow__katib__test__e2e__v1beta1__testdata__invalid-experiment.yaml": {"SL003"},
    # maxFailedTrialCount 3 with maxTrialCount 2, which the webhook rejects (the example still has it upstream)
    "kubeflow__katib__examples__v1beta1__hp-tuning__simple-pbt.yaml": {"SL003"},
}


def test_every_katib_corpus_file_reads_and_official_examples_have_no_errors():
    folder = corpus_or_skip() / "katib"
    _, diagnostics = lint_json("check", str(folder), "--exit-zero", "--no-cache")
    read = {d["path"].rsplit("/", 1)[-1] for d in diagnostics}
    errors: dict[str, set[str]] = {}
    for d in diagnostics:
        name = d["path"].rsplit("/", 1)[-1]
        assert d["code"] != "SL999", d
        if d["severity"] == "error" and name.startswith("kubeflow__"):
            errors.setdefault(name, set()).add(d["code"])
    assert errors == KNOWN_ERRORS
    assert read  # something was reported at all


@pytest.mark.parametrize("name", sorted(p.name for p in (CORPUS / "katib").glob("*.yaml")) if (CORPUS / "katib").is_dir() else [])
def test_each_corpus_file_is_read_as_katib(name):
    path = corpus_or_skip() / "katib" / name
    file = read_config(str(path), path.read_text(encoding="utf-8"), True)
    assert file.format == "katib" and file.studies
    for study in file.studies:
        assert study.objective is not None and study.method is not None


def test_invalid_experiment_names_the_bad_algorithm():
    path = corpus_or_skip() / "katib" / "kubeflow__katib__test__e2e__v1beta1__testdata__invalid-experiment.yaml"
    file = read_config(str(path), path.read_text(encoding="utf-8"), True)
    messages = [d.message for d in check_file(file, [by_code()["SL003"]], Settings())]
    assert any("'invalid-algorithm' is not a Katib suggestion algorithm" in m for m in messages), messages
