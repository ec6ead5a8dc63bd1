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


RAY_READS = '''\
from ray import tune


def train_func(config):
    config["extra"] = 1
    print(config["extra"], config.get("opt", "adam"))
    if "seed" in config:
        print(config["seed"])
    print(config["lr"], config["task"])
    if config["width"] > 64:
        print(config["depth"])


space = {"lr": tune.loguniform(1e-4, 1e-2), "width": tune.choice([64, 128])}
tuner = tune.Tuner(train_func, param_space=space,
                   tune_config=tune.TuneConfig(metric="loss", mode="min", num_samples=20))
tuner.fit()
'''


def test_a_ray_config_key_no_space_entry_defines_is_reported_where_it_is_read(tmp_path):
    found = [(f, code, line, col, msg) for f, code, line, col, msg in
             lint_tree(tmp_path, {"tune_main.py": RAY_READS}) if code == "SL218"]
    assert [(f, line, col, msg.split("\n")[0]) for f, _, line, col, msg in found] == [
        ("tune_main.py", 9, 25, "the trial's config is read with key 'task', which the search space does not define"),
        ("tune_main.py", 11, 15, "the trial's config is read with key 'depth', which the search space does not define"),
    ]
    assert "raises KeyError in every trial:" in found[0][4]
    assert "raises KeyError in every trial that takes this branch" in found[1][4]


def test_the_severity_follows_whether_every_trial_reaches_the_read(tmp_path):
    from sweeplint.lint import lint_paths
    from sweeplint.settings import Settings

    (tmp_path / "tune_main.py").write_text(RAY_READS, encoding="utf-8")
    result = lint_paths([str(tmp_path / "tune_main.py")], Settings(root=tmp_path, studies=()))
    assert [(d.span.line, str(d.severity)) for d in result.diagnostics if d.code == "SL218"] == [
        (9, "error"), (11, "warning")]


def test_a_searcher_with_its_own_space_is_not_judged(tmp_path):
    text = RAY_READS.replace("tune_config=tune.TuneConfig(", "tune_config=tune.TuneConfig(search_alg=HyperOptSearch(hp_space), ")
    assert codes(lint_tree(tmp_path, {"tune_main.py": text}), "SL218") == []


WANDB_SWEEP = """\
program: train.py
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 1e-4, max: 1e-2}
"""


def test_a_wandb_config_subscript_is_judged_only_when_init_adds_no_defaults(tmp_path):
    train = "import wandb\n\nwandb.init({init})\nwandb.log({{'val_loss': wandb.config['lr'] * wandb.config['depth']}})\n"
    found = codes(lint_tree(tmp_path / "a", {"sweep.yaml": WANDB_SWEEP, "train.py": train.format(init="")}, "sweep.yaml"), "SL218")
    assert [(f, line, col) for f, line, col, _ in found] == [("train.py", 4, 45)]
    for init in ("config={'depth': 3}", "config=defaults"):
        files = {"sweep.yaml": WANDB_SWEEP, "train.py": train.format(init=init)}
        assert codes(lint_tree(tmp_path / init[7:11], files, "sweep.yaml"), "SL218") == []


def test_entries_a_ray_space_gains_through_update_are_part_of_it(tmp_path):
    text = '''\
from ray import tune


def train_func(config):
    tune.report({"loss": config["lr"] * config["d_ff"] * config["heads"]})


def get_config(model):
    config = {"lr": tune.loguniform(1e-4, 1e-2)}
    if model == "attn":
        config.update({"d_ff": tune.choice([64, 128])})
        config.update(heads=tune.choice([4, 8]))
    return config


def main(config):
    tune.run(train_func, config=config, metric="loss", mode="min", num_samples=20)


main(get_config("attn"))
'''
    from sweeplint.read import read_path

    (tmp_path / "tune_main.py").write_text(text, encoding="utf-8")
    [study] = read_path(str(tmp_path / "tune_main.py"), True).studies
    assert [p.name for p in study.parameters] == ["lr", "d_ff", "heads"]
    assert codes(lint_tree(tmp_path, {"tune_main.py": text}), "SL218") == []


OPTUNA_WITH_YAML = '''\
import optuna
import yaml


def load_config():
    with open("settings.yml", "r") as f:
        return yaml.safe_load(f)


def objective(trial):
    config = load_config()
    lr = trial.suggest_float("lr", float(config["space"]["lr"]["min"]), float(config["space"]["lr"]["max"]), log=True)
    name = trial.suggest_categorical("optimizer", config["space"]["optimizer"]["values"])
    width = trial.suggest_int("width", 32, 256, log=True)
    return train(name, lr, width)


if __name__ == "__main__":
    config = load_config()
    study = optuna.create_study(direction="minimize")
    study.optimize(objective, n_trials=config["default"]["num_trials"])
'''

SETTINGS = """\
default:
  num_trials: 10
space:
  lr: {min: 1e-5, max: 1e-3}
  optimizer:
    values: [Adam, SGD]
"""


def test_values_an_optuna_script_reads_from_its_yaml_config_are_known(tmp_path):
    found = lint_tree(tmp_path, {"search.py": OPTUNA_WITH_YAML, "settings.yml": SETTINGS}, "search.py")
    assert [(line, col, msg.split("\n")[0]) for _, line, col, msg in codes(found, "SL303")] == [
        (12, 30, "lr is one search range shared by optimizer=Adam and optimizer=SGD")]
    assert [(line, col, msg.split("\n")[0]) for _, line, col, msg in codes(found, "SL309")] == [
        (21, 40, "10 trials under TPESampler, which starts with 10 random trials by default (n_startup_trials=10)")]


def test_a_yaml_config_that_is_missing_leaves_the_values_unknown(tmp_path):
    found = lint_tree(tmp_path, {"search.py": OPTUNA_WITH_YAML}, "search.py")
    assert codes(found, "SL303") == [] and codes(found, "SL309") == []


def test_a_yaml_config_that_expands_without_bound_is_refused_like_a_sweep_file(tmp_path):
    # Ten levels of nine aliases each expand to 9**10 nodes: the side file is refused under the
    # same alias budget as a sweep file, and the script is read with its values unknown.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefghij", "bcdefghijk"))
    found = lint_tree(tmp_path, {"search.py": OPTUNA_WITH_YAML, "settings.yml": bomb}, "search.py")
    assert codes(found, "SL303") == [] and codes(found, "SL309") == []


def test_subscripts_of_known_containers_evaluate():
    from sweeplint import pyeval
    import libcst as cst

    names = {"cfg": cst.parse_expression("{'a': {'b': [1, 2.5]}}")}
    assert pyeval.evaluate(cst.parse_expression("cfg['a']['b'][1]"), names) == 2.5
    assert not pyeval.is_known(pyeval.evaluate(cst.parse_expression("cfg['x']"), names))
    assert not pyeval.is_known(pyeval.evaluate(cst.parse_expression("cfg['a']['b'][5]"), names))
