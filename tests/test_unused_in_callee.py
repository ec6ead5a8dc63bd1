"""SL201 across a call: a swept value handed to a project function whose parameter is never used."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def lint(write, files: dict[str, str], target: str):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return [d for d in lint_paths([str(folder / target)], Settings(root=folder)).diagnostics if d.code == "SL201"]


OPTUNA = """
    import optuna


    def fit(model, epochs=10, lr=1e-3, patience=5):
        optimizer = make_optimizer(model, lr=lr)
        for epoch in range(epochs):
            step(model, optimizer)
        return evaluate(model)


    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        patience = trial.suggest_int("patience", 2, 20)
        return fit(build(), epochs=20, lr=lr, {passed})


    study = optuna.create_study(direction="minimize")
    study.optimize(objective, n_trials=50)
"""


def test_an_optuna_suggestion_handed_to_a_parameter_the_function_never_uses(write):
    found = lint(write, {"tune.py": OPTUNA.format(passed="patience=patience")}, "tune.py")
    assert [(d.span.line, d.span.column) for d in found] == [(13, 34)]
    assert "patience is swept, but the program only hands it to the parameter 'patience' of fit (" in found[0].message
    assert "tune.py:4), which never uses it" in found[0].message


def test_a_positional_argument_maps_to_its_parameter(write):
    source = OPTUNA.replace("epochs=20, lr=lr, {passed}", "20, lr, patience")
    found = lint(write, {"tune.py": source}, "tune.py")
    assert [(d.span.line, "'patience' of fit" in d.message) for d in found] == [(13, True)]


def test_silent_when_the_parameter_is_used_or_may_be(write):
    used = OPTUNA.replace("return evaluate(model)", "return evaluate(model, patience)")
    assert lint(write, {"tune.py": used.format(passed="patience=patience")}, "tune.py") == []
    dynamic = OPTUNA.replace("return evaluate(model)", "return evaluate(model, **locals())")
    assert lint(write, {"tune.py": dynamic.format(passed="patience=patience")}, "tune.py") == []
    # the value also used outside the call
    logged = OPTUNA.replace("    return fit(", "    print(patience)\n    return fit(")
    assert lint(write, {"tune.py": logged.format(passed="patience=patience")}, "tune.py") == []
    # a callee that takes it through **kwargs
    kwargs = OPTUNA.replace("patience=5):", "**kwargs):")
    assert lint(write, {"tune.py": kwargs.format(passed="patience=patience")}, "tune.py") == []


W_SWEEP = """
    program: train.py
    method: random
    metric: {name: val_loss, goal: minimize}
    parameters:
      lr:
        values: [0.1, 0.01]
      warmup:
        values: [0, 100, 500]
"""
W_TRAIN = """
    import wandb
    from helpers.build import make_trainer

    run = wandb.init()
    config = wandb.config
    warmup = config.warmup
    trainer = make_trainer(config.lr, warmup)
    for epoch in range(10):
        wandb.log({"val_loss": trainer.step()})
"""
W_HELPERS = """
    def make_trainer(lr, warmup_steps):
        return Trainer(lr=lr, schedule=schedule(lr, {use}))


    def schedule(lr, warmup):
        return Constant(lr)


    class Trainer:
        def __init__(self, lr, schedule):
            self.lr = lr
            self.schedule = schedule
"""


def test_a_wandb_value_passed_on_through_two_project_functions_in_another_module(write):
    files = {"sweep.yaml": W_SWEEP, "train.py": W_TRAIN, "helpers/__init__.py": "",
             "helpers/build.py": W_HELPERS.format(use="warmup_steps")}
    found = lint(write, files, "sweep.yaml")
    assert [(d.span.line, d.span.column) for d in found] == [(7, 3)]
    assert "warmup is swept, but the program only hands it to the parameter 'warmup' of schedule (" in found[0].message
    assert "helpers/build.py:5), which never uses it" in found[0].message


def test_silent_when_the_inner_function_uses_the_value(write):
    helpers = W_HELPERS.format(use="warmup_steps").replace("return Constant(lr)", "return Linear(lr, warmup)")
    files = {"sweep.yaml": W_SWEEP, "train.py": W_TRAIN, "helpers/__init__.py": "", "helpers/build.py": helpers}
    assert lint(write, files, "sweep.yaml") == []
    # a name imported from a module outside the project is not followed
    outside = W_TRAIN.replace("from helpers.build import make_trainer", "from trainers import make_trainer")
    files = {"sweep.yaml": W_SWEEP, "train.py": outside, "helpers/__init__.py": "", "helpers/build.py": helpers}
    assert lint(write, files, "sweep.yaml") == []


COPY_SWEEP = """
    program: train.py
    method: random
    metric: {name: val_acc, goal: maximize}
    parameters:
      rate:
        values: [8000, 16000]
      lr:
        values: [0.01, 0.001]
"""
COPY_TRAIN = """
    import wandb


    def main(cfg):
        wandb.init(config={"rate": cfg.data.rate, "lr": cfg.optim.lr})
        cfg.data.rate = wandb.config.rate
        cfg.optim.lr = wandb.config.lr
        print(cfg)
        data = load(cfg.data.path, folds=cfg.data.folds)
        model = build(cfg.optim)
        wandb.log({"val_acc": fit(model, data)})


    main(load_config())
"""


def test_a_swept_value_copied_into_a_config_key_nothing_reads_afterwards(write):
    found = lint(write, {"sweep.yaml": COPY_SWEEP, "train.py": COPY_TRAIN}, "sweep.yaml")
    assert [(d.span.line, d.span.column) for d in found] == [(5, 3)]
    assert found[0].message == ("rate is swept, but the program only copies it into cfg.data.rate (train.py:6) "
                                "and never reads cfg.data.rate afterwards")


def test_silent_when_the_key_or_its_section_is_read_after_the_copy(write):
    for use in ("data = load(cfg.data)", "data = load(cfg.data.rate)", "data = load(cfg)"):
        source = COPY_TRAIN.replace("data = load(cfg.data.path, folds=cfg.data.folds)", use)
        assert lint(write, {"sweep.yaml": COPY_SWEEP, "train.py": source}, "sweep.yaml") == [], use
    looped = COPY_TRAIN.replace("    cfg.data.rate = wandb.config.rate\n", "    for _ in range(2):\n        cfg.data.rate = wandb.config.rate\n")
    assert lint(write, {"sweep.yaml": COPY_SWEEP, "train.py": looped}, "sweep.yaml") == []
