"""Optuna search spaces in Python: what the reader sees, and what a user is told."""

from __future__ import annotations

import textwrap

from conftest import lint_json

from sweeplint.model import Condition, MethodKind, Opaque, Space
from sweeplint.read import read_path


def _read(text: str, name: str = "objective.py"):
    return read_path(name, explicit=True, text=textwrap.dedent(text))


def _col(text: str, line: int, needle: str) -> int:
    """1-based column of `needle` on a 1-based line of the dedented text."""
    return textwrap.dedent(text).splitlines()[line - 1].index(needle) + 1


PYTORCH_OBJECTIVE = '''\
import optuna
import torch

N_LAYERS = 3
LR_MAX = 1e-1


def define_model(trial):
    layers = []
    for i in range(N_LAYERS):
        out_features = trial.suggest_int(f"n_units_l{i}", 4, 128, log=True)
        layers.append(torch.nn.Linear(4, out_features))
        p = trial.suggest_float("dropout_l{}".format(i), 0.2, 0.5)
    return torch.nn.Sequential(*layers)


def objective(trial):
    model = define_model(trial)
    optimizer_name = trial.suggest_categorical("optimizer", ["Adam", "RMSprop", "SGD"])
    lr = trial.suggest_float("lr", 1e-5, LR_MAX, log=True)
    if optimizer_name == "SGD":
        momentum = trial.suggest_float("momentum", 0.0, 0.99)
    elif optimizer_name == "RMSprop":
        alpha = trial.suggest_float("alpha", 0.8, 0.999, step=0.001)
    else:
        beta2 = trial.suggest_float("beta2", 0.9, 0.9999)
    use_wd = trial.suggest_categorical("use_wd", [True, False])
    if use_wd:
        wd = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
    batch_size = trial.suggest_int("batch_size", 16, 256, step=16)
    val_accuracy = train(model, optimizer_name, lr, batch_size)
    return val_accuracy


if __name__ == "__main__":
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(n_startup_trials=10, seed=0),
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5),
    )
    study.optimize(objective, n_trials=100, timeout=600)
'''


def test_objective_parameters_conditions_and_study():
    f = _read(PYTORCH_OBJECTIVE)
    assert f.format == "optuna" and not f.problems
    (study,) = f.studies
    assert (study.format, study.loader, study.name) == ("optuna", "python", "objective")
    by_name = {p.name: p for p in study.parameters}
    # The objective passed to study.optimize first, then the other functions taking a trial.
    assert list(by_name) == [
        "optimizer", "lr", "momentum", "alpha", "beta2", "use_wd", "weight_decay", "batch_size",
        "n_units_l{i}", '"dropout_l{}".format(i)',
    ]

    units = by_name["n_units_l{i}"]
    assert (units.space, units.integer, units.log, units.low.value, units.high.value) == (Space.INT, True, True, 4, 128)

    optimizer = by_name["optimizer"]
    assert optimizer.space is Space.CATEGORICAL
    assert [v.value for v in optimizer.values] == ["Adam", "RMSprop", "SGD"]
    line = 19
    assert (optimizer.key_span.line, optimizer.key_span.column) == (line, _col(PYTORCH_OBJECTIVE, line, '"optimizer"'))
    assert optimizer.values[1].span.column == _col(PYTORCH_OBJECTIVE, line, '"RMSprop"')

    lr = by_name["lr"]
    assert lr.log and lr.high.value == 1e-1 and lr.high.text == "LR_MAX"  # a module constant, resolved

    assert by_name["momentum"].condition == Condition("optimizer", ("SGD",))
    alpha = by_name["alpha"]
    assert alpha.condition == Condition("optimizer", ("RMSprop",))
    assert (alpha.space, alpha.q.value) == (Space.QUANTIZED, 0.001)
    assert by_name["beta2"].condition == Condition("optimizer", ("Adam",))  # the else branch: what is left
    assert by_name["weight_decay"].condition == Condition("use_wd", (True,))
    assert by_name["lr"].condition is None

    batch = by_name["batch_size"]
    assert (batch.space, batch.q.value, batch.deprecated) == (Space.INT, 16, None)

    assert study.method.name == "TPESampler" and study.method.kind is MethodKind.MODEL_BASED
    assert study.method.get("n_startup_trials").value == 10
    assert study.objective.goal == "maximize"
    assert study.objective.name.value == "val_accuracy"
    assert study.objective.goal_span.line == 37
    assert study.budget.value == 100 and study.budget.span.line == 41
    assert study.early_stopping.kind == "MedianPruner"
    assert study.early_stopping.get("n_warmup_steps").value == 5


