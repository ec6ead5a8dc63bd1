"""W&B sweeps written as Python dicts passed to wandb.sweep(...)."""

from __future__ import annotations

import os
import textwrap

from conftest import lint_json
from sweeplint.lint import lint_paths
from sweeplint.model import Space
from sweeplint.read import read_path
from sweeplint.settings import Settings

TUTORIAL = '''
import math
import wandb

sweep_config = {"method": "random"}
metric = {"name": "loss", "goal": "minimize"}
sweep_config["metric"] = metric
parameters_dict = {
    "optimizer": {"values": ["adam", "sgd"]},
    "fc_layer_size": {"values": [128, 256, 512]},
}
sweep_config["parameters"] = parameters_dict
parameters_dict.update({
    "learning_rate": {"distribution": "uniform", "min": 0, "max": 0.1},
    "batch_size": {"distribution": "q_log_uniform_values", "q": 8, "min": 32, "max": 256},
    "hidden": {"distribution": "log_uniform", "min": math.log(32), "max": math.log(256)},
    "epochs": {"value": 1},
})


def train(config=None):
    with wandb.init(config=config):
        config = wandb.config
        loader = build_dataset(config.batch_size)
        network = build_network(config.fc_layer_size, config.hidden)
        optimizer = build_optimizer(network, config.optimizer, config.learning_rate)
        for epoch in range(config.epochs):
            wandb.log({"loss": train_epoch(network, loader, optimizer), "epoch": epoch})


sweep_id = wandb.sweep(sweep_config, project="pytorch-sweeps-demo")
wandb.agent(sweep_id, train, count=5)
'''


def read(write, text: str, name: str = "sweep.py"):
    folder = write({name: textwrap.dedent(text)})
    return read_path(str(folder / name), True)


def lint(write, files: dict[str, str], target: str):
    folder = write({k: textwrap.dedent(v) for k, v in files.items()})
    return lint_paths([str(folder / target)], Settings(root=folder)).diagnostics


def test_a_dict_built_up_through_variables_becomes_a_study(write):
    file = read(write, TUTORIAL)
    assert file.format == "wandb"
    (study,) = file.studies
    assert study.loader == "python"
    assert study.method.name == "random"
    assert (study.objective.name.value, study.objective.goal) == ("loss", "minimize")
    names = [p.name for p in study.parameters]
    assert names == ["optimizer", "fc_layer_size", "learning_rate", "batch_size", "hidden", "epochs"]
    optimizer = study.parameter("optimizer")
    assert optimizer.space is Space.CATEGORICAL and [v.value for v in optimizer.values] == ["adam", "sgd"]
    assert (optimizer.key_span.line, optimizer.key_span.column) == (9, 5)


def test_bounds_written_as_arithmetic_are_evaluated(write):
    study = read(write, TUTORIAL).studies[0]
    hidden = study.parameter("hidden")
    assert hidden.exponent_bounds and hidden.log
    assert round(hidden.low.value, 6) == 3.465736 and hidden.low.text == "math.log(32)"
    assert (hidden.low.span.line, hidden.low.span.column) == (16, 54)


def test_direct_literal_and_sweep_keyword(write):
    file = read(write, '''
        import wandb
        wandb.sweep(sweep={
            "method": "grid",
            "metric": {"name": "val_acc", "goal": "maximize"},
            "parameters": {"lr": {"values": [0.1, 0.01]}, "depth": {"min": 2, "max": 8}},
        }, project="p")
    ''')
    (study,) = file.studies
    assert study.method.name == "grid"
    assert study.parameter("depth").space is Space.INT


def test_a_python_file_without_wandb_sweep_is_not_a_sweep(write):
    file = read(write, "import wandb\nwandb.init()\nwandb.log({'a': 1})\n")
    assert not file.is_sweep


def test_opaque_sweep_argument_is_not_guessed(write):
    file = read(write, "import wandb\nsweep_id = wandb.sweep(load_config('sweep.yaml'))\n")
    assert not file.is_sweep


def test_syntax_error_in_a_sweep_script_is_sl001(write):
    diagnostics = lint(write, {"sweep.py": "import wandb\nconfig = {'method': 'grid'\nwandb.sweep(config)\n"}, "sweep.py")
    assert [d.code for d in diagnostics] == ["SL001"]


