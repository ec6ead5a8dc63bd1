"""Recall classes seen on real repositories, each on a small project written here."""

from __future__ import annotations

import textwrap

from sweeplint.codefacts import file_facts_from_text
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def lint(write, files: dict[str, str], target: str):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return lint_paths([str(folder / target)], Settings(root=folder)).diagnostics


def found(diagnostics, code: str) -> list:
    return [d for d in diagnostics if d.code == code]


def test_a_string_method_on_a_config_value_is_a_read_and_its_result_a_tested_local():
    facts = file_facts_from_text(textwrap.dedent("""
        def build(optimizer, cfg):
            kind = cfg.scheduler.type.lower()
            if kind == "cosine":
                return CosineAnnealingLR(optimizer, T_max=cfg.scheduler.t_max)
    """))
    assert ("scheduler", "type") in {r.key for r in facts.reads}
    (call,) = [c for c in facts.calls if c.func == "CosineAnnealingLR"]
    (cond,) = call.conditions
    assert (cond.op, cond.key, cond.values) == ("==", ("scheduler", "type"), ("cosine",))


NNI_LAUNCHER = """
    from nni.experiment import Experiment

    experiment = Experiment("local")
    experiment.config.trial_command = "python3 trial.py"
    experiment.config.trial_code_directory = "."
    experiment.config.search_space = json.load(open("search_space.json"))
    experiment.config.tuner.name = "TPE"
    experiment.config.max_trial_number = 40
    experiment.run(8080)
"""
NNI_TRIAL = """
    import nni

    params = nni.get_next_parameter()
    model = build(lr=params["lr"])
    train_loader, val_loader, test_loader = loaders()
    for epoch in range(10):
        fit(model, train_loader)
        score = evaluate(model, {loader})
        nni.report_intermediate_result(score)
    nni.report_final_result(score)
"""


def test_a_bare_nni_search_space_whose_trial_reports_a_test_score(write):
    files = {"search_space.json": '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n',
             "hpo.py": NNI_LAUNCHER, "trial.py": NNI_TRIAL.replace("{loader}", "test_loader")}
    (finding,) = found(lint(write, files, "search_space.json"), "SL311")
    assert finding.path.endswith("trial.py") and (finding.span.line, finding.span.column) == (8, 29)
    assert "computed on test data" in finding.message
    files["trial.py"] = NNI_TRIAL.replace("{loader}", "val_loader")
    assert not found(lint(write, files, "search_space.json"), "SL311")


SWEEP_MODULE = """
    sweep_config = {
        "method": "random",
        "metric": {"name": "val_loss", "goal": "minimize"},
        "parameters": {
            "learning_rate": {"min": 0.0001, "max": 0.1, "distribution": "log_uniform_values"},
            "dropout": {"values": [0.1, 0.3]},
        },
    }
"""
IMPORTING_TRAINER = """
    import wandb
    from configs.sweeps import sweep_config

    def train():
        run = wandb.init()
        model = build(lr=wandb.config.learning_rate)
        for epoch in range(10):
            wandb.log({"val_loss": fit(model)})

    # sweep_id = wandb.sweep(sweep_config)
    train()
"""


def test_a_sweep_dict_module_without_a_program_is_run_by_the_file_that_imports_it(write):
    files = {"pyproject.toml": "", "configs/__init__.py": "", "configs/sweeps.py": SWEEP_MODULE, "train.py": IMPORTING_TRAINER}
    (finding,) = found(lint(write, files, "configs/sweeps.py"), "SL201")
    assert "dropout is swept, but the program never reads it" in finding.message and finding.span.line == 6
    # two training scripts import it: which one the sweep runs is not known, and nothing is claimed
    files["train_other.py"] = IMPORTING_TRAINER
    assert not found(lint(write, files, "configs/sweeps.py"), "SL201")


def test_a_search_space_named_by_an_experiment_config_leaves_the_objective_to_that_config(write):
    files = {"search_space.json": '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n',
             "config.yml": ("experimentName: demo\nsearchSpaceFile: search_space.json\ntrialCommand: python3 trial.py\n"
                            "trialCodeDirectory: .\ntrialConcurrency: 1\nmaxTrialNumber: 20\n"
                            "tuner:\n  name: TPE\n  classArgs:\n    optimize_mode: maximize\n"
                            "trainingService:\n  platform: local\n"),
             "trial.py": NNI_TRIAL.replace("{loader}", "test_loader")}
    assert not found(lint(write, files, "search_space.json"), "SL311")
    assert len(found(lint(write, files, "config.yml"), "SL311")) == 1