def test_a_well_formed_objective_has_no_config_findings(write):
    # Config, search-space, code-link and tool-specific rules; the methodology rules (SL3xx) have
    # real things to say about this study (an inferred exploration round under TPE...).
    folder = write({"objective.py": PYTORCH_OBJECTIVE})
    code, found = lint_json(str(folder / "objective.py"), "--select", "SL0,SL1,SL2,SL4")
    assert [(d["code"], d["line"]) for d in found] == []
    assert code == 0


def test_linear_learning_rate_and_deprecated_spellings(write):
    text = '''\
    import optuna


    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1)
        wd = trial.suggest_loguniform("weight_decay", 1e-6, 1e-2)
        momentum = trial.suggest_uniform("momentum", 0.5, 0.99)
        subsample = trial.suggest_discrete_uniform("subsample", 0.1, 1.0, 0.1)
        layers = trial.suggest_int("layers", 1, 8, 1, True)
        return evaluate(lr, wd, momentum, subsample, layers)


    study = optuna.create_study()
    study.optimize(objective, n_trials=50)
    '''
    folder = write({"objective.py": textwrap.dedent(text)})
    code, found = lint_json(str(folder / "objective.py"), "--ignore", "SL326")  # an in-memory study: not this test's point
    got = sorted((d["code"], d["line"], d["column"]) for d in found)
    assert got == [
        ("SL101", 5, _col(text, 5, "1e-5")),
        ("SL409", 6, _col(text, 6, "suggest_loguniform")),
        ("SL409", 7, _col(text, 7, "suggest_uniform")),
        ("SL409", 8, _col(text, 8, "suggest_discrete_uniform")),
        ("SL409", 9, _col(text, 9, "suggest_int")),
    ]
    messages = {d["line"]: f'{d["message"]} {d["help"]}' for d in found}
    assert 'suggest_float("weight_decay", 1e-6, 1e-2, log=True)' in messages[6]
    assert 'suggest_float("subsample", 0.1, 1.0, step=0.1)' in messages[8]
    assert "by position" in messages[9]
    assert "suggest_float(..., log=True)" in messages[5]
    assert code == 1

    f = _read(text)
    wd = f.studies[0].parameter("weight_decay")
    assert wd.log and wd.space is Space.UNIFORM
    layers = f.studies[0].parameter("layers")
    assert layers.log and layers.integer  # step and log given by position still count
    assert f.studies[0].method.name == "TPESampler"  # Optuna's default single-objective sampler
    assert f.studies[0].objective.goal_span is None and f.studies[0].objective.goal == "minimize"


def test_constant_name_in_a_loop_and_a_name_with_two_distributions(write):
    text = '''\
    def objective(trial):
        n_layers = trial.suggest_int("n_layers", 1, 4)
        for i in range(n_layers):
            units = trial.suggest_int("n_units", 4, 128)
        widths = [trial.suggest_int("width", 8, 64) for _ in range(3)]
        kind = trial.suggest_categorical("kind", ["tree", "linear"])
        if kind == "tree":
            depth = trial.suggest_int("depth", 2, 16)
        else:
            depth = trial.suggest_int("depth", 1, 3)
        return score(units, widths, depth)
    '''
    folder = write({"objective.py": textwrap.dedent(text)})
    _, found = lint_json(str(folder / "objective.py"), "--select", "SL401")
    got = sorted((d["line"], d["column"]) for d in found)
    assert got == [
        (4, _col(text, 4, '"n_units"')),
        (5, _col(text, 5, '"width"')),
        (10, _col(text, 10, '"depth"')),
    ]
    by_line = {d["line"]: d["message"] for d in found}
    help_by_line = {d["line"]: d["help"] for d in found}
    assert "loop" in by_line[4] and 'f"n_units_{i}"' in help_by_line[4]
    assert "suggest_int(1, 3) here but as suggest_int(2, 16) at line 8" in by_line[10]

    f = _read(text)
    depths = [p for p in f.studies[0].parameters if p.name == "depth"]
    assert [p.condition for p in depths] == [Condition("kind", ("tree",)), Condition("kind", ("linear",))]


