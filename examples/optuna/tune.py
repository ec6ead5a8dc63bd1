"""An Optuna study with a shared learning rate and a name reused in a loop."""

import optuna


def objective(trial):
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd"])
    lr = trial.suggest_float("lr", 1e-5, 1e-1)
    layers = []
    for i in range(trial.suggest_int("n_layers", 1, 4)):
        layers.append(trial.suggest_int("units", 16, 256))
    if optimizer == "sgd":
        momentum = trial.suggest_float("momentum", 0.5, 0.99)
    accuracy = train(optimizer, lr, layers)
    return accuracy


study = optuna.create_study(sampler=optuna.samplers.TPESampler(n_startup_trials=5))
study.optimize(objective, n_trials=50)
