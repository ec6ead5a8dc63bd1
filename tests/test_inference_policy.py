"""The policy for findings that rest on inference, and the noise classes seen on real repositories.

Each test states what a user sees by default, and what `--confidence weak` adds.
"""

from __future__ import annotations

from conftest import lint_json
from lintkit import shown

TUNE_EVERYTHING = """\
method: bayes
run_cap: 80
metric: {name: val_loss, goal: minimize}
parameters:
  num_layers:
    values: [2, 4, 8]
  activation:
    values: [relu, gelu, silu]
  optimizer:
    values: [adam, adamw]
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.01
  weight_decay:
    value: 0.01
"""


def codes(found: list[dict]) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["line"], d["column"]) for d in found)


def test_a_tune_everything_sweep_is_not_told_it_asks_several_questions(write):
    folder = write({"sweep.yaml": TUNE_EVERYTHING})
    code, found = lint_json("sweep.yaml", "--select", "SL3", cwd=folder)
    assert (code, codes(found)) == (0, [])
    # The opinions are there on request, each saying how sure it is and how to declare the question.
    code, found = lint_json("sweep.yaml", "--select", "SL3", "--confidence", "weak", cwd=folder)
    assert code == 1
    by_code = {d["code"]: d for d in found}
    assert set(by_code) >= {"SL301", "SL302"}
    assert all(d["confidence"] == "weak" for d in found if d["code"] in ("SL301", "SL302"))
    assert "`# sweeplint: scientific=" in shown(by_code["SL301"])


def test_the_summary_says_how_many_opinions_were_hidden(write):
    from conftest import run_cli

    proc = run_cli("sweep.yaml", "--select", "SL3", cwd=write({"sweep.yaml": TUNE_EVERYTHING}))
    assert proc.returncode == 0
    assert "resting on weakly inferred roles" in proc.stdout and "--confidence weak shows them" in proc.stdout


def test_declaring_the_question_makes_the_findings_declared(write):
    folder = write({"sweep.yaml": "# sweeplint: scientific=num_layers\n" + TUNE_EVERYTHING})
    code, found = lint_json("sweep.yaml", "--select", "SL302,SL308", cwd=folder)
    assert codes(found) == [("SL302", 16, 3), ("SL308", 2, 9)]
    assert {d["confidence"] for d in found} == {"declared"}


def test_confidence_can_be_set_in_the_project_settings(write):
    folder = write({"sweep.yaml": TUNE_EVERYTHING, "pyproject.toml": '[tool.sweeplint]\nconfidence = "weak"\n'})
    code, found = lint_json("sweep.yaml", "--select", "SL301", cwd=folder)
    assert codes(found) == [("SL301", 5, 3)]
    bad = write({"pyproject.toml": '[tool.sweeplint]\nconfidence = "sure"\n'})
    code, _ = lint_json("sweep.yaml", cwd=bad)
    assert code == 2


def test_an_uncapped_wandb_sweep_is_normal(write):
    # The budget is usually given to `wandb agent --count`.
    sweep = "method: random\nmetric: {name: val_loss}\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.1\n"
    folder = write({"sweep.yaml": sweep})
    assert lint_json("sweep.yaml", "--select", "SL313", cwd=folder) == (0, [])
    code, found = lint_json("sweep.yaml", "--select", "SL313", "--confidence", "weak", cwd=folder)
    assert codes(found) == [("SL313", 1, 9)] and found[0]["confidence"] == "weak"


GRID = "method: grid\nmetric: {name: val_loss}\nparameters:\n"


def test_grids_over_one_or_two_dimensions_are_fine(write):
    two = GRID + "  lr:\n    values: [0.001, 0.01, 0.1]\n  weight_decay:\n    values: [0.0, 0.01]\n"
    assert lint_json("sweep.yaml", "--select", "SL312", cwd=write({"sweep.yaml": two})) == (0, [])
    three = two + "  dropout:\n    values: [0.0, 0.1]\n"
    code, found = lint_json("sweep.yaml", "--select", "SL312", cwd=write({"sweep.yaml": three}))
    assert codes(found) == [("SL312", 1, 9)]
    assert shown(found[0]).startswith("a grid over 3 dimensions tries only the listed values")
    # Seeds are replicates, not dimensions.
    seeds = two + "  seed:\n    values: [0, 1, 2]\n"
    assert lint_json("sweep.yaml", "--select", "SL312", cwd=write({"sweep.yaml": seeds})) == (0, [])


