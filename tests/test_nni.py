"""The NNI reader: search spaces (every _type, nested choices), experiment configs v1 and v2, and rules on them."""

from __future__ import annotations

import json
import textwrap

import pytest

from conftest import CORPUS, corpus_or_skip, lint_json
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file, lint_paths
from sweeplint.model import Condition, MethodKind, Space, Span
from sweeplint.read import read_config, read_path
from sweeplint.rules import by_code
from sweeplint.settings import Settings
from lintkit import shown

SPACE = """\
{
  "optimizer": {"_type": "choice", "_value": [
    {"_name": "sgd", "momentum": {"_type": "uniform", "_value": [0.5, 0.99]}},
    {"_name": "adam"}
  ]},
  "lr": {"_type": "loguniform", "_value": [0.0001, 0.1]},
  "hidden_size": {"_type": "quniform", "_value": [32, 256, 8]},
  "seed": {"_type": "randint", "_value": [0, 10]},
  "dropout": {"_type": "uniform", "_value": [0.1, 0.5]},
  "batch": {"_type": "qloguniform", "_value": [16, 256, 16]},
  "noise": {"_type": "normal", "_value": [0, 1]},
  "shift": {"_type": "qnormal", "_value": [0, 2, 0.5]},
  "scale": {"_type": "lognormal", "_value": [0, 1]},
  "width": {"_type": "qlognormal", "_value": [3, 1, 4]},
  "act": {"_type": "choice", "_value": ["relu", "tanh"]}
}
"""

CONFIG_V2 = """\
experimentName: mnist
searchSpaceFile: search_space.json
trialCommand: python3 mnist.py --epochs 10
trialCodeDirectory: .
trialConcurrency: 2
maxTrialNumber: 20
tuner:
  name: TPE
  classArgs:
    optimize_mode: maximize
    seed: 7
assessor:
  name: Medianstop
  classArgs:
    start_step: 5
trainingService:
  platform: local
"""

CONFIG_V1 = """\
authorName: someone
experimentName: mnist
trialConcurrency: 1
maxExecDuration: 1h
maxTrialNum: 8
trainingServicePlatform: local
searchSpacePath: search_space.json
useAnnotation: false
tuner:
  builtinTunerName: GridSearch
trial:
  command: python3 mnist.py
  codeDir: .
  gpuNum: 0
"""


def read(text: str, path: str):
    return read_config(path, textwrap.dedent(text), True)


def findings(file, code: str) -> list[str]:
    settings = Settings()
    diagnostics = check_file(file, [by_code()[code]], settings, lambda: load_knowledge(settings))
    assert not any(d.code == "SL999" for d in diagnostics), diagnostics
    return [f"{d.span.line}:{d.span.column} {shown(d)}" for d in diagnostics if d.code == code]


def test_every_type_of_a_search_space():
    file = read(SPACE, "search_space.json")
    assert file.format == "nni"
    [study] = file.studies
    assert (study.loader, study.method, study.objective) == ("json", None, None)
    p = study.parameter
    assert (p("lr").space, p("lr").log, p("lr").low.value, p("lr").high.value) == (Space.UNIFORM, True, 0.0001, 0.1)
    assert p("lr").low.span == Span(6, 44, 6, 50) and p("lr").key_span == Span(6, 3, 6, 7)
    assert (p("hidden_size").space, p("hidden_size").q.value, p("hidden_size").integer) == (Space.QUANTIZED, 8, False)
    seed = p("seed")
    assert (seed.space, seed.integer, seed.high_inclusive) == (Space.INT, True, False)     # [lower, upper)
    assert (p("dropout").space, p("dropout").log) == (Space.UNIFORM, False)
    assert (p("batch").space, p("batch").log, p("batch").q.value) == (Space.QUANTIZED, True, 16)
    assert (p("noise").space, p("noise").mu.value, p("noise").sigma.value, p("noise").log) == (Space.NORMAL, 0, 1, False)
    assert (p("shift").space, p("shift").q.value) == (Space.NORMAL, 0.5)
    assert (p("scale").space, p("scale").log) == (Space.NORMAL, True)
    assert (p("width").log, p("width").q.value) == (True, 4)
    assert [v.value for v in p("act").values] == ["relu", "tanh"]