def test_same_name_and_distribution_in_two_branches_is_one_parameter():
    text = '''\
    def objective(trial):
        opt = trial.suggest_categorical("opt", ["adam", "adamw", "sgd"])
        if opt == "adam":
            lr = trial.suggest_float("lr", 1e-5, 1e-2, log=True)
        elif opt in ("adamw",):
            lr = trial.suggest_float("lr", 1e-5, 1e-2, log=True)
        if not opt == "sgd":
            pass
        return lr
    '''
    (study,) = _read(text).studies
    lrs = [p for p in study.parameters if p.name == "lr"]
    assert len(lrs) == 1
    assert lrs[0].condition == Condition("opt", ("adam", "adamw"))
    assert not [p for p in study.problems]


def test_grid_sampler_replaces_the_distributions(write):
    text = '''\
    import random

    import optuna

    search_space = {
        "lr": [1e-4, 1e-3, 1e-2, 0.5],
        "batch_size": [32, 64],
        "seed": [random.randint(0, 100)],
    }


    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        batch_size = trial.suggest_int("batch_size", 16, 128)
        seed = trial.suggest_int("seed", 0, 100)
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        return train(lr, batch_size, seed, dropout)


    study = optuna.create_study(sampler=optuna.samplers.GridSampler(search_space))
    study.optimize(objective, n_trials=8)
    '''
    (study,) = _read(text).studies
    assert study.method.name == "GridSampler" and study.method.kind is MethodKind.GRID
    lr = study.parameter("lr")
    assert lr.space is Space.CATEGORICAL and [v.value for v in lr.values] == [1e-4, 1e-3, 1e-2, 0.5]
    assert lr.key_span.line == 6  # the grid's key: the values come from there
    assert study.parameter("dropout").space is Space.UNIFORM

    folder = write({"objective.py": textwrap.dedent(text)})
    _, found = lint_json(str(folder / "objective.py"), "--select", "SL003,SL108,SL109")
    got = sorted((d["code"], d["line"], d["column"]) for d in found)
    assert got == [
        ("SL003", 6, _col(text, 6, "0.5")),
        ("SL003", 16, _col(text, 16, '"dropout"')),
        ("SL109", 8, _col(text, 8, "random.randint")),
    ]
    messages = {d["line"]: d["message"] for d in found}
    assert "outside trial.suggest_float('lr', 1e-5, 1e-1, log=True)" in messages[6]
    assert "not in the GridSampler search space" in messages[16]


def test_hydra_custom_search_space_and_optuna_search_space_function():
    text = '''\
    from omegaconf import DictConfig
    from optuna.trial import Trial


    def configure(cfg: DictConfig, trial: Trial) -> None:
        x_value = trial.params["x"]
        trial.suggest_float("z", x_value - cfg.max_z_difference_from_x, x_value + cfg.max_z_difference_from_x)
        trial.suggest_float("+w", 0.0, 1.0)
    '''
    (study,) = _read(text, "custom_search_space.py").studies
    assert [p.name for p in study.parameters] == ["z", "+w"]
    z = study.parameter("z")
    assert z.space is Space.UNIFORM and isinstance(z.low.value, Opaque)
    assert study.method is None and study.objective is None

    ray_text = '''\
    from ray import tune
    from ray.tune.search.optuna import OptunaSearch


    def define_by_run(t):
        act = t.suggest_categorical("activation", ["relu", "tanh"])
        if act == "relu":
            t.suggest_float("slope", 0.01, 0.1)
        return {"steps": 100}


    searcher = OptunaSearch(space=define_by_run, metric="loss", mode="min")
    '''
    f = _read(ray_text, "tune_optuna.py")
    optuna_study = next(s for s in f.studies if s.format == "optuna")
    assert optuna_study.parameter("slope").condition == Condition("activation", ("relu",))


def test_multi_objective_lambda_and_callable_class():
    text = '''\
    import optuna


    def objective(tr, data):
        n = tr.suggest_int("n_estimators", 10, 500, log=True)
        accuracy, flops = fit(data, n)
        return accuracy, flops


    study = optuna.create_study(directions=["maximize", "minimize"])
    study.optimize(lambda t: objective(t, DATA), n_trials=30)
    '''
    (study,) = _read(text).studies
    assert study.parameter("n_estimators") is not None
    assert study.method.name == "NSGAIISampler"
    assert (study.objective.name.value, study.objective.goal) == ("accuracy", "maximize")
    assert study.budget.value == 30

    cls_text = '''\
    import optuna


    class Objective:
        def __init__(self, data):
            self.data = data

        def __call__(self, t):
            c = t.suggest_float("C", 1e-3, 1e3, log=True)
            return cross_val(self.data, c)["val_f1"]


    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler())
    study.optimize(Objective(data), n_trials=20)
    '''
    (study,) = _read(cls_text).studies
    assert study.parameter("C").log
    assert study.method.kind is MethodKind.RANDOM
    assert study.objective.name.value == "val_f1"