DETERMINED_CONFIG = """
    name: demo
    entrypoint: python3 train.py
    searcher:
      name: random
      metric: val_loss
      max_trials: 20
    hyperparameters:
      learning_rate:
        type: log
        minval: -4
        maxval: -1
      batch_size:
        type: categorical
        vals: [32, 64]
"""
DETERMINED_TRAIN = """
    import argparse
    from determined.core import init

    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, default=64)
    args = parser.parse_args()
    info = det.get_cluster_info()
    hparams = info.trial.hparams
    loader = DataLoader(data, batch_size=args.batch_size)
    optimizer = SGD(params, lr=hparams.get("learning_rate", 0.01))
"""


def test_a_tool_that_hands_values_only_through_its_api_is_not_read_by_a_same_named_option(write):
    files = {"config.yaml": DETERMINED_CONFIG, "train.py": DETERMINED_TRAIN}
    (finding,) = found(lint(write, files, "config.yaml"), "SL201")
    assert finding.span.line == 12 and "batch_size is swept, but the program never reads it" in finding.message
    assert "reads 'batch_size' from another source at train.py:9, which Determined does not set" in f"{finding.message} {finding.help}"
    files["train.py"] = DETERMINED_TRAIN.replace("batch_size=args.batch_size", 'batch_size=hparams["batch_size"]')
    assert not found(lint(write, files, "config.yaml"), "SL201")
    # the trial's values copied into the namespace first: args.batch_size is the swept value
    files["train.py"] = DETERMINED_TRAIN.replace("loader =", "vars(args).update(hparams)\nloader =")
    assert not found(lint(write, files, "config.yaml"), "SL201")


NNI_MERGED = """
    import argparse
    import nni

    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()
    tuned = nni.get_next_parameter()
    vars(args).update(tuned)
    train(lr=args.lr)
    nni.report_final_result(score())
"""


def test_nni_values_copied_into_the_argparse_namespace_are_read_through_it(write):
    files = {"search_space.json": '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n',
             "hpo.py": NNI_LAUNCHER.replace("trial.py", "main.py"), "main.py": NNI_MERGED}
    assert not found(lint(write, files, "search_space.json"), "SL201")


KATIB_EXPERIMENT = """
    apiVersion: kubeflow.org/v1beta1
    kind: Experiment
    metadata:
      name: demo
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
          feasibleSpace: {min: "0.0001", max: "0.01", distribution: logUniform}
      trialTemplate:
        primaryContainerName: main
        trialParameters:
          - name: lr
            reference: lr
        trialSpec:
          apiVersion: batch/v1
          kind: Job
          spec:
            template:
              spec:
                containers:
                  - name: main
                    image: registry.example/trainer:1
{command}
                restartPolicy: Never
"""
KERAS_TRAIN = """
    import argparse
    import tensorflow as tf

    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.001)
    args = parser.parse_args()
    model = tf.keras.Sequential([tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.Adam(args.lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5{validation})
"""
DOCKERFILE = "FROM python:3.11-slim\nWORKDIR /app\nCOPY src/ ./\nCMD [\"python\", \"train.py\"]\n"


def test_a_katib_trial_without_a_command_runs_the_script_of_the_repository_dockerfile(write):
    files = {"katib/experiment.yaml": KATIB_EXPERIMENT.replace("{command}", ""),
             "trainer/Dockerfile": DOCKERFILE, "trainer/src/train.py": KERAS_TRAIN.replace("{validation}", ""),
             "pyproject.toml": ""}
    diagnostics = lint(write, files, "katib/experiment.yaml")
    (logged,) = found(diagnostics, "SL204")
    assert (logged.span.line, logged.span.column) == (8, 26)
    assert "shows it only in Keras's progress bar (trainer/src/train.py:9), which Katib does not collect" in logged.message
    (training,) = found(diagnostics, "SL311")
    assert "'accuracy' is computed on training data" in training.message
    # two Dockerfiles that run scripts: which image the trial uses is not known
    files["other/Dockerfile"] = DOCKERFILE
    files["other/src/train.py"] = KERAS_TRAIN
    assert not found(lint(write, files, "katib/experiment.yaml"), "SL204")