def test_nested_choice_makes_conditional_parameters():
    [study] = read(SPACE, "search_space.json").studies
    optimizer = study.parameter("optimizer")
    assert optimizer.space is Space.CATEGORICAL and [v.value for v in optimizer.values] == ["sgd", "adam"]
    assert optimizer.values[0].span == Span(3, 15, 3, 20)           # the `_name` value
    momentum = study.parameter("optimizer.momentum")
    assert momentum.condition == Condition("optimizer", ("sgd",))
    assert (momentum.low.value, momentum.high.value) == (0.5, 0.99) and momentum.key_span == Span(3, 22, 3, 32)


def test_same_nested_spec_under_several_options_is_one_parameter():
    text = json.dumps({"layer": {"_type": "choice", "_value": [
        {"_name": "Empty"},
        {"_name": "Max_pool", "size": {"_type": "choice", "_value": [2, 3]}},
        {"_name": "Avg_pool", "size": {"_type": "choice", "_value": [2, 3]}},
        {"_name": "Conv", "size": {"_type": "choice", "_value": [1, 3, 5]}},
    ]}})
    [study] = read(text, "space.json").studies
    sizes = [p for p in study.parameters if p.name == "layer.size"]
    assert [(p.condition.values, [v.value for v in p.values]) for p in sizes] == [
        (("Max_pool", "Avg_pool"), [2, 3]), (("Conv",), [1, 3, 5]),
    ]


def test_yaml_search_space_and_scientific_notation_string():
    text = "lr:\n  _type: loguniform\n  _value: [1e-5, 0.1]\n"
    file = read(text, "search_space.yaml")
    [study] = file.studies
    assert study.loader == "yaml1.1" and study.parameter("lr").low.value == "1e-5"
    [message] = findings(file, "SL005")
    assert message.startswith('3:12 the lower bound of lr is written `1e-5`, which NNI reads as the string "1e-5"')
    assert "\n= help: Write `1.0e-5`: the tool gets text where it needs a number." in message
    assert findings(read(text.replace("1e-5", "1.0e-5"), "search_space.yaml"), "SL005") == []
    # the same number in a JSON file is a float
    assert findings(read('{"lr": {"_type": "loguniform", "_value": [1e-5, 0.1]}}', "s.json"), "SL005") == []


def test_invalid_ranges_arities_and_types():
    bad = read(json.dumps({
        "a": {"_type": "uniform", "_value": [0.9, 0.1]},
        "b": {"_type": "uniform", "_value": [0.5, 0.5]},
        "c": {"_type": "quniform", "_value": [1, 10]},
        "d": {"_type": "randint", "_value": [3, 3]},
        "e": {"_type": "unifrom", "_value": [0, 1]},
        "f": {"_type": "loguniform", "_value": [0, 1]},
        "g": {"_type": "choice", "_value": [1, 2], "_vaule": 3},
    }, indent=1), "space.json")
    assert [m.split(" ", 2)[1] for m in findings(bad, "SL004")] == ["a:", "b:", "d:", "f"]
    [arity] = findings(bad, "SL003")
    assert arity.endswith("quniform takes 3 values [low, high, q], but parameter 'c' has 2\n= help: NNI rejects the search space.")
    assert [m.split(" ", 1)[1].split("\n")[0] for m in findings(bad, "SL002")] == [
        "unknown value 'unifrom' in parameter 'e' distribution (did you mean 'uniform'?)",
        "unknown key '_vaule' in parameter 'g' (did you mean '_value'?)",
    ]


