"""SL409 says once per file that a deprecated spelling is used, at its first use, and how often."""

from __future__ import annotations

from lintkit import codes, lint_tree


def test_one_finding_per_deprecated_wandb_distribution(tmp_path):
    found = codes(lint_tree(tmp_path, {"sweep.yaml": """\
        method: random
        run_cap: 50
        parameters:
          lr: {distribution: log_uniform, min: -9.2, max: -2.3}
          wd: {distribution: log_uniform, min: -11.5, max: -4.6}
          eps: {distribution: log_uniform, min: -18.4, max: -13.8}
          width: {distribution: q_log_uniform, min: 3, max: 7, q: 1}
        """}), "SL409")
    assert [(line, col) for _, line, col, _ in found] == [(4, 22), (7, 25)]
    assert found[0][3].startswith("lr uses log_uniform, a legacy distribution")
    assert found[0][3].split("\n")[0].endswith("; 2 more uses in this file")
    assert found[0][3].endswith("The same holds for wd, eps.")
    assert "more use" not in found[1][3]


def test_one_finding_per_deprecated_optuna_suggest(tmp_path):
    found = codes(lint_tree(tmp_path, {"objective.py": """\
        def objective(trial):
            lr = trial.suggest_loguniform("lr", 1e-5, 1e-1)
            wd = trial.suggest_loguniform("wd", 1e-6, 1e-2)
            dropout = trial.suggest_uniform("dropout", 0.0, 0.5)
            return train(lr, wd, dropout)
        """}), "SL409")
    assert [(line, msg.split(";")[0][:40], msg.split("\n")[0].endswith("1 more use in this file") and msg.endswith("for wd.")) for _, line, _, msg in found] == [
        (2, "lr: trial.suggest_loguniform is deprecat", True),
        (4, "dropout: trial.suggest_uniform is deprecat"[:40], False),
    ]


def test_hydra_legacy_search_space_is_one_finding(tmp_path):
    found = codes(lint_tree(tmp_path, {"config.yaml": """\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            n_trials: 20
            search_space:
              lr: {type: float, low: 0.0001, high: 0.1, log: true}
              layers: {type: int, low: 2, high: 6}
              act: {type: categorical, choices: [relu, gelu]}
        """}), "SL409")
    [(_, line, col, msg)] = found
    assert (line, col) == (7, 18) and msg.split("\n")[0].endswith("2 more uses in this file") and msg.endswith("for layers, act.")
