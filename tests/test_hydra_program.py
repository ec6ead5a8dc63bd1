"""Hydra sweeps linked to their @hydra.main task function: the training-code rules on Hydra studies."""

from __future__ import annotations

from pathlib import Path

from sweeplint.codefacts import CodeFactsStore
from sweeplint.lint import lint_paths
from sweeplint.read import read_path
from sweeplint.settings import Settings

TRAIN = '''\
import hydra
from omegaconf import DictConfig

from src.models.classifier import Classifier, fit


@hydra.main(version_base="1.3", config_path="../configs", config_name="train")
def main(cfg: DictConfig) -> float:
    model = Classifier(lr=cfg.model.optimizer.lr, dropout=cfg.model.dropout)
    metrics = fit(model, epochs=cfg.trainer.max_epochs)
    return metrics[cfg.optimized_metric]


if __name__ == "__main__":
    main()
'''

MODEL = '''\
import lightning as L


class Classifier(L.LightningModule):
    def __init__(self, lr: float, dropout: float):
        super().__init__()
        self.lr = lr
        self.dropout = dropout

    def validation_step(self, batch, batch_idx):
        loss, acc = self.evaluate(batch)
        self.log("val/loss", loss)
        self.log("val/acc", acc)


def fit(model, epochs):
    return {}
'''

PRIMARY = '''\
defaults:
  - _self_
  - hparams_search: null

model:
  dropout: 0.1
  hidden: 128
  optimizer:
    lr: 0.001
trainer:
  max_epochs: 10
optimized_metric: val/acc
'''

SEARCH = '''\
# @package _global_
defaults:
  - override /hydra/sweeper: optuna

optimized_metric: {metric}

hydra:
  mode: MULTIRUN
  sweeper:
    direction: maximize
    n_trials: 20
    params:
      model.optimizer.lr: interval(0.0001, 0.1)
      model.dropout: interval(0.0, 0.5)
{extra}'''