def test_linear_learning_rate():
    file = read('{"learning_rate": {"_type": "uniform", "_value": [0.0001, 0.1]}}', "space.json")
    [message] = findings(file, "SL101")
    assert message.startswith("1:51 learning_rate (learning rate) is searched on a linear scale") and "_type: loguniform" in message


def test_v2_config_links_its_search_space(write):
    folder = write({"search_space.json": SPACE, "config.yml": CONFIG_V2})
    file = read_path(str(folder / "config.yml"), True)
    assert file.format == "nni"
    [study] = file.studies
    assert (study.name, study.loader) == ("mnist", "yaml1.1")
    assert study.method.name == "TPE" and study.method.kind is MethodKind.MODEL_BASED
    assert study.method.get("seed").value == 7
    assert study.objective.goal == "maximize" and study.objective.goal_span == Span(10, 20, 10, 28)
    assert study.budget.value == 20 and study.budget.span == Span(6, 17, 6, 19)
    assert study.early_stopping.kind == "Medianstop" and study.early_stopping.get("start_step").value == 5
    assert [w.value for w in study.command] == ["python3", "mnist.py", "--epochs", "10"]
    assert study.command[1].span == Span(3, 23, 3, 31)
    # the space's parameters, placed on the file name in this config
    assert study.parameter("optimizer.momentum").condition == Condition("optimizer", ("sgd",))
    assert {p.key_span for p in study.parameters} == {Span(2, 18, 2, 35)}


def test_v2_inline_search_space_has_exact_spans_and_schema_keys():
    text = CONFIG_V2.replace("searchSpaceFile: search_space.json\n",
                             "searchSpace:\n  lr:\n    _type: loguniform\n    _value: [0.0001, 0.1]\n")
    text = text.replace("maxTrialNumber: 20", "maxTrialNumbr: 20")
    file = read(text, "config.yml")
    [study] = file.studies
    lr = study.parameter("lr")
    assert lr.key_span == Span(3, 3, 3, 5) and lr.low.span == Span(5, 14, 5, 20)
    assert study.budget is None
    assert [m.split("\n")[0] for m in findings(file, "SL002")] == [
        "9:1 unknown key 'maxTrialNumbr' in the experiment config (did you mean 'maxTrialNumber'?)"]


def test_v1_config(write):
    folder = write({"search_space.json": SPACE, "config.yml": CONFIG_V1})
    file = read_path(str(folder / "config.yml"), True)
    [study] = file.studies
    assert study.method.name == "GridSearch" and study.method.kind is MethodKind.GRID
    assert study.budget.value == 8 and study.objective is None
    assert [w.value for w in study.command] == ["python3", "mnist.py"]
    assert len(study.parameters) == 12
    # NNI's grid tuner handles ranges itself: no SL104
    assert findings(file, "SL104") == []
    wrong = read(CONFIG_V1.replace("builtinTunerName: GridSearch", "builtinTunerNam: GridSearch"), "config.yml")
    assert [m.split("\n")[0] for m in findings(wrong, "SL002")] == [
        "10:3 unknown key 'builtinTunerNam' in tuner (did you mean 'builtinTunerName'?)"
    ]


def test_custom_tuner_space_is_neither_read_nor_misread(write):
    """A custom tuner may define its own space format; it is not an NNI search space."""
    custom_space = '{"count": ["Age", "Fare"], "aggregate": [["Fare"], ["Age", "Sex"]]}'
    config = CONFIG_V1.replace("tuner:\n  builtinTunerName: GridSearch\n",
                               "tuner:\n  codeDir: .\n  classFileName: my_tuner.py\n  className: MyTuner\n  classArgs:\n    optimize_mode: maximize\n")
    folder = write({"search_space.json": custom_space, "config.yml": config})
    assert read_path(str(folder / "search_space.json"), False).format is None
    file = read_path(str(folder / "config.yml"), True)
    [study] = file.studies
    assert study.parameters == () and study.method.name == "MyTuner" and study.method.kind is MethodKind.OTHER
    assert study.problems == () and study.unknown_keys == ()
    result = lint_paths([str(folder)], Settings(root=folder))
    assert [d for d in result.diagnostics if d.severity.name == "ERROR"] == []