def test_syntax_errors_are_reported_only_in_files_that_look_like_sweeps(write):
    broken_sweep = "import optuna\n\ndef objective(trial):\n    lr = trial.suggest_float('lr', 1e-5 1e-1)\n"
    broken_other = "def helper(:\n    return 1\n"
    folder = write({"objective.py": broken_sweep, "utils.py": broken_other})
    _, found = lint_json(str(folder))
    assert [(d["code"], d["path"].rsplit("/", 1)[-1], d["line"], d["column"]) for d in found] == [
        ("SL001", "objective.py", 4, broken_sweep.splitlines()[3].index("1e-5") + 1),
    ]
    assert "syntax error" in found[0]["message"]
    # Named explicitly (as pre-commit does), a file that is not a sweep is still not reported.
    code, found = lint_json(str(folder / "utils.py"))
    assert (code, found) == (0, [])


def test_python_files_that_are_not_sweeps_are_skipped():
    text = '''\
    class Recommender:
        def suggest_items(self, user):
            return self.model.suggest_float(user)
    '''
    f = _read(text, "recommender.py")
    assert not f.is_sweep


def test_suppression_comments_work_in_python_files(write):
    text = '''\
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1)  # sweeplint: disable=SL101
        return lr
    '''
    folder = write({"objective.py": textwrap.dedent(text)})
    code, found = lint_json(str(folder / "objective.py"))
    assert (code, found) == (0, [])


def test_non_primitive_choices(write):
    text = '''\
    def objective(trial):
        cfg = trial.suggest_categorical("arch", [{"depth": 2}, {"depth": 4}])
        act = trial.suggest_categorical("act", ["relu", "gelu"])
        return run(cfg, act)
    '''
    folder = write({"objective.py": textwrap.dedent(text)})
    _, found = lint_json(str(folder / "objective.py"), "--select", "SL108")
    assert [(d["code"], d["line"], d["column"], d["end_column"]) for d in found] == [
        ("SL108", 2, _col(text, 2, '{"depth": 2}'), _col(text, 2, "])") ),
    ]
    assert "is a dict" in found[0]["message"]


def test_match_statement_cases_are_conditions():
    text = '''\
    def objective(trial):
        optimizer = trial.suggest_categorical("optimizer", ["sgd", "nesterov", "adam", "adamw"])
        match optimizer:
            case "sgd" | "nesterov":
                momentum = trial.suggest_float("momentum", 0.5, 0.99)
            case "adam":
                beta1 = trial.suggest_float("beta1", 0.8, 0.95)
            case _:
                wd = trial.suggest_float("weight_decay", 1e-4, 1e-1, log=True)
        return run(optimizer)
    '''
    (study,) = _read(text).studies
    assert study.parameter("momentum").condition == Condition("optimizer", ("sgd", "nesterov"))
    assert study.parameter("beta1").condition == Condition("optimizer", ("adam",))
    assert study.parameter("weight_decay").condition == Condition("optimizer", ("adamw",))


def test_absurdly_nested_code_is_a_finding_not_a_crash(write):
    # libcst's native parser overflows its stack on such input; it must never be handed it.
    nested = "def objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n    return " + "[" * 2000 + "]" * 2000 + "\n"
    # 20,000 terms: 40,000 tokens, within the budget of tokens a file may have
    chain = "def objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n    return " + " and ".join(["x"] * 20000) + "\n"
    long_sum = "def objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n    return " + " + ".join(["x"] * 20000) + "\n"
    folder = write({"nested.py": nested, "chain.py": chain, "long_sum.py": long_sum})
    code, found = lint_json(str(folder))
    assert code == 1
    assert sorted((d["path"].rsplit("/", 1)[-1], d["code"], d["line"]) for d in found) == [
        ("chain.py", "SL001", 3), ("long_sum.py", "SL001", 1), ("nested.py", "SL001", 3),
    ]
    messages = {d["path"].rsplit("/", 1)[-1]: d["message"] for d in found}
    assert "too many nested parentheses" in messages["nested.py"]
    assert "20000 terms" in messages["chain.py"]
    assert "nested too deeply" in messages["long_sum.py"]
