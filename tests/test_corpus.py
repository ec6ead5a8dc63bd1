"""Real sweep configs (../shared/corpus): no crash anywhere, no error on the official W&B examples,
and the problems SOURCES.md notes for W&B files are found where the structure rules cover them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_or_skip, run_cli

WANDB = "wandb"


@lru_cache(maxsize=None)
def _check_dir(name: str) -> tuple[int, str, tuple[dict, ...]]:
    proc = run_cli("check", str(CORPUS / name), "--output-format", "json", "--no-cache")
    return proc.returncode, proc.stderr, tuple(json.loads(proc.stdout or "[]"))


def _dirs() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", _dirs() or ["(corpus absent)"])
def test_every_corpus_file_is_checked_without_a_crash(name):
    corpus_or_skip()
    code, stderr, items = _check_dir(name)
    assert "Traceback" not in stderr, stderr
    assert code in (0, 1), stderr
    assert not [d for d in items if d["code"] == "SL999"], "a rule crashed"
    for d in items:
        assert Path(d["path"]).is_file() and d["line"] >= 1 and d["column"] >= 1


def test_every_corpus_config_file_lies_in_a_checked_directory():
    corpus = corpus_or_skip()
    configs = [p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")]
    assert configs
    assert {p.relative_to(corpus).parts[0] for p in configs} <= set(_dirs())


def _findings(file: str) -> list[dict]:
    corpus_or_skip()
    path = CORPUS / WANDB / file
    assert path.is_file(), f"{path} is missing from the corpus"
    _, _, items = _check_dir(WANDB)
    return [d for d in items if Path(d["path"]).name == file]


def _official() -> list[str]:
    return sorted(p.name for p in (CORPUS / WANDB).glob("wandb__sweeps__examples__*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("file", _official() or ["(corpus absent)"])
def test_official_wandb_examples_have_no_error(file):
    errors = [f"{d['line']}:{d['column']} {d['code']} {d['message']}" for d in _findings(file) if d["severity"] == "error"]
    assert errors == []


# What SOURCES.md says is wrong with each W&B file, as the code that reports it and, where the rule is
# exact about positions, the lines it must point at (read from the file). None: anywhere in the file.
NOTED = {
    "AkuSax__exhale-prediction-cvae__sweep.yaml": {"SL005": [10, 11]},                  # 1e-5 / 5e-4 strings
    "Aleksandar1932__hyperparameter-optimization__sweep.yml": {"SL006": [17]},          # `None` is "None"
    "AlekseyKorshuk__dalio-finetuner__sweep.0396cd6.yaml": {"SL003": [38]},             # values: 3
    "AntonRydahl__MNIST_VAE_SWEEP__sweep.yaml": {"SL002": [19], "SL101": None},         # RUN:, linear lr
    # (its single-valued `values: [x]` lists are constants, SPEC section 9, so no SL105)
    "EmanueleDeRossi1__Thesis-PEFT__config__lora_sweep_config.yaml": {"SL005": [30]},
    "HUBioDataLab__DEEPScreen2__config__sweep_vit.yaml": {"SL005": [22, 31]},           # value: 1e-5
    "JacobHA__ShapedRL__sweeps__atari-full-sweep.yml": {"SL003": [1], "SL002": [4]},    # method under metric
    "JetBrains-Research__docs-fine-tuning__sweep_config.yaml": {"SL005": [9]},          # lr values strings
    "MolecularAI__uq4dd__config__sweeps__base_mve.yaml": {"SL005": [32]},               # 1e-3 strings
    "OpenBioML__bio-chem-lm__sweeps__finetune_bace_classification.yaml": {"SL005": [18, 19], "SL101": None},
    "amyxlu__plaid-dev-distributed__sweep.yml": {"SL005": None},                         # 1e-5 .. 1e-4 strings
    "april-tools__e4selflearning__sweep.yml": {"SL101": None},                           # linear lr
    "copenlu__flexible-probing__sweep.yml": {"SL005": [14, 16]},                        # 1e-7.. strings
    "kamilest__brain-age-gnn__wandb_sweep.yaml": {"SL002": [31, 35]},                   # mis-indented keys
    "kenjiqq__aesthetics-scorer__sweep.yml": {"SL006": [9]},                             # - None
    "konst-int-i__healnet__config__sweep.yaml": {"SL104": [21, 49, 53, 57, 63], "SL103": [34, 35]},
    "rvandewater__YAIB__experiments__experiment_pooled.yml": {"SL006": [59]},           # "None" string
    "spokenlanguage__platalea__wandb_sweep.yaml": {"SL003": [4]},                        # invalid goal
    "tsereda__wandb-sweeps-template-nrp__sweep.yml": {"SL101": None},                    # linear lr
    "ut-amrl__booster_robocup__sweeps__sweep.yaml": {"SL104": [24, 31], "SL005": [22, 23]},
}


@pytest.mark.parametrize("file, expected", sorted(NOTED.items()), ids=sorted(NOTED))
def test_noted_problems_are_found(file, expected):
    items = _findings(file)
    for code, lines in expected.items():
        at = sorted({d["line"] for d in items if d["code"] == code})
        assert at, f"{code} not reported in {file}"
        if lines is not None:
            assert at == lines, f"{code} in {file}"


# Files whose notes describe something that is correct for the tool: no finding from the rule named.
NOT_A_PROBLEM = {
    "JacobHA__ShapedRL__sweep_config.json": "SL005",              # JSON reads 1e-5 as a number
    "gstrazds__twGPT__wandb_sweep.yaml": "SL005",                 # the `!!float 1e-5` is commented out
    "kamilest__brain-age-gnn__wandb_sweep.yaml": "SL102",         # log_uniform with real ln exponents
    "matteoprata__DRONET-for-Patrolling__thrash__wandb_sweep_bayesian.yaml": "SL105",   # one varied parameter is enough
    "WenkelF__copt__sweeps__sweep_bayes.yaml": "SL104",           # not a grid
    "AntonRydahl__MNIST_VAE_SWEEP__sweep.yaml": "SL103",          # integer ranges of integer parameters
}


@pytest.mark.parametrize("file, code", sorted(NOT_A_PROBLEM.items()), ids=sorted(NOT_A_PROBLEM))
def test_correct_usage_is_not_reported(file, code):
    assert [d["message"] for d in _findings(file) if d["code"] == code] == []


def test_files_in_other_are_not_sweeps_and_are_skipped_silently():
    corpus_or_skip()
    proc = run_cli("check", str(CORPUS / "other"), "--no-cache")
    assert proc.returncode == 0
    assert proc.stdout.startswith("No sweep files found"), proc.stdout
    code, _, items = _check_dir("other")
    assert (code, items) == (0, ())


MY_STRUCTURE_RULES = {"SL004", "SL005", "SL006", "SL103", "SL104", "SL105"}
OFFICIAL_PREFIXES = ("wandb__sweeps__examples__", "kubeflow__katib__examples__", "microsoft__nni__examples__",
                     "determined-ai__determined__examples__", "facebookresearch__hydra__plugins__")


def test_official_examples_of_every_tool_are_clean_for_the_structure_rules():
    corpus = corpus_or_skip()
    official = [p for p in corpus.rglob("*") if p.is_file() and p.name.startswith(OFFICIAL_PREFIXES)
                and "peer_tests" not in p.parts and "schemas" not in p.parts]
    assert len(official) > 20
    names = {p.name for p in official}
    flagged = []
    for name in _dirs():
        _, _, items = _check_dir(name)
        flagged += [f"{Path(d['path']).name}:{d['line']} {d['code']} {d['message']}" for d in items
                    if Path(d["path"]).name in names and d["code"] in MY_STRUCTURE_RULES]
    assert flagged == []


def test_nni_yaml_with_scientific_notation_is_reported():
    # SOURCES.md: NNI's own test skips ss_yaml12.yaml because PyYAML reads 1e-7 as a string.
    corpus_or_skip()
    _, _, items = _check_dir("peer_tests")
    hits = [d for d in items if Path(d["path"]).name == "microsoft__nni__test__ut__experiment__assets__ss_yaml12.yaml"
            and d["code"] == "SL005"]
    assert hits and all("1e-7" in d["message"] for d in hits)