# --- the real files --------------------------------------------------------------------------

# Files with a real error-level problem, and which.
KNOWN_ERRORS = {
    # NNI's own test skips this file because PyYAML reads `1e-7` as a string
    "microsoft__nni__test__ut__experiment__assets__ss_yaml12.yaml": {"SL005"},
    # NNI's own validation test cases: ranges NNI rejects (high == low)
    "microsoft__nni__test__ut__sdk__assets__search_space.json": {"SL004"},
    # nnictl's negative case: a wrong key in `tuner`
    "microsoft__nni__test__ut__tools__nnictl__config_files__invalid__tuner-wrong-key.yml": {"SL002"},
    # one `lr` range shared by five optimizers (SGD, Adadelta, Adagrad, Adam, Adamax): a methodology error
    "microsoft__nni__examples__trials__cifar10_pytorch__search_space.json": {"SL303"},
}


def test_corpus_reads_and_only_real_problems_are_errors():
    corpus = corpus_or_skip()
    _, diagnostics = lint_json("check", str(corpus / "nni"), str(corpus / "peer_tests" / "nni"), "--exit-zero", "--no-cache")
    errors: dict[str, set[str]] = {}
    for d in diagnostics:
        assert d["code"] != "SL999", d
        if d["severity"] == "error":
            errors.setdefault(d["path"].rsplit("/", 1)[-1], set()).add(d["code"])
    assert errors == KNOWN_ERRORS


@pytest.mark.parametrize("name", sorted(p.name for p in (CORPUS / "nni").iterdir() if p.suffix in (".json", ".yml", ".yaml"))
                         if (CORPUS / "nni").is_dir() else [])
def test_each_corpus_file_is_read(name):
    path = corpus_or_skip() / "nni" / name
    file = read_path(str(path), True)
    if name == "SpongebBob__tabular_automl_NNI__benchmark__titanic__search_space.json":
        assert file.format is None and not file.problems      # a custom tuner's own format
    else:
        assert file.format == "nni" and file.studies, name


TRAIN = """\
import nni
import torch.nn as nn

params = nni.get_next_parameter()
hidden = params["hidden"]
model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
layers = [nn.Linear(64, 64) for _ in range(int(params["depth"]))]
nni.report_final_result(evaluate(model))
"""


def test_trial_code_directory_links_the_program_and_quantized_floats_are_caught(write):
    space = json.dumps({
        "hidden": {"_type": "quniform", "_value": [32, 256, 8]},
        "depth": {"_type": "quniform", "_value": [1, 4, 1]},
    })
    config = CONFIG_V2.replace("trialCodeDirectory: .", "trialCodeDirectory: code").replace("mnist.py --epochs 10", "train.py")
    folder = write({"search_space.json": space, "config.yml": config, "code/train.py": TRAIN})
    [study] = read_path(str(folder / "config.yml"), True).studies
    assert [w.value for w in study.command] == ["python3", "code/train.py"]
    assert study.command[1].text == "train.py"
    diagnostics = [d for d in lint_paths([str(folder / "config.yml")], Settings(root=folder)).diagnostics if d.code == "SL407"]
    # `hidden` goes to nn.Linear as a float; `depth` is cast with int() first. The search space finds
    # its program through the config that names it, so the finding sits at the distribution itself.
    assert [(d.path.rsplit("/", 1)[-1], d.span.line, d.span.column) for d in diagnostics] == [("search_space.json", 1, 22)]
    assert diagnostics[0].message == (
        "hidden is a float (quniform) but code/train.py:5 passes it uncast to torch.nn.Linear(...) (argument 2), "
        "which needs an integer")
    assert diagnostics[0].help.startswith("NNI gives a quniform value as a float (e.g. 32.0, not 32)")
    assert diagnostics[0].related[0].span.line == 5