def test_config_rules_report_positions_in_the_python_file(write):
    diagnostics = lint(write, {"sweep.py": '''
        import wandb
        sweep = {
            "method": "bayes",
            "metric": {"name": "val_accuracy"},
            "parameters": {"lr": {"distribuiton": "uniform", "min": 0.0, "max": 1.0}},
        }
        wandb.sweep(sweep)
    '''}, "sweep.py")
    found = {(d.code, d.span.line, d.span.column) for d in diagnostics}
    assert ("SL205", 5, 24) in found      # accuracy minimized by default
    assert ("SL002", 6, 27) in found      # the misspelt key, inside the dict literal


def test_the_script_itself_is_the_program(write):
    text = TUTORIAL.replace('"epochs": {"value": 1},', '"epochs": {"value": 1},\n    "dropout": {"values": [0.1, 0.3]},')
    diagnostics = lint(write, {"sweep.py": text}, "sweep.py")
    unused = [d for d in diagnostics if d.code == "SL201"]
    assert [(d.span.line, d.span.column) for d in unused] == [(18, 5)]
    assert "dropout is swept, but the program never reads it" in unused[0].message
    assert not [d for d in diagnostics if d.code == "SL204"]


# --- sweep dicts defined in one module and launched from another ------------------------------------

CONFIG_MODULE = '''
sweep_config = {
    "method": "random",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "parameters": {
        "lr": {"distribution": "uniform", "min": 0.0001, "max": 0.1},
        "batch_size": {"values": [32, 64]},
    },
}
'''


def read_folder(write, files: dict[str, str]):
    folder = write({k: textwrap.dedent(v) for k, v in files.items()})
    return folder, {name: read_path(str(folder / name), False) for name in files if name.endswith(".py")}


def test_a_dict_imported_by_name_is_read_where_it_is_defined(write):
    folder, files = read_folder(write, {
        "config.py": CONFIG_MODULE,
        "launch.py": "import wandb\nfrom config import sweep_config\n\nsweep_id = wandb.sweep(sweep_config, project='p')\n",
    })
    assert not files["launch.py"].is_sweep
    (study,) = files["config.py"].studies
    assert files["config.py"].format == "wandb"
    assert [p.name for p in study.parameters] == ["lr", "batch_size"]
    assert (study.parameter("lr").key_span.line, study.parameter("lr").key_span.column) == (6, 9)
    assert study.declarations.program == "launch.py"


def test_a_dict_reached_through_the_module_and_other_spellings_of_the_call(write):
    for launch in (
        "import config\nimport wandb\nwandb.sweep(config.sweep_config)\n",
        "import wandb as wb\nimport config\nwb.sweep(sweep=config.sweep_config)\n",
        "from wandb import sweep\nfrom config import sweep_config as sc\nsweep(sc)\n",
        "from wandb import sweep as make_sweep\nfrom pkg import config\nmake_sweep(config.sweep_config)\n",
    ):
        folder, files = read_folder(write, {"pkg/__init__.py": "", "pkg/config.py": CONFIG_MODULE, "launch.py": launch,
                                            "config.py": CONFIG_MODULE})
        target = "pkg/config.py" if "pkg" in launch else "config.py"
        other = "config.py" if target == "pkg/config.py" else "pkg/config.py"
        assert len(files[target].studies) == 1, launch
        assert files[target].studies[0].declarations.program.endswith("launch.py"), launch
        # The other copy is a sweep too (recognised by its shape), but nothing launches it.
        assert files[other].studies[0].declarations.program is None, launch
        assert not files["launch.py"].is_sweep, launch


def test_a_sweep_dict_nobody_launches_is_read_by_its_shape(write):
    # Shaped like a W&B sweep (a method and a parameters dict): checked even though no module of the
    # project passes it to a sweep call (it may be launched from a notebook), with no program.
    _, files = read_folder(write, {
        "config.py": CONFIG_MODULE,
        "other.py": "import config\nimport wandb\nwandb.init(config=config.sweep_config)\n",
        "unrelated.py": "import wandb\nfrom settings import sweep_config\nwandb.sweep(sweep_config)\n",
    })
    (study,) = files["config.py"].studies
    assert study.declarations.program is None
    assert not files["other.py"].is_sweep and not files["unrelated.py"].is_sweep