SCIENTIFIC_STRING = """\
method: random
run_cap: 20
program: train.py
metric: {name: val_loss}
parameters:
  lr:
    values: [1e-5, 1.0e-4]
"""


def test_a_string_value_that_argparse_converts_is_only_info(write):
    train = ("import argparse\nimport wandb\np = argparse.ArgumentParser()\np.add_argument('--lr', type=float)\n"
             "args = p.parse_args()\nwandb.init(config=args)\nwandb.log({'val_loss': args.lr})\n")
    code, found = lint_json("sweep.yaml", "--select", "SL005", cwd=write({"sweep.yaml": SCIENTIFIC_STRING, "train.py": train}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(7, 14, "info")]
    assert "argparse, whose type=float converts it (train.py:4)" in shown(found[0])
    assert code == 0  # info does not fail the default gate


def test_a_string_value_read_from_the_run_config_is_an_error(write):
    train = "import wandb\nrun = wandb.init()\nlr = run.config.lr * 2\nwandb.log({'val_loss': lr})\n"
    code, found = lint_json("sweep.yaml", "--select", "SL005", cwd=write({"sweep.yaml": SCIENTIFIC_STRING, "train.py": train}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(7, 14, "error")]
    assert "the program reads it from the run's config (train.py:3)" in shown(found[0])


def test_a_string_bound_is_an_error_whatever_the_program(write):
    sweep = SCIENTIFIC_STRING.replace("    values: [1e-5, 1.0e-4]\n", "    distribution: log_uniform_values\n    min: 1e-5\n    max: 0.1\n")
    code, found = lint_json("sweep.yaml", "--select", "SL005", cwd=write({"sweep.yaml": sweep}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(8, 10, "error")]


def test_without_the_program_a_string_value_is_a_warning(write):
    sweep = SCIENTIFIC_STRING.replace("program: train.py\n", "")
    code, found = lint_json("sweep.yaml", "--select", "SL005", cwd=write({"sweep.yaml": sweep}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(6, 14, "warning")]


KATIB_SHARED_LR = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: shared-lr
spec:
  objective:
    type: minimize
    objectiveMetricName: val_loss
  algorithm:
    algorithmName: random
  maxTrialCount: 40
  parameters:
    - name: optimizer
      parameterType: categorical
      feasibleSpace:
        list: ["sgd", "adam"]
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "0.0001"
        max: "0.1"
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - name: optimizer
        reference: optimizer
      - name: lr
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
                command: ["python", "train.py", "--optimizer=${trialParameters.optimizer}", "--lr=${trialParameters.lr}"]
"""


def test_fix_advice_is_one_the_tool_can_follow(write):
    # Katib has no conditional parameters: the advice must not be to make one.
    code, found = lint_json("exp.yaml", "--select", "SL303", cwd=write({"exp.yaml": KATIB_SHARED_LR}))
    assert codes(found) == [("SL303", 17, 13)]
    assert "Katib experiments have no conditional parameters: run one sweep per optimizer" in shown(found[0])
    assert "Make it conditional" not in shown(found[0])


def test_a_one_element_choice_fixes_a_parameter_in_every_tool(write):
    ray = ('from ray import tune\n\nparam_space = {\n    "lr": tune.loguniform(1e-4, 1e-1),\n'
           '    "loss": tune.choice(["ce"]),\n    "epochs": tune.choice([10]),\n}\n'
           'tuner = tune.Tuner("train", param_space=param_space)\n')
    assert lint_json("space.py", "--select", "SL105", cwd=write({"space.py": ray})) == (0, [])
    # The same value listed twice is a slip, not a way to fix it.
    code, found = lint_json("space.py", "--select", "SL105", cwd=write({"space.py": ray.replace('["ce"]', '["ce", "ce"]')}))
    assert codes(found) == [("SL105", 5, 26)]


def test_a_drop_in_accuracy_is_minimized(write):
    sweep = ("method: random\nrun_cap: 9\nmetric: {name: accuracy_drop_full, goal: minimize}\nparameters:\n"
             "  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.1\n")
    assert lint_json("sweep.yaml", "--select", "SL205", cwd=write({"sweep.yaml": sweep})) == (0, [])


def test_argparse_abbreviations_reach_the_option(write):
    sweep = "method: random\nrun_cap: 9\nprogram: train.py\nmetric: {name: val_loss}\nparameters:\n  criterion:\n    values: [mse, huber]\n"
    train = ("import argparse\nimport wandb\np = argparse.ArgumentParser()\np.add_argument('--criterion_name', default='mse')\n"
             "args = p.parse_args()\nwandb.init(config=args)\nwandb.log({'val_loss': len(args.criterion_name)})\n")
    folder = write({"sweep.yaml": sweep, "train.py": train})
    assert lint_json("sweep.yaml", "--select", "SL201", cwd=folder) == (0, [])
    # Two options share the prefix: argparse refuses the ambiguous abbreviation, so it reaches neither.
    both = train.replace("p.add_argument('--criterion_name', default='mse')\n",
                         "p.add_argument('--criterion_name', default='mse')\np.add_argument('--criterion_weight', type=float)\n")
    code, found = lint_json("sweep.yaml", "--select", "SL201", cwd=write({"sweep.yaml": sweep, "train.py": both}))
    assert codes(found) == [("SL201", 6, 3)]


def test_the_learning_rate_is_fixed_only_for_programs_that_have_one(write):
    sweep = ("method: random\nrun_cap: 40\nprogram: train.py\nmetric: {name: val_acc, goal: maximize}\nparameters:\n"
             "  num_layers:\n    values: [2, 4, 8]\n  dropout:\n    min: 0.0\n    max: 0.5\n")
    forest = ("import wandb\nfrom sklearn.ensemble import RandomForestClassifier\nrun = wandb.init()\n"
              "m = RandomForestClassifier(max_depth=run.config.num_layers, min_impurity_decrease=run.config.dropout)\n"
              "wandb.log({'val_acc': 0.5})\n")
    assert lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=write({"sweep.yaml": sweep, "train.py": forest})) == (0, [])
    torch = ("import torch\nimport wandb\nrun = wandb.init()\nnet = torch.nn.Sequential(*[torch.nn.Dropout(run.config.dropout)] * run.config.num_layers)\n"
             "opt = torch.optim.SGD(net.parameters(), lr=0.1)\nwandb.log({'val_acc': 0.5})\n")
    code, found = lint_json("sweep.yaml", "--select", "SL302", cwd=write({"sweep.yaml": sweep, "train.py": torch}))
    assert codes(found) == [("SL302", 6, 3)] and found[0]["confidence"] == "strong"
    assert shown(found[0]).startswith("the sweep does not search the learning rate while num_layers varies")
    assert "num_layers is taken as scientific" in found[0]["help"]


def test_a_warm_up_learning_rate_is_not_the_learning_rate(write):
    sweep = ("method: grid\nmetric: {name: val_loss}\nparameters:\n  num_layers:\n    values: [2, 4]\n"
             "  lr:\n    values: [0.001, 0.01]\n  warmup_lr:\n    value: 0.00001\n")
    code, found = lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=write({"sweep.yaml": sweep}))
    assert [d for d in found if "warmup_lr is fixed" in shown(d)] == []


def test_an_old_determined_searcher_keeps_its_own_keys(write):
    config = ("name: old\nentrypoint: model_def:Trial\nhyperparameters:\n  lr:\n    type: log\n    base: 10\n"
              "    minval: -4\n    maxval: -1\nsearcher:\n  name: adaptive_simple\n  metric: validation_loss\n"
              "  max_steps: 100\n  max_trials: 16\n")
    code, found = lint_json("exp.yaml", "--select", "SL002,SL003", cwd=write({"exp.yaml": config}))
    # The end-of-life searcher is the finding; its own length key is not a typo.
    assert codes(found) == [("SL003", 10, 9)]


def test_a_learning_rate_scaled_with_the_batch_size_is_not_fixed(write):
    sweep = ("program: train.py\nmethod: random\nrun_cap: 20\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
             "  batch_size:\n    values: [64, 128, 256]\n  lr:\n    value: 0.1\n")
    fixed = ("import torch\nimport wandb\nrun = wandb.init()\ncfg = run.config\nmodel = torch.nn.Linear(4, 4)\n"
             "opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)\nloader = make_loader(cfg.batch_size)\nwandb.log({'val_loss': 1.0})\n")
    code, found = lint_json("sweep.yaml", "--select", "SL305", cwd=write({"sweep.yaml": sweep, "train.py": fixed}))
    assert [(d["line"], d["severity"]) for d in found] == [(6, "error")]
    scaled = fixed.replace("lr=cfg.lr)", "lr=cfg.lr * cfg.batch_size / 256)")
    code, found = lint_json("sweep.yaml", "--select", "SL305", cwd=write({"sweep.yaml": sweep, "train.py": scaled}))
    # Still a batch size tuned for quality, but the rate follows it: a warning, not the fixed-rate error.
    assert [(d["line"], d["severity"]) for d in found] == [(6, "warning")]


def test_a_weight_decay_scaled_with_the_swept_width_is_not_fixed(write):
    sweep = ("# sweeplint: scientific=width\nprogram: train.py\nmethod: random\nrun_cap: 40\n"
             "metric: {name: val_loss, goal: minimize}\nparameters:\n  width:\n    values: [128, 256, 512]\n"
             "  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.01\n  weight_decay:\n    value: 0.0001\n")
    train = ("import torch\nimport wandb\nrun = wandb.init()\ncfg = run.config\nmodel = torch.nn.Linear(4, cfg.width)\n"
             "wd = cfg.weight_decay * cfg.width\nopt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=wd)\n"
             "wandb.log({'val_loss': 1.0})\n")
    assert lint_json("sweep.yaml", "--select", "SL302", cwd=write({"sweep.yaml": sweep, "train.py": train})) == (0, [])
    unscaled = train.replace("wd = cfg.weight_decay * cfg.width", "wd = cfg.weight_decay")
    # (The same folder, the cache kept: a changed program must change the result.)
    code, found = lint_json("sweep.yaml", "--select", "SL302", cwd=write({"sweep.yaml": sweep, "train.py": unscaled}))
    assert codes(found) == [("SL302", 13, 3)]


def test_a_range_up_to_an_excluded_limit_is_implausible(write):
    sweep = ("method: random\nrun_cap: 20\nmetric: {name: val_loss}\nparameters:\n  dropout:\n    min: 0.0\n    max: 1.0\n"
             "  momentum:\n    min: 0.0\n    max: 1.0\n  label_smoothing:\n    min: 0.0\n    max: 1.0\n")
    code, found = lint_json("sweep.yaml", "--select", "SL110", cwd=write({"sweep.yaml": sweep}))
    # Dropout near 1 trains nothing and a momentum of 1 never forgets a gradient (both limits exclude
    # 1); label smoothing is plausible up to 1 included, so a range up to it is left alone.
    assert [(d["code"], d["line"], d["column"], d["severity"]) for d in found] == [
        ("SL110", 7, 10, "warning"), ("SL110", 10, 10, "warning")]
    assert shown(found[0]).startswith("dropout is searched up to 1.0, the edge of the plausible range")
    assert shown(found[1]).startswith("momentum is searched up to 1.0, the edge of the plausible range of a momentum (below 1)")


def test_an_evolution_tuner_whose_first_population_is_the_whole_budget(write):
    config = ("searchSpaceFile: space.json\ntrialCommand: python3 trial.py\ntrialConcurrency: 2\nmaxTrialNumber: 25\n"
              "tuner:\n  name: Evolution\n  classArgs:\n    optimize_mode: maximize\n    population_size: 100\n"
              "trainingService:\n  platform: local\n")
    space = '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n'
    code, found = lint_json("config.yml", "--select", "SL309", cwd=write({"config.yml": config, "space.json": space}))
    assert codes(found) == [("SL309", 9, 22)]
    assert shown(found[0]).startswith("population_size=100 is not below the trial budget (25)")


def test_a_katib_experiment_in_a_version_katib_does_not_serve(write):
    old = KATIB_SHARED_LR.replace("apiVersion: kubeflow.org/v1beta1", "apiVersion: kubeflow.org/v1")
    code, found = lint_json("exp.yaml", "--select", "SL003", cwd=write({"exp.yaml": old}))
    assert codes(found) == [("SL003", 1, 13)]
    bare = KATIB_SHARED_LR.replace("      apiVersion: batch/v1\n      kind: Job\n", "")
    code, found = lint_json("exp.yaml", "--select", "SL003", cwd=write({"exp.yaml": bare}))
    assert codes(found) == [("SL003", 30, 7)] and "the trialSpec has no apiVersion or kind" in shown(found[0])


def test_the_best_configuration_chosen_by_a_test_metric(write):
    space = ('from ray import tune\n\n\ndef train(config):\n    tune.report(val_acc=0.5, test_acc=0.4)\n\n\n'
             'tuner = tune.Tuner(train, param_space={"lr": tune.loguniform(1e-4, 1e-1)},\n'
             '                   tune_config=tune.TuneConfig(metric="val_acc", mode="max", num_samples=20))\n'
             'results = tuner.fit()\nbest = results.get_best_result(metric="test_acc", mode="max")\n')
    code, found = lint_json("tune_lr.py", "--select", "SL311", cwd=write({"tune_lr.py": space}))
    assert codes(found) == [("SL311", 11, 39)]
    assert "the best configuration is chosen by 'test_acc', a test-set metric" in shown(found[0])
