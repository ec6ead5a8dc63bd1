"""Nested W&B parameter groups: a choice governs the parameters of its own group and of the groups
nested in it, never another group's (issue 14: N groups gave N^2 findings pairing unrelated groups)."""

from __future__ import annotations

from lintkit import codes, lint_tree

TRAIN = "import wandb\nrun = wandb.init()\nwandb.log({'val_loss': 1})\n"


def _group(name: str, optimizers: str, indent: str = "  ") -> str:
    return (f"{indent}{name}:\n{indent}  parameters:\n"
            f"{indent}    optimizer:\n{indent}      values: [{optimizers}]\n"
            f"{indent}    learning_rate:\n{indent}      distribution: log_uniform_values\n"
            f"{indent}      min: 0.0001\n{indent}      max: 0.1\n")


HEAD = "program: train.py\nmethod: random\nrun_cap: 50\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"


def test_each_group_learning_rate_is_paired_only_with_its_own_optimizer(tmp_path):
    sweep = HEAD + _group("encoder", "sgd, adam") + _group("decoder", "adam, adamw") + _group("head", "sgd, adam")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep, "train.py": TRAIN}), "SL303")
    # encoder's and head's learning rates are shared by SGD and Adam; decoder's Adam and AdamW share
    # one range by design. Nothing pairs one group's range with another group's optimizer.
    assert [(line, col) for _, line, col, _ in found] == [(10, 7), (26, 7)]
    assert "encoder.learning_rate is one search range shared by encoder.optimizer=sgd and encoder.optimizer=adam" in found[0][3]
    assert "head.learning_rate is one search range shared by head.optimizer=sgd and head.optimizer=adam" in found[1][3]


def test_a_top_level_optimizer_governs_every_group(tmp_path):
    sweep = HEAD + "  optimizer:\n    values: [sgd, adam]\n" + (
        "  encoder:\n    parameters:\n      learning_rate:\n        min: 0.0001\n        max: 0.1\n")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep, "train.py": TRAIN}), "SL303")
    assert [(line, col) for _, line, col, _ in found] == [(10, 7)]
    assert "shared by optimizer=sgd and optimizer=adam" in found[0][3]


def test_a_choice_in_an_outer_group_governs_the_groups_nested_in_it(tmp_path):
    inner = "      block:\n        parameters:\n          learning_rate:\n            min: 0.0001\n            max: 0.1\n"
    sweep = HEAD + "  model:\n    parameters:\n      optimizer:\n        values: [sgd, adam]\n" + inner + _group("other", "adam, adamw")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep, "train.py": TRAIN}), "SL303")
    assert [(line, col, msg.split(" is ")[0]) for _, line, col, msg in found] == [(12, 11, "model.block.learning_rate")]


def test_with_several_choices_none_of_them_governing_a_parameter_it_is_not_paired(tmp_path):
    # Which of two groups' optimizers trains a top-level learning rate cannot be read from the config.
    sweep = HEAD + "  learning_rate:\n    min: 0.0001\n    max: 0.1\n" + (
        "  a:\n    parameters:\n      optimizer:\n        values: [sgd, adam]\n"
        "  b:\n    parameters:\n      optimizer:\n        values: [sgd, adam]\n")
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep, "train.py": TRAIN}), "SL303") == []
