"""SL219: a sweep module imports a name its own project's module does not define."""

from __future__ import annotations

from pathlib import Path

from sweeplint.lint import lint_paths
from sweeplint.settings import from_table

SWEEP_DICT = """
sweep_config = {
    "method": "random",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 0.0001, "max": 0.1},
    },
}
"""

OPTUNA_SCRIPT = """
import optuna


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    return train(lr)


study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=50)
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / next(iter(files))


def _sl219(tmp_path: Path, files: dict[str, str]) -> list:
    target = _project(tmp_path, files)
    settings = from_table({}, "test")
    settings.root = tmp_path
    return [d for d in lint_paths([str(target)], settings).diagnostics if d.code == "SL219"]


def test_fires_at_the_imported_name_with_the_module_path(tmp_path):
    found = _sl219(tmp_path, {
        "project/sweepconfigs/basic.py": "from common.pipelines.imp import BEST_EVAL\n" + SWEEP_DICT,
        "project/common/pipelines/imp.py": "import os\nfrom common.constants import *\n\ndef run():\n    pass\n",
        "project/common/constants.py": "from enum import Enum\nLOSS = 'loss'\n",
    })
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("SL219", 1, 34)]
    assert found[0].message == ("BEST_EVAL is imported from common/pipelines/imp.py, which does not define it: "
                                "loading the sweep raises ImportError")
    assert found[0].severity.name == "ERROR"


def test_fires_in_an_optuna_script_for_each_missing_name_once(tmp_path):
    found = _sl219(tmp_path, {
        "search.py": "from helpers import train, SEED, evaluate as ev\n" + OPTUNA_SCRIPT,
        "helpers.py": "def train(lr):\n    return lr\n",
    })
    assert [(d.span.line, d.span.column, d.message.split(" is ")[0]) for d in found] == [
        (1, 28, "SEED"), (1, 34, "evaluate")]


def test_relative_import_is_resolved_from_the_sweep_folder(tmp_path):
    found = _sl219(tmp_path, {
        "pkg/sweep.py": "from .names import METRIC\n" + SWEEP_DICT,
        "pkg/__init__.py": "",
        "pkg/names.py": "OTHER = 1\n",
    })
    assert [(d.span.line, d.span.column) for d in found] == [(1, 20)]
    assert "METRIC is imported from names.py" in found[0].message


def test_character_columns_after_non_ascii_text(tmp_path):
    found = _sl219(tmp_path, {
        "search.py": "import helpers; from helpers import \\\n    ÉTÉ\n" + OPTUNA_SCRIPT,
        "helpers.py": "X = 1\n",
    })
    assert [(d.span.line, d.span.column, d.span.end_column) for d in found] == [(2, 5, 8)]


BINDINGS = {
    "assigned": "BEST = 1\n",
    "annotated": "BEST: str = 'x'\n",
    "augmented": "BEST += 1\n",
    "tuple target": "A, (B, *BEST) = 1, (2, 3)\n",
    "def": "def BEST():\n    pass\n",
    "class": "class BEST:\n    pass\n",
    "import as": "import os as BEST\n",
    "import dotted": "import BEST.sub\n",
    "from import as": "from os import path as BEST\n",
    "if block": "import sys\nif sys.platform == 'linux':\n    BEST = 1\nelse:\n    pass\n",
    "try handler": "try:\n    import foo\nexcept ImportError:\n    BEST = None\n",
    "for target": "for BEST in range(3):\n    pass\n",
    "with target": "with open('x') as BEST:\n    pass\n",
    "global in function": "def setup():\n    global BEST\n    BEST = 1\n",
    "walrus": "print(BEST := 1)\n",
    "module getattr": "def __getattr__(name):\n    return name\n",
    "globals()": "globals()['BEST'] = 1\n",
    "exec": "exec('BEST = 1')\n",
    "sys.modules": "import sys\nsetattr(sys.modules[__name__], 'BEST', 1)\n",
    "star from a library": "from somewhere_else import *\n",
    "syntax error": "def broken(:\n",
}


def test_silent_when_the_module_binds_the_name_or_may_bind_it(tmp_path):
    for index, (what, module) in enumerate(BINDINGS.items()):
        found = _sl219(tmp_path / str(index), {"search.py": "from helpers import BEST\n" + OPTUNA_SCRIPT,
                                               "helpers.py": module})
        assert found == [], what


def test_silent_for_a_package_submodule_a_library_and_imports_that_may_not_run(tmp_path):
    cases = {
        "submodule": ({"search.py": "from common import metrics\n" + OPTUNA_SCRIPT,
                       "common/__init__.py": "", "common/metrics.py": "X = 1\n"}),
        "library": ({"search.py": "from numpy.random import not_there\n" + OPTUNA_SCRIPT}),
        "in a function": ({"search.py": OPTUNA_SCRIPT + "\ndef later():\n    from helpers import BEST\n",
                           "helpers.py": "X = 1\n"}),
        "in a try": ({"search.py": "try:\n    from helpers import BEST\nexcept ImportError:\n    BEST = 1\n"
                                    + OPTUNA_SCRIPT,
                      "helpers.py": "X = 1\n"}),
        "star import": ({"search.py": "from helpers import *\n" + OPTUNA_SCRIPT, "helpers.py": "X = 1\n"}),
        "too large": ({"search.py": "from helpers import BEST\n" + OPTUNA_SCRIPT,
                       "helpers.py": "X = 1\n" + "#" * 1_100_000 + "\n"}),
        "star cycle": ({"search.py": "from helpers import BEST\n" + OPTUNA_SCRIPT,
                        "helpers.py": "from other import *\n", "other.py": "from helpers import *\n"}),
    }
    for index, (what, files) in enumerate(cases.items()):
        assert _sl219(tmp_path / str(index), files) == [], what


def test_fires_only_when_no_place_the_module_is_found_defines_it(tmp_path):
    files = {"project/sweeps/search.py": "from config import BEST\n" + OPTUNA_SCRIPT,
             "project/sweeps/config.py": "X = 1\n",
             "project/config.py": "BEST = 1\n"}
    assert _sl219(tmp_path, files) == []


def test_cached_result_is_recomputed_when_the_imported_module_changes(tmp_path):
    # SL219 alone: no program is read, so only the imported module keeps the cached result.
    import json

    from tests.conftest import run_cli

    _project(tmp_path, {"sweeps/search.py": "from common.names import BEST\n" + SWEEP_DICT,
                        "common/names.py": "X = 1\n"})

    def codes() -> list[str]:
        proc = run_cli("check", "sweeps/search.py", "--select", "SL219", "--output-format", "json",
                       "--cache-dir", "cache", cwd=tmp_path)
        assert "Traceback" not in proc.stderr, proc.stderr
        return [d["code"] for d in json.loads(proc.stdout) if d["code"] == "SL219"]

    assert codes() == ["SL219"]
    (tmp_path / "common" / "names.py").write_text("X = 1\nBEST = 2\n")
    assert codes() == []


def test_silent_when_a_folder_on_the_way_holds_a_namespace_package_of_that_name(tmp_path):
    # From the project root `data` is a namespace package whose submodule is the imported name;
    # from the importer's own folder it is data/data.py: which one loads depends on sys.path.
    files = {"data/folds.py": "from data import dro_dataset\n" + OPTUNA_SCRIPT,
             "data/data.py": "X = 1\n", "data/dro_dataset.py": "Y = 1\n", "train.py": "import data.folds\n"}
    assert _sl219(tmp_path, files) == []


def test_silent_when_the_module_is_compiled(tmp_path):
    files = {"search.py": "from helpers import BEST\n" + OPTUNA_SCRIPT, "helpers.py": "X = 1\n",
             "helpers.cpython-311-x86_64-linux-gnu.so": ""}
    assert _sl219(tmp_path, files) == []


def test_silent_for_a_project_file_named_like_the_standard_library_and_for_dunder_names(tmp_path):
    files = {"search.py": "from functools import partial\nfrom helpers import __doc__\n" + OPTUNA_SCRIPT,
             "functools.py": "X = 1\n", "helpers.py": "X = 1\n"}
    assert _sl219(tmp_path, files) == []


def test_silent_for_a_subpackage_of_an_enclosing_package_named_like_a_library(tmp_path):
    files = {"tools/integrations/tuning/search.py": "from optuna_extras import Sampler\n" + OPTUNA_SCRIPT,
             "tools/__init__.py": "", "tools/integrations/__init__.py": "",
             "tools/integrations/tuning/__init__.py": "",
             "tools/integrations/optuna_extras/__init__.py": "X = 1\n"}
    assert _sl219(tmp_path, files) == []
