"""Ray Tune search spaces in Python: what the reader sees, and what a user is told."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import ROOT, lint_json

from sweeplint.model import MethodKind, Opaque, Space
from sweeplint.read import read_path


def _read(text: str, name: str = "tune_run.py"):
    return read_path(name, explicit=True, text=textwrap.dedent(text))


def _col(text: str, line: int, needle: str) -> int:
    return textwrap.dedent(text).splitlines()[line - 1].index(needle) + 1


TUNER_SCRIPT = '''\
from ray import tune
from ray.tune.schedulers import ASHAScheduler
from ray.tune.search import ConcurrencyLimiter
from ray.tune.search.hyperopt import HyperOptSearch


def train_cifar(config):
    for epoch in range(config["epochs"]):
        loss = step(config["lr"], config["model"]["dropout"])
        tune.report({"val_loss": loss})


def main():
    param_space = {
        "lr": tune.loguniform(1e-5, 1e-1),
        "batch_size": tune.choice([16, 32, 64]),
        "layers": tune.randint(2, 6),
        "width": tune.qrandint(32, 256, 32),
        "model": {
            "dropout": tune.quniform(0.0, 0.5, 0.1),
            "depth": tune.lograndint(8, 128),
            "heads": tune.qlograndint(1, 16, 1),
            "activation": "relu",
        },
        "noise": tune.randn(0, 0.1),
        "epochs": 20,
    }
    param_space["momentum"] = tune.uniform(0.8, 0.99)
    scheduler = ASHAScheduler(max_t=100, grace_period=1)
    tuner = tune.Tuner(
        tune.with_parameters(train_cifar, data=None),
        param_space=param_space,
        tune_config=tune.TuneConfig(
            metric="val_loss",
            mode="min",
            num_samples=40,
            search_alg=ConcurrencyLimiter(HyperOptSearch(), max_concurrent=4),
            scheduler=scheduler,
        ),
    )
    return tuner.fit()
'''


def test_tuner_space_with_every_sampling_function():
    f = _read(TUNER_SCRIPT)
    assert f.format == "ray" and not f.problems
    (study,) = f.studies
    assert (study.format, study.loader, study.name) == ("ray", "python", "train_cifar")
    p = {x.name: x for x in study.parameters}
    assert list(p) == [
        "lr", "batch_size", "layers", "width", "model.dropout", "model.depth", "model.heads",
        "model.activation", "noise", "epochs", "momentum",
    ]
    assert (p["lr"].space, p["lr"].log, p["lr"].low.value, p["lr"].high.value) == (Space.UNIFORM, True, 1e-5, 1e-1)
    assert (p["lr"].key_span.line, p["lr"].key_span.column) == (15, _col(TUNER_SCRIPT, 15, '"lr"'))
    assert p["lr"].value_span.column == _col(TUNER_SCRIPT, 15, "tune.loguniform")
    assert p["lr"].low.span.column == _col(TUNER_SCRIPT, 15, "1e-5")
    assert [v.value for v in p["batch_size"].values] == [16, 32, 64]
    # randint and lograndint exclude the upper bound; the q variants include it.
    assert (p["layers"].space, p["layers"].integer, p["layers"].high_inclusive) == (Space.INT, True, False)
    assert (p["width"].q.value, p["width"].high_inclusive) == (32, True)
    assert (p["model.depth"].log, p["model.depth"].high_inclusive) == (True, False)
    assert (p["model.heads"].log, p["model.heads"].high_inclusive, p["model.heads"].q) == (True, True, None)
    assert (p["model.dropout"].space, p["model.dropout"].q.value) == (Space.QUANTIZED, 0.1)
    assert (p["model.activation"].space, p["model.activation"].constant_value) == (Space.CONSTANT, "relu")
    assert (p["noise"].space, p["noise"].mu.value, p["noise"].sigma.value) == (Space.NORMAL, 0, 0.1)
    assert p["momentum"].key_span.line == 28  # added after the dict literal

    assert study.method.name == "HyperOptSearch" and study.method.kind is MethodKind.MODEL_BASED
    assert (study.objective.name.value, study.objective.goal) == ("val_loss", "minimize")
    assert study.objective.goal_span.line == 35
    assert study.budget.value == 40
    assert study.early_stopping.kind == "ASHAScheduler"
    assert study.early_stopping.get("max_t").value == 100


def test_a_well_formed_tuner_has_only_the_exclusive_bound_note(write):
    # Config, search-space, code-link and tool-specific rules (the methodology rules, SL3xx, have
    # real things to say about this study). lograndint(8, 128) never tries 128: an info note.
    folder = write({"tune_cifar.py": TUNER_SCRIPT})
    code, found = lint_json(str(folder / "tune_cifar.py"), "--select", "SL0,SL1,SL2,SL4")
    assert (code, [(d["code"], d["line"]) for d in found]) == (0, [("SL106", 21)])


LEGACY = '''\
import numpy as np
from ray import tune


def trainable(config):
    tune.report(accuracy=evaluate(config["lr"], config["bs"]))


analysis = tune.run(
    trainable,
    config={
        "lr": tune.uniform(1e-5, 1e-1),
        "wd": tune.loguniform(1e-2, 1e-6),
        "bs": np.random.choice([16, 32]),
        "arch": {"grid_search": ["resnet18", "resnet50"]},
    },
    metric="accuracy",
    mode="max",
    num_samples=4,
)
'''


def test_legacy_tune_run(write):
    (study,) = _read(LEGACY).studies
    assert study.method.name == "BasicVariantGenerator" and study.method.kind is MethodKind.RANDOM
    assert (study.objective.name.value, study.objective.goal) == ("accuracy", "maximize")
    assert study.budget.value == 4
    arch = study.parameter("arch")
    assert (arch.space, arch.distribution, [v.value for v in arch.values]) == (
        Space.CATEGORICAL, "grid_search", ["resnet18", "resnet50"],
    )
    bs = study.parameter("bs")
    assert bs.space is Space.CONSTANT and isinstance(bs.constant_value, Opaque)

    folder = write({"tune_legacy.py": textwrap.dedent(LEGACY)})
    _, found = lint_json(str(folder / "tune_legacy.py"), "--select", "SL1,SL4,SL004")
    got = sorted((d["code"], d["line"], d["column"]) for d in found)
    assert ("SL101", 12, _col(LEGACY, 12, "1e-5")) in got
    assert ("SL109", 14, _col(LEGACY, 14, "np.random")) in got
    assert not [g for g in got if g[0] in ("SL403", "SL404")]  # random dimensions too: no grid repeat
    messages = {(d["code"], d["line"]): d["message"] for d in found}
    assert "tune.loguniform(low, high)" in [d["help"] for d in found if (d["code"], d["line"]) == ("SL101", 12)][0]
    assert "for 'bs' is evaluated once" in messages[("SL109", 14)]
    assert ("SL004", 13, _col(LEGACY, 13, "1e-2")) in got  # tune.loguniform(1e-2, 1e-6): reversed


def test_grid_only_space_repeated_by_num_samples(write):
    text = '''\
    from ray import tune
    from ray.tune.search.optuna import OptunaSearch

    space = {"lr": tune.grid_search([1e-3, 1e-2]), "wd": tune.grid_search([0.0, 0.1]), "epochs": 5}
    tuner = tune.Tuner(train, param_space=space, tune_config=tune.TuneConfig(num_samples=3))
    sampled = {"opt": tune.sample_from(lambda spec: "adam"), "lr": tune.grid_search([0.1])}
    other = tune.Tuner(train, param_space=sampled, tune_config=tune.TuneConfig(search_alg=OptunaSearch(), metric="loss", mode="min"))
    '''
    f = _read(text)
    first, second = f.studies
    assert first.method.kind is MethodKind.GRID  # only grid dimensions: BasicVariantGenerator runs the grid
    assert second.method.name == "OptunaSearch"
    assert second.parameter("opt").distribution == "sample_from"

    folder = write({"tune_grid.py": textwrap.dedent(text)})
    _, found = lint_json(str(folder / "tune_grid.py"), "--select", "SL403,SL404")
    got = sorted((d["code"], d["line"], d["column"]) for d in found)
    assert got == [
        ("SL403", 5, _col(text, 5, "3)")),
        ("SL404", 6, _col(text, 6, "tune.sample_from")),
        ("SL404", 6, _col(text, 6, "tune.grid_search")),
    ]
    messages = {(d["code"], d["column"]): d["message"] + "\n" + (d["help"] or "") for d in found}
    assert "repeats the whole grid (4 points over lr, wd) 3 times\n12 trials" in messages[("SL403", _col(text, 5, "3)"))]


def test_randint_upper_bound_and_a_space_without_tuner():
    text = '''\
    from ray import tune

    SEARCH_SPACE = {
        "num_layers": tune.randint(1, 4),
        "hidden": tune.qrandint(64, 512, 64),
    }
    '''
    (study,) = _read(text, "spaces.py").studies
    assert study.method is None and study.name == "SEARCH_SPACE"
    layers = study.parameter("num_layers")
    assert (layers.low.value, layers.high.value, layers.high_inclusive) == (1, 4, False)
    assert study.parameter("hidden").high_inclusive


def test_python_files_without_tune_calls_are_not_sweeps():
    text = '''\
    import ray

    ray.init()
    result = ray.get(compute.remote(3))
    '''
    assert not _read(text, "cluster.py").is_sweep


def test_a_yaml_only_run_never_imports_libcst(tmp_path):
    (tmp_path / "sweep.yaml").write_text(
        "method: random\nrun_cap: 10\nmetric: {name: val_loss, goal: minimize}\n"
        "parameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n",
        encoding="utf-8",
    )
    driver = (
        "import sys\n"
        "from sweeplint.cli import main\n"
        "code = main(['check', sys.argv[1]])\n"
        "heavy = sorted(m for m in sys.modules if m == 'libcst' or m.startswith('libcst.'))\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-c", driver, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("HEAVY:"))
    assert line == "HEAVY:", line
    # and the same driver does import it for a Ray script, so the check above can fail
    (tmp_path / "tune_run.py").write_text(textwrap.dedent(LEGACY), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", driver, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert "HEAVY:libcst" in proc.stdout


def test_nested_space_held_in_a_variable_for_ray_train():
    text = '''\
    from ray import tune
    from ray.train.torch import TorchTrainer


    def main():
        search_space = {
            "lr": tune.loguniform(1e-4, 1e-1),
            "batch_size": tune.choice([32, 64]),
        }
        tuner = tune.Tuner(
            TorchTrainer(train_func),
            param_space={"train_loop_config": search_space, "scaling": dict(workers=2)},
            tune_config=tune.TuneConfig(metric="ptl/val_accuracy", mode="max", num_samples=20),
        )
        tuner.fit()
    '''
    (study,) = _read(text).studies  # the inner dict is not read a second time as a study of its own
    assert [(p.name, p.key_span.line) for p in study.parameters] == [
        ("train_loop_config.lr", 7), ("train_loop_config.batch_size", 8), ("scaling.workers", 12),
    ]
    assert (study.objective.name.value, study.objective.goal) == ("ptl/val_accuracy", "maximize")


def test_optuna_search_define_by_run_space_is_the_ray_study_space(write):
    text = '''\
    from ray import tune
    from ray.tune.search.optuna import OptunaSearch


    def define_by_run(trial):
        optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam"])
        if optimizer == "sgd":
            trial.suggest_float("momentum", 0.5, 0.99)
        for i in range(3):
            trial.suggest_int("units", 8, 64)
        trial.suggest_float("lr", 1e-5, 1e-1)
        return {"epochs": 10}


    searcher = OptunaSearch(space=define_by_run, metric="val_loss", mode="min")
    tuner = tune.Tuner(train, param_space={"epochs": 10}, tune_config=tune.TuneConfig(search_alg=searcher, num_samples=30))
    '''
    f = _read(text)
    (study,) = f.studies  # one study: the Ray one, whose space the function defines
    assert study.format == "ray" and study.method.name == "OptunaSearch"
    assert [p.name for p in study.parameters] == ["epochs", "optimizer", "momentum", "units", "lr"]
    assert study.parameter("momentum").condition.values == ("sgd",)
    assert (study.objective.name.value, study.objective.goal) == ("val_loss", "minimize")

    folder = write({"tune_optuna.py": textwrap.dedent(text)})
    _, found = lint_json(str(folder / "tune_optuna.py"), "--select", "SL1,SL4")
    got = sorted((d["code"], d["line"]) for d in found)
    assert got == [("SL101", 11), ("SL401", 10)]


def test_a_metric_named_through_a_local_variable(tmp_path):
    # The metric and mode are held in variables of the function that builds the Tuner.
    from conftest import lint_json

    (tmp_path / "tune_it.py").write_text(
        "from ray import tune\n\n\ndef main():\n    metric_name = 'train/loss'\n    metric_mode = 'min'\n"
        "    tuner = tune.Tuner('trainable', param_space={'lr': tune.loguniform(1e-4, 1e-1)},\n"
        "                       tune_config=tune.TuneConfig(metric=metric_name, mode=metric_mode, num_samples=20))\n"
        "    tuner.fit()\n", encoding="utf-8")
    code, found = lint_json("tune_it.py", "--select", "SL311", cwd=tmp_path)
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SL311", 5, 19)]
    assert "'train/loss', a training metric" in found[0]["message"]