def test_a_path_inside_the_image_maps_onto_the_file_a_dockerfile_copies_there(write):
    command = '                    command: ["python3", "/opt/app/train.py", "--lr=${trialParameters.lr}"]'
    files = {"katib/experiment.yaml": KATIB_EXPERIMENT.replace("{command}", command),
             "trainer/Dockerfile": "FROM python:3.11\nCOPY src /opt/app\n",
             "trainer/src/train.py": KERAS_TRAIN.replace("{validation}", ", validation_split=0.1"),
             "pyproject.toml": ""}
    diagnostics = lint(write, files, "katib/experiment.yaml")
    assert not found(diagnostics, "SL200")
    (training,) = found(diagnostics, "SL311")  # accuracy, not val_accuracy: still the training data
    assert "(trainer/src/train.py:9)" in training.message
    assert found(diagnostics, "SL204")


def test_a_step_schedule_whose_period_is_a_constant_of_a_settings_module(write):
    files = {"search_space.json": '{"epochs": {"_type": "choice", "_value": [10, 20, 30]}, '
                                  '"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n',
             "hpo.py": NNI_LAUNCHER,
             "settings.py": "epochs = 100\nstep_size = epochs // 4\n",
             "trial.py": """
                import nni
                import torch
                import settings

                params = nni.get_next_parameter()
                optimizer = torch.optim.SGD(model.parameters(), lr=params["lr"])
                scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.step_size)
                for epoch in range(params["epochs"]):
                    fit(model, optimizer, scheduler)
                nni.report_final_result(evaluate(model, val_loader))
             """}
    (finding,) = found(lint(write, files, "search_space.json"), "SL209")
    assert finding.span.line == 1 and "(step_size) from settings.step_size, a constant of settings.py" in finding.message
    # a settings module that reads the command line may derive the period from the swept length
    files["settings.py"] = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--epochs', type=int)\nstep_size = p.parse_args().epochs // 4\n"
    assert not found(lint(write, files, "search_space.json"), "SL209")


HYDRA_PROJECT = {
    "pyproject.toml": "",
    "train.py": """
        import hydra
        from hydra.utils import instantiate

        @hydra.main(version_base=None, config_path="configs", config_name="train")
        def main(cfg):
            net = instantiate(cfg.model.net)
            return fit(net, lr=cfg.model.lr)

        if __name__ == "__main__":
            main()
    """,
    "configs/train.yaml": "defaults:\n  - _self_\n  - model: small\n  - hparams_search: null\n",
    "configs/model/small.yaml": "lr: 0.01\nnet:\n  _target_: pkg.nets.Small\n  width: 64\n",
    "configs/model/wide.yaml": "lr: 0.01\nnet:\n  _target_: pkg.nets.Wide\n  width: 64\n",
    "pkg/__init__.py": "",
    "pkg/nets.py": """
        class Small:
            def __init__(self, width, depth=2):
                self.width, self.depth = width, depth

        class Wide:
            def __init__(self, width, heads=4, **extra):
                self.width = width
    """,
    "configs/hparams_search/sweep.yaml": """
        # @package _global_
        defaults:
          - override /hydra/sweeper: optuna
        hydra:
          sweeper:
            direction: minimize
            n_trials: 30
            params:
              model.lr: interval(0.001, 0.1)
              model.net.depth: choice(2, 4)
              model.net.heads: choice(4, 8)
    """,
}


def test_a_hydra_key_the_instantiated_class_does_not_take(write):
    (finding,) = found(lint(write, dict(HYDRA_PROJECT), "configs/hparams_search/sweep.yaml"), "SL201")
    assert (finding.span.line, finding.span.column) == (11, 7)
    assert "model.net.heads is swept, but model=small instantiates pkg.nets.Small there, whose constructor (pkg/nets.py:2) takes no heads" in finding.message
    # a constructor that takes **kwargs may take any key
    files = dict(HYDRA_PROJECT)
    files["configs/train.yaml"] = files["configs/train.yaml"].replace("model: small", "model: wide")
    assert not found(lint(write, files, "configs/hparams_search/sweep.yaml"), "SL201")


def test_a_python_launcher_whose_tuner_starts_with_more_random_trials_than_it_runs(write):
    launcher = NNI_LAUNCHER.replace('tuner.name = "TPE"', 'tuner.name = "Evolution"\n    experiment.config.tuner.class_args = {"optimize_mode": "maximize", "population_size": 100}')
    files = {"search_space.json": '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}}\n',
             "hpo.py": launcher, "trial.py": NNI_TRIAL.replace("{loader}", "val_loader")}
    (finding,) = found(lint(write, files, "search_space.json"), "SL309")
    assert finding.path.endswith("hpo.py") and finding.span.line == 8
    assert "population_size=100 is not below the trial budget (max_trial_number=40, line 9)" in finding.message
    files["hpo.py"] = launcher.replace("max_trial_number = 40", "max_trial_number = 400")
    assert not found(lint(write, files, "search_space.json"), "SL309")