def make_app(root: Path, metric: str = "val/acc", extra: str = "", train: str = TRAIN) -> Path:
    files = {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "src/__init__.py": "",
        "src/train.py": train,
        "src/models/__init__.py": "",
        "src/models/classifier.py": MODEL,
        "configs/train.yaml": PRIMARY,
        "configs/hparams_search/optuna.yaml": SEARCH.format(metric=metric, extra=extra),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "configs/hparams_search/optuna.yaml"


def findings(config: Path, root: Path, code: str) -> list:
    result = lint_paths([str(config)], Settings(root=root, studies=()))
    return [d for d in result.diagnostics if d.code == code]


def test_program_is_the_task_function_whose_config_dir_holds_the_sweep(tmp_path):
    config = make_app(tmp_path)
    (tmp_path / "src/eval.py").write_text(TRAIN.replace('config_name="train"', 'config_name="eval"'))
    (tmp_path / "configs/eval.yaml").write_text("ckpt_path: null\n")
    (tmp_path / "src/other.py").write_text('import hydra\n\n@hydra.main(config_path="conf", config_name="x")\ndef f(cfg):\n    pass\n')
    file = read_path(str(config), True)
    [study] = file.studies
    assert study.format == "hydra-optuna" and study.program is None
    res = CodeFactsStore(Settings(root=tmp_path, studies=())).resolution(study, str(config))
    assert res.status == "python" and res.how == "hydra"
    # the primary config of train.py names the hparams_search group; eval.py's does not
    assert Path(res.path).resolve() == (tmp_path / "src/train.py").resolve()
    assert Path(res.config_dir) == (tmp_path / "configs").resolve()


def test_program_found_from_the_project_marker_when_the_root_is_elsewhere(tmp_path):
    config = make_app(tmp_path / "proj")
    (tmp_path / "elsewhere").mkdir()
    [study] = read_path(str(config), True).studies
    res = CodeFactsStore(Settings(root=tmp_path / "elsewhere", studies=())).resolution(study, str(config))
    assert res.status == "python"
    assert Path(res.path).resolve() == (tmp_path / "proj/src/train.py").resolve()


def test_no_task_function_means_no_program(tmp_path):
    config = make_app(tmp_path)
    (tmp_path / "src/train.py").write_text("print('no hydra here')\n")
    [study] = read_path(str(config), True).studies
    assert CodeFactsStore(Settings(root=tmp_path, studies=())).resolution(study, str(config)).status == "none"
    assert findings(config, tmp_path, "SL201") == []


def test_sl201_fires_on_a_swept_key_the_code_never_reads(tmp_path):
    config = make_app(tmp_path, extra="      model.hidden: choice(64, 128, 256)\n")
    found = findings(config, tmp_path, "SL201")
    assert len(found) == 1, found
    text = config.read_text()
    line = text.splitlines().index("      model.hidden: choice(64, 128, 256)") + 1
    assert (found[0].span.line, found[0].span.column) == (line, 7)
    assert "model.hidden is swept, but the program never reads it" in found[0].message
    assert "src/train.py" in found[0].help


def test_sl201_quiet_when_every_swept_key_is_read(tmp_path):
    config = make_app(tmp_path)
    assert findings(config, tmp_path, "SL201") == []


def test_sl201_quiet_when_the_sub_config_is_instantiated(tmp_path):
    train = TRAIN.replace(
        "model = Classifier(lr=cfg.model.optimizer.lr, dropout=cfg.model.dropout)",
        "model = hydra.utils.instantiate(cfg.model)",
    )
    config = make_app(tmp_path, extra="      model.hidden: choice(64, 128, 256)\n", train=train)
    assert findings(config, tmp_path, "SL201") == []


def test_sl201_quiet_on_config_group_choices_and_hydra_settings(tmp_path):
    config = make_app(tmp_path, extra="      model: small,large\n      hydra.launcher.n_jobs: 1,2\n")
    for name in ("small", "large"):
        path = tmp_path / "configs/model" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("hidden: 64\n")
    assert findings(config, tmp_path, "SL201") == []


def test_sl204_fires_when_the_optimized_metric_is_never_logged(tmp_path):
    config = make_app(tmp_path, metric="val/f1")
    found = findings(config, tmp_path, "SL204")
    assert len(found) == 1, found
    line = config.read_text().splitlines().index("optimized_metric: val/f1") + 1
    assert (found[0].span.line, found[0].span.column) == (line, 19)
    assert "the sweep optimizes 'val/f1', but the program never logs it" in found[0].message
    assert "'val/acc'" in found[0].message


def test_sl204_quiet_when_the_optimized_metric_is_logged(tmp_path):
    config = make_app(tmp_path, metric="val/acc")
    assert findings(config, tmp_path, "SL204") == []


def test_sl204_quiet_when_the_model_is_instantiated_from_a_string(tmp_path):
    train = TRAIN.replace(
        "model = Classifier(lr=cfg.model.optimizer.lr, dropout=cfg.model.dropout)",
        "model = hydra.utils.instantiate(cfg.model)",
    )
    config = make_app(tmp_path, metric="val/f1", train=train)
    assert findings(config, tmp_path, "SL204") == []


def test_sl204_quiet_without_the_optimized_metric_convention(tmp_path):
    config = make_app(tmp_path, metric="val/f1", train=TRAIN.replace("metrics[cfg.optimized_metric]", "metrics['val/acc']"))
    assert findings(config, tmp_path, "SL204") == []


def test_wandb_sweeps_still_resolve_their_program_as_before(tmp_path):
    make_app(tmp_path)
    (tmp_path / "train.py").write_text("import wandb\n\nrun = wandb.init()\nlr = wandb.config.lr\nwandb.log({'loss': 1.0})\n")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        "program: train.py\nmethod: random\nmetric:\n  name: loss\n  goal: minimize\n"
        "parameters:\n  lr:\n    min: 0.0001\n    max: 0.1\n    distribution: log_uniform_values\n"
        "  momentum:\n    values: [0.9, 0.99]\n"
    )
    [study] = read_path(str(sweep), True).studies
    store = CodeFactsStore(Settings(root=tmp_path, studies=()))
    res = store.resolution(study, str(sweep))
    assert (res.status, res.how) == ("python", "program")
    assert store._hydra_entries == {}  # no Hydra scan for a W&B sweep
    found = findings(sweep, tmp_path, "SL201")
    assert [d.message.split(" ")[0] for d in found] == ["momentum"]
    assert findings(sweep, tmp_path, "SL204") == []


def test_task_functions_inside_virtualenvs_are_not_programs(tmp_path):
    config = make_app(tmp_path)
    (tmp_path / "src/train.py").write_text("print('no hydra here')\n")
    for folder in (".venv/lib/python3.11/site-packages/app", "venv/lib/python3.11/site-packages/app"):
        path = tmp_path / folder / "train.py"
        path.parent.mkdir(parents=True)
        path.write_text(TRAIN.replace('config_path="../configs"', 'config_path="../../../../../configs"'))
    [study] = read_path(str(config), True).studies
    assert CodeFactsStore(Settings(root=tmp_path, studies=())).resolution(study, str(config)).status == "none"
