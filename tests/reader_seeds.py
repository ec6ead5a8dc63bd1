"""One small, valid sweep per reader: the seeds that tests/test_reader_fuzz.py mutates.

Each entry is (file name, text, the format its reader gives the file).
"""

from __future__ import annotations

WANDB_YAML = """\
program: train.py
method: bayes
metric:
  name: val_loss
  goal: minimize
early_terminate: {type: hyperband, min_iter: 3}
run_cap: 20
parameters:
  lr: {distribution: log_uniform_values, min: 1.0e-5, max: 0.1}
  layers: {distribution: int_uniform, min: 1, max: 4}
  dropout: {distribution: q_uniform, min: 0.0, max: 0.5, q: 0.1}
  optimizer: {values: [adam, sgd], probabilities: [0.5, 0.5]}
  model:
    parameters:
      width: {values: [64, 128]}
      act: {value: relu}
  noise: {distribution: normal, mu: 0, sigma: 1}
command:
  - ${env}
  - ${interpreter}
  - ${program}
  - ${args}
"""

WANDB_JSON = """\
{"method": "grid", "metric": {"name": "acc", "goal": "maximize"},
 "parameters": {"bs": {"values": [16, 32]}, "lr": {"distribution": "q_uniform", "min": 0.1, "max": 0.9, "q": 0.2}}}
"""

WANDB_PYTHON = """\
import wandb

LOW = 1e-5
sweep_config = {
    "method": "random",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": LOW, "max": 1e-1},
        "epochs": {"values": [5, 10, 20]},
        "seed": {"value": 0},
    },
}
sweep_id = wandb.sweep(sweep_config, project="demo")


def train():
    run = wandb.init()
    wandb.log({"val_loss": run.config.lr})


wandb.agent(sweep_id, function=train, count=10)
"""

HYDRA = """\
defaults:
  - override hydra/sweeper: optuna
  - _self_
lr: 0.01
batch_size: 32
optimizer: adam
hydra:
  sweeper:
    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
    direction: minimize
    n_trials: 20
    sampler:
      _target_: optuna.samplers.TPESampler
      seed: 123
    params:
      lr: tag(log, interval(1e-5, 1e-1))
      batch_size: choice(16, 32, 64)
      optimizer: choice(adam, 'sgd', "rmsprop")
      layers: range(1, 5, step=1)
      width: int(interval(32, 512))
      flag: glob(*)
      name: str(10)
"""

HYDRA_BASIC = """\
hydra:
  mode: MULTIRUN
  sweeper:
    params:
      db: mysql,postgresql
      lr: range(0.1, 1.0, 0.1)
      seed: shuffle(range(0, 3))
      x: sort(3, 1, 2)
      d: "{a: 1, b: [1, 2]}"
      e: "esc\\\\,aped"
"""

OPTUNA = """\
import optuna


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    width = trial.suggest_int("width", 32, 512, step=32)
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd"])
    return lr * layers + width + dropout


study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=0))
study.optimize(objective, n_trials=50)
"""

RAY = """\
from ray import tune


def trainable(config):
    tune.report({"loss": config["lr"] * config["layers"]})


tuner = tune.Tuner(
    trainable,
    param_space={
        "lr": tune.loguniform(1e-5, 1e-1),
        "layers": tune.randint(1, 5),
        "width": tune.qrandint(32, 512, 32),
        "act": tune.choice(["relu", "gelu"]),
        "seed": tune.grid_search([0, 1, 2]),
        "momentum": tune.quniform(0.8, 0.99, 0.01),
    },
    tune_config=tune.TuneConfig(metric="loss", mode="min", num_samples=10),
)
results = tuner.fit()
"""

KATIB = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: demo
spec:
  objective:
    type: minimize
    goal: 0.01
    objectiveMetricName: loss
  algorithm:
    algorithmName: random
  parallelTrialCount: 2
  maxTrialCount: 12
  maxFailedTrialCount: 3
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {min: "0.0001", max: "0.1", distribution: logUniform}
    - name: layers
      parameterType: int
      feasibleSpace: {min: "1", max: "4", step: "1"}
    - name: optimizer
      parameterType: categorical
      feasibleSpace:
        list: [adam, sgd]
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - name: learningRate
        reference: lr
      - name: numLayers
        reference: layers
      - name: opt
        reference: optimizer
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: training
                image: demo:latest
                command: [python, train.py, "--lr=${trialParameters.learningRate}",
                          "--layers=${trialParameters.numLayers}", "--opt=${trialParameters.opt}"]
            restartPolicy: Never
"""

DETERMINED = """\
name: demo
entrypoint: model_def:Trial
searcher:
  name: adaptive_asha
  metric: validation_loss
  smaller_is_better: true
  max_trials: 16
  max_length:
    batches: 1000
hyperparameters:
  global_batch_size: 32
  lr:
    type: log
    base: 10
    minval: -5
    maxval: -1
  layers:
    type: int
    minval: 1
    maxval: 4
  dropout:
    type: double
    minval: 0.0
    maxval: 0.5
  optimizer:
    type: categorical
    vals: [adam, sgd]
  const:
    type: const
    val: 7
"""

NNI_CONFIG = """\
experimentName: demo
trialCommand: python train.py
trialConcurrency: 2
maxTrialNumber: 20
tuner:
  name: TPE
  classArgs:
    optimize_mode: maximize
searchSpace:
  lr: {_type: loguniform, _value: [0.00001, 0.1]}
  layers: {_type: randint, _value: [1, 5]}
  dropout: {_type: quniform, _value: [0.0, 0.5, 0.1]}
  optimizer: {_type: choice, _value: [adam, sgd]}
  noise: {_type: normal, _value: [0, 1]}
trainingService:
  platform: local
"""

NNI_SEARCH_SPACE = """\
{"lr": {"_type": "loguniform", "_value": [0.00001, 0.1]},
 "batch_size": {"_type": "choice", "_value": [16, 32, 64]},
 "momentum": {"_type": "uniform", "_value": [0.5, 0.99]},
 "layers": {"_type": "choice", "_value": [{"_name": "small", "units": {"_type": "randint", "_value": [8, 32]}}, {"_name": "big"}]}}
"""

SEEDS: list[tuple[str, str, str]] = [
    ("sweep.yaml", WANDB_YAML, "wandb"),
    ("sweep.json", WANDB_JSON, "wandb"),
    ("make_sweep.py", WANDB_PYTHON, "wandb"),
    ("conf/config.yaml", HYDRA, "hydra"),
    ("conf/basic.yaml", HYDRA_BASIC, "hydra"),
    ("tune_optuna.py", OPTUNA, "optuna"),
    ("tune_ray.py", RAY, "ray"),
    ("katib.yaml", KATIB, "katib"),
    ("determined.yaml", DETERMINED, "determined"),
    ("nni_config.yml", NNI_CONFIG, "nni"),
    ("search_space.json", NNI_SEARCH_SPACE, "nni"),
]
