"""Config-side recall classes seen on real repositories: a misplaced Katib collector kind (SL002),
a range mostly below any useful value (SL110), budgets linked from a config file (SL309), one
learning rate shared by optimizers with different ranges (SL303), a config key no space defines (SL218)."""

from __future__ import annotations

from lintkit import codes, lint_tree

KATIB = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: demo}
spec:
  objective: {type: maximize, objectiveMetricName: accuracy}
  algorithm: {algorithmName: random}
  maxTrialCount: 12
  metricsCollectorSpec:
{collector}
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {min: "0.001", max: "0.01", distribution: logUniform}
  trialTemplate:
    primaryContainerName: main
    trialParameters:
      - {name: lr, reference: lr}
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: train:latest
                command: [python, train.py, "--lr=${trialParameters.lr}"]
"""


def katib(collector: str) -> str:
    return KATIB.replace("{collector}\n", collector)


def test_a_collector_kind_written_directly_under_metrics_collector_spec_is_reported(tmp_path):
    text = katib("    kind: StdOut\n")
    [(_, line, col, msg)] = codes(lint_tree(tmp_path, {"experiment.yaml": text}), "SL002")
    assert (line, col) == (9, 5)
    assert msg.startswith("the collector kind belongs under spec.metricsCollectorSpec.collector, not directly in "
                          "spec.metricsCollectorSpec\n= help: ")
    assert "write `collector: {kind: StdOut}`" in msg


def test_unknown_keys_and_kinds_inside_the_collector_are_reported(tmp_path):
    text = katib("    collector:\n      kind: Stdout\n    source:\n      fileSystemPath: {path: /m.log, knd: File}\n")
    found = codes(lint_tree(tmp_path, {"experiment.yaml": text}), "SL002")
    assert [(line, col, msg.split("\n")[0]) for _, line, col, msg in found] == [
        (10, 13, "unknown value 'Stdout' in spec.metricsCollectorSpec.collector.kind (did you mean 'StdOut'?)"),
        (12, 38, "unknown key 'knd' in spec.metricsCollectorSpec.source.fileSystemPath (did you mean 'kind'?)"),
    ]


def test_a_well_formed_collector_is_quiet(tmp_path):
    text = katib("    source:\n      filter: {metricsFormat: ['(\\\\w+)=(\\\\d+)']}\n"
                 "      fileSystemPath: {path: /m.log, kind: File, format: TEXT}\n"
                 "    collector: {kind: File}\n")
    assert codes(lint_tree(tmp_path, {"experiment.yaml": text}), "SL002") == []


def test_a_log_range_mostly_below_any_useful_weight_decay_is_reported(tmp_path):
    sweep = ("method: random\nrun_cap: 40\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
             "  weight_decay: {distribution: log_uniform_values, min: 1e-12, max: 1e-1}\n"
             "  lr: {distribution: log_uniform_values, min: 1e-10, max: 1e-3}\n")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL110")
    assert [(line, col, msg.split("\n")[0]) for _, line, col, msg in found] == [
        (5, 57, "55% of weight_decay's log range (1e-12 .. 1e-1) lies below 1e-6, where a weight decay has no effect"),
        (6, 47, "57% of lr's log range (1e-10 .. 1e-3) lies below 1e-6, where a learning rate has no effect"),
    ]


def test_a_log_range_with_half_or_less_below_the_useful_floor_is_quiet(tmp_path):
    sweep = ("method: random\nrun_cap: 40\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
             "  weight_decay: {distribution: log_uniform_values, min: 1e-10, max: 1e-2}\n"
             "  dropout: {distribution: log_uniform_values, min: 1e-12, max: 1e-1}\n"
             "  lr: {min: 1e-12, max: 1e-1}\n")
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL110") == []


RAY_TUNER = '''\
from ray import tune
from trainer import train_func


def main():
    config = {
        "lr": tune.loguniform(1e-5, 1e-2),
        "optimizer": tune.choice(["adam", "sgd"]),
        "dropout": tune.choice([0.1, 0.3]),
        "width": tune.choice([64, 128]),
        "depth": tune.choice([2, 4]),
        "n_samples": 6,
    }
    tuner = tune.Tuner(
        train_func,
        tune_config=tune.TuneConfig(metric="val_loss", mode="min", num_samples=config["n_samples"]),
        param_space=config,
    )
    tuner.fit()
'''

RAY_TRAINER = '''\
from ray import train
from models.net import Model


def train_func(config):
    model = Model(config)
    train.report({"val_loss": model.fit()})
'''


def test_a_ray_budget_read_from_the_param_space_is_the_budget(tmp_path):
    found = codes(lint_tree(tmp_path, {"tune_main.py": RAY_TUNER, "trainer.py": RAY_TRAINER}, "tune_main.py"), "SL309")
    [(_, line, col, msg)] = found
    assert (line, col) == (12, 22)
    assert msg.startswith("6 trials for 5 searched dimensions (1.2 per dimension) are too few")


def test_a_config_handed_whole_to_code_we_cannot_follow_may_read_the_optimizer(tmp_path):
    # the trainable hands its config to a model module that is not in the project: the optimizer
    # may well be read there, so one learning rate shared by adam and sgd is still reported
    found = codes(lint_tree(tmp_path, {"tune_main.py": RAY_TUNER, "trainer.py": RAY_TRAINER}, "tune_main.py"), "SL303")
    assert [(line, col, msg.split("\n")[0]) for _, line, col, msg in found] == [
        (7, 9, "lr is one search range shared by optimizer=adam and optimizer=sgd")]
