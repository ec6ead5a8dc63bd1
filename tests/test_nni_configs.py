"""NNI v2 experiment configs in either spelling, and a linked search space reported on one file."""

from __future__ import annotations

from lintkit import codes, lint_tree
from sweeplint.model import MethodKind
from sweeplint.read import read_config

SPACE = """\
{
  "lr": {"_type": "uniform", "_value": [0.0001, 0.1]},
  "batch_size": {"_type": "choice", "_value": [16, 32]}
}
"""

SNAKE = """\
experiment_name: mnist
search_space_file: search_space.json
trial_command: python3 mnist.py
trial_code_directory: .
trial_concurrency: 2
max_trial_number: 20
tuner:
  name: TPE
  class_args:
    optimize_mode: maximize
training_service:
  platform: local
"""


def test_a_snake_case_v2_config_is_read_like_a_camel_case_one(tmp_path):
    (tmp_path / "search_space.json").write_text(SPACE)
    config = tmp_path / "config.yml"
    snake = read_config(str(config), SNAKE, False)
    camel_text = (SNAKE.replace("experiment_name", "experimentName").replace("search_space_file", "searchSpaceFile")
                  .replace("trial_command", "trialCommand").replace("trial_code_directory", "trialCodeDirectory")
                  .replace("trial_concurrency", "trialConcurrency").replace("max_trial_number", "maxTrialNumber")
                  .replace("class_args", "classArgs").replace("training_service", "trainingService"))
    camel = read_config(str(config), camel_text, False)
    assert snake.format == camel.format == "nni"
    [s], [c] = snake.studies, camel.studies
    assert s.unknown_keys == c.unknown_keys == ()
    assert s.method.kind is c.method.kind is MethodKind.MODEL_BASED
    assert (s.objective.goal, s.budget.value, s.name) == (c.objective.goal, c.budget.value, c.name) == ("maximize", 20, "mnist")
    assert [p.name for p in s.parameters] == [p.name for p in c.parameters] == ["lr", "batch_size"]
    assert [w.value for w in s.command] == [w.value for w in c.command]


def test_a_misspelt_snake_case_key_is_suggested_in_snake_case(tmp_path):
    found = lint_tree(tmp_path, {"search_space.json": SPACE, "config.yml": SNAKE.replace("trial_concurrency", "trial_concurency")})
    [(_, line, col, msg)] = codes(found, "SL002")
    assert (line, col) == (5, 1) and "did you mean 'trial_concurrency'?" in msg


def test_a_linked_search_space_is_reported_once_on_its_own_file(tmp_path):
    found = lint_tree(tmp_path, {"search_space.json": SPACE, "config.yml": SNAKE})
    [(where, line, col, msg)] = codes(found, "SL101")
    assert (where, line, col) == ("search_space.json", 2, 41) and "lr (learning rate)" in msg


def test_the_space_findings_still_show_when_only_the_config_is_checked(tmp_path):
    found = lint_tree(tmp_path, {"search_space.json": SPACE, "config.yml": SNAKE}, target="config.yml")
    assert [(where, line, col) for where, line, col, _ in codes(found, "SL101")] == [("search_space.json", 2, 41)]


def test_findings_that_need_the_config_stay_on_the_config(tmp_path):
    space = '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}, "seed": {"_type": "choice", "_value": [1, 2, 3]}}\n'
    found = lint_tree(tmp_path, {"search_space.json": space, "config.yml": SNAKE})
    assert [where for where, *_ in codes(found, "SL310")] == ["config.yml"]