def test_a_dict_launched_in_its_own_module_and_from_another_is_read_once(write):
    folder = write({
        "config.py": textwrap.dedent(CONFIG_MODULE) + "\nimport wandb\nwandb.sweep(sweep_config)\n",
        "launch.py": "import wandb\nfrom config import sweep_config\nwandb.sweep(sweep_config)\n",
    })
    result = lint_paths([str(folder)], Settings(root=folder))
    assert len(read_path(str(folder / "config.py"), False).studies) == 1
    assert not read_path(str(folder / "launch.py"), False).is_sweep
    assert all(d.path.endswith("config.py") for d in result.diagnostics)


def test_findings_of_an_imported_dict_point_into_its_module(write):
    config = CONFIG_MODULE.replace('"distribution": "uniform"', '"distribuiton": "uniform"')
    folder = write({
        "config.py": textwrap.dedent(config),
        "launch.py": "import wandb\nfrom config import sweep_config\nwandb.sweep(sweep_config)\n",
    })
    diagnostics = lint_paths([str(folder)], Settings(root=folder)).diagnostics
    found = {(d.code, os.path.basename(d.path), d.span.line, d.span.column) for d in diagnostics}
    assert ("SL002", "config.py", 6, 16) in found
    assert not any(os.path.basename(d.path) == "launch.py" for d in diagnostics)


def test_the_launching_module_is_the_program(write):
    folder = write({
        "config.py": textwrap.dedent(CONFIG_MODULE),
        "launch.py": textwrap.dedent('''\
            import wandb
            from config import sweep_config

            def train():
                wandb.init()
                lr = wandb.config.lr
                bs = wandb.config.batch_size
                wandb.log({"val_loss": lr * bs})

            sweep_id = wandb.sweep(sweep_config)
            wandb.agent(sweep_id, function=train)
            '''),
    })
    diagnostics = lint_paths([str(folder / "config.py")], Settings(root=folder)).diagnostics
    assert not any(d.code.startswith("SL2") for d in diagnostics), [(d.code, d.message) for d in diagnostics]
    stripped = textwrap.dedent(CONFIG_MODULE).replace('"batch_size": {"values": [32, 64]},', '"batch_size": {"values": [32, 64]},\n        "dropout": {"values": [0.1, 0.2]},')
    (folder / "config.py").write_text(stripped)
    diagnostics = lint_paths([str(folder / "config.py")], Settings(root=folder)).diagnostics
    assert any(d.code == "SL201" and "dropout" in d.message for d in diagnostics), [(d.code, d.message) for d in diagnostics]


def test_a_sweep_shaped_dict_nothing_passes_to_a_sweep_call_is_still_checked(tmp_path):
    # The call is commented out: the dict is still a W&B sweep, found when its folder is checked.
    (tmp_path / "sweep_config.py").write_text(
        'sweep_config = {\n    "method": "random",\n    "metric": {"name": "val_loss", "goal": "minimize"},\n'
        '    "parameters": {"lr": {"min": 0.00001, "max": 0.1}},\n}\n# wandb.sweep(sweep_config)\n', encoding="utf-8")
    code, found = lint_json(".", "--select", "SL101", cwd=tmp_path)
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SL101", 4, 34)]


def test_values_computed_elsewhere_are_unknown_not_missing(tmp_path):
    (tmp_path / "sweep.py").write_text(
        'import wandb\nfrom consts import METRIC, LOW, CHOICES\n\nconfig = {\n    "method": "random",\n'
        '    "metric": {"name": METRIC, "goal": "minimize"},\n'
        '    "parameters": {"lr": {"min": LOW, "max": 0.1}, "opt": {"values": CHOICES}},\n}\nwandb.sweep(config)\n',
        encoding="utf-8")
    code, found = lint_json("sweep.py", "--select", "SL0", cwd=tmp_path)
    assert (code, found) == (0, [])
