"""The config + code rules (SL2xx, SL311) on realistic projects: a sweep config next to its training code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, corpus_or_skip, run_cli
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

CODE_RULES = ("SL201", "SL202", "SL203", "SL204", "SL206", "SL208", "SL209", "SL210")


def lint(write, files: dict[str, str], target: str = "sweep.yaml"):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return lint_paths([str(folder / target)], Settings(root=folder)).diagnostics


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


ARGPARSE_TRAIN = """
    import argparse
    import torch
    import wandb

    def parse():
        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, default=0.1)
        parser.add_argument("--momentum", type=float, default=0.9)
        parser.add_argument("--data-dir", default="data")
        return parser.parse_args()

    def main():
        args = parse()
        wandb.init(project="cifar")
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
        for epoch in range(30):
            wandb.log({"val/acc": evaluate(model)})

    if __name__ == "__main__":
        main()
"""


def sweep(command: list[str] | None = None, metric: str = "val/acc", extra: str = "") -> str:
    lines = ["program: train.py", "method: random", "metric:", f"  name: {metric}", "  goal: maximize"]
    if command is not None:
        lines.append("command:")
        lines += [f"  - {item}" for item in command]
    lines += ["parameters:", "  lr:", "    values: [0.1, 0.01]", "  momentum:", "    values: [0.8, 0.9]"]
    return "\n".join(lines) + "\n" + extra


def test_command_without_args_and_an_argparse_program(write):
    diagnostics = lint(write, {"sweep.yaml": sweep(["${env}", "python", "${program}", "--data-dir=/data"]), "train.py": ARGPARSE_TRAIN})
    (finding,) = [d for d in diagnostics if d.code == "SL202"]
    assert (finding.span.line, finding.span.column) == (7, 3)
    assert "reads lr, momentum only from its command-line arguments (train.py:15)" in finding.message
    assert [(r.path.rsplit("/", 1)[-1], r.span.line) for r in finding.related] == [("train.py", 15), ("train.py", 15)]


def test_command_with_args_is_fine(write):
    diagnostics = lint(write, {"sweep.yaml": sweep(["${env}", "python", "${program}", "${args}"]), "train.py": ARGPARSE_TRAIN})
    assert not [d for d in diagnostics if d.code in CODE_RULES]


def test_command_without_args_is_fine_when_the_program_reads_wandb_config(write):
    train = """
        import wandb
        run = wandb.init()
        cfg = run.config
        optimizer = SGD(params, lr=cfg.lr, momentum=cfg["momentum"])
        wandb.log({"val/acc": 1.0})
    """
    diagnostics = lint(write, {"sweep.yaml": sweep(["python", "train.py"]), "train.py": train})
    assert not [d for d in diagnostics if d.code in CODE_RULES]


HYDRA_APP = """
    import hydra
    import wandb
    from omegaconf import DictConfig

    @hydra.main(version_base=None, config_path="conf", config_name="train")
    def main(cfg: DictConfig) -> None:
        wandb.init(project="hydra")
        optimizer = SGD(params, lr=cfg.lr, momentum=cfg.momentum)
        wandb.log({"val/acc": evaluate()})

    if __name__ == "__main__":
        main()
"""


@pytest.mark.parametrize("command, expected", [
    (None, [(1, 10)]),
    (["${env}", "${interpreter}", "${program}", "${args}"], [(10, 5)]),
    (["${env}", "${interpreter}", "${program}", "${args_no_hyphens}"], []),
])
def test_hydra_app_needs_args_no_hyphens(write, command, expected):
    diagnostics = lint(write, {"sweep.yaml": sweep(command), "train.py": HYDRA_APP})
    found = [d for d in diagnostics if d.code == "SL203"]
    assert [(d.span.line, d.span.column) for d in found] == expected
    if found:
        assert found[0].message.endswith("passes ${args}, which hands it --lr=...")
        assert "Hydra expects overrides like lr=..." in found[0].help


def test_argparse_program_with_default_command_is_not_a_hydra_problem(write):
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": ARGPARSE_TRAIN})
    assert not [d for d in diagnostics if d.code == "SL203"]


LIGHTNING = {
    "model.py": """
        import lightning as L
        import torch

        class LitClassifier(L.LightningModule):
            def __init__(self, lr, momentum):
                super().__init__()
                self.save_hyperparameters()

            def validation_step(self, batch, batch_idx):
                self.log("val_acc", self.accuracy(batch))

            def configure_optimizers(self):
                return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=self.hparams.momentum)
    """,
    "train.py": """
        import lightning as L
        import wandb
        from lightning.pytorch.loggers import WandbLogger
        from model import LitClassifier

        wandb.init()
        model = LitClassifier(**wandb.config)
        L.Trainer(logger=WandbLogger(), max_epochs=10).fit(model)
    """,
}


def test_lightning_metric_with_slash_versus_underscore_is_logged(write):
    diagnostics = lint(write, {"sweep.yaml": sweep(), **LIGHTNING})
    assert not [d for d in diagnostics if d.code in CODE_RULES]


def test_dynamic_f_string_keys_are_not_reported(write):
    train = """
        import wandb
        wandb.init()
        for split in ("train", "val"):
            wandb.log({f"{split}/acc": run(split, wandb.config.lr, wandb.config.momentum)})
    """
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": train})
    assert not [d for d in diagnostics if d.code == "SL204"]


def test_a_metric_the_program_never_logs(write):
    train = """
        import wandb
        wandb.init()
        acc = fit(wandb.config.lr, wandb.config.momentum)
        wandb.log({"validation_accuracy": acc})
    """
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": train})
    (finding,) = [d for d in diagnostics if d.code == "SL204"]
    assert (finding.span.line, finding.span.column) == (4, 9)
    assert "it logs 'validation_accuracy', e.g. train.py:4" in finding.message


def test_conditional_optimizer_pattern_and_its_graph_evidence(write):
    from sweeplint.codefacts import CodeFactsStore
    from sweeplint.codefacts.graph import read_conditions
    from sweeplint.read import read_path

    train = """
        import torch
        import wandb

        wandb.init()
        config = wandb.config
        if config.optimizer == "sgd":
            opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
        else:
            opt = torch.optim.Adam(params, lr=config.lr)
        wandb.log({"val/acc": fit(opt)})
    """
    extra = "  optimizer:\n    values: [sgd, adam]\n"
    folder = write({"sweep.yaml": sweep(extra=extra), "train.py": textwrap.dedent(train)})
    diagnostics = lint_paths([str(folder / "sweep.yaml")], Settings(root=folder)).diagnostics
    assert not [d for d in diagnostics if d.code in CODE_RULES]
    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    facts = CodeFactsStore(Settings(root=folder)).for_study(study, file.path)
    assert read_conditions(study, facts, "momentum") == [(("optimizer", "==", ("sgd",)),)]
    assert sorted(read_conditions(study, facts, "lr")) == [(("optimizer", "!=", ("sgd",)),), (("optimizer", "==", ("sgd",)),)]


def test_a_program_that_does_not_parse_is_a_parse_error_at_the_program(write):
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": "import wandb\ndef main(:\n    pass\n"})
    errors = [d for d in diagnostics if d.code == "SL001"]
    assert [(d.span.line, d.span.column) for d in errors] == [(1, 10)]
    assert "the program train.py cannot be read: invalid Python" in errors[0].message
    assert not [d for d in diagnostics if d.code in CODE_RULES]


def test_a_missing_or_non_python_program_keeps_code_rules_silent(write):
    for program in ("missing.py", "run.sh"):
        text = sweep().replace("program: train.py", f"program: {program}")
        diagnostics = lint(write, {"sweep.yaml": text})
        assert not [d for d in diagnostics if d.code in CODE_RULES], program


def test_program_next_to_the_config_or_under_the_project_root(write):
    train = "import wandb\nwandb.init()\nwandb.log({'val/acc': wandb.config.lr})\n"
    diagnostics = lint(write, {"configs/sweep.yaml": sweep(), "train.py": train}, "configs/sweep.yaml")
    unused = [d for d in diagnostics if d.code == "SL201"]
    assert [d.message.split(",")[0] for d in unused] == ["momentum is swept"]


def test_full_report_names_the_code_location(write):
    folder = write({"sweep.yaml": sweep(["python", "${program}"]), "train.py": textwrap.dedent(ARGPARSE_TRAIN)})
    proc = run_cli("check", "sweep.yaml", "--output-format", "full", "--select", "SL202", cwd=folder)
    assert proc.returncode == 1
    assert "= note: train.py:16:" in proc.stdout


def test_examples_keep_their_findings_with_the_training_script():
    folder = ROOT / "examples" / "wandb-mnist"
    assert (folder / "train.py").is_file()
    result = lint_paths([str(folder)], Settings(root=folder))
    by_file: dict[str, list[str]] = {}
    for d in result.diagnostics:
        by_file.setdefault(Path(d.path).name, []).append(d.code)
    assert "sweep_fixed.yaml" not in by_file
    assert {"SL005", "SL101", "SL102", "SL205"} <= set(by_file["sweep.yaml"])
    assert not set(by_file["sweep.yaml"]) & set(CODE_RULES)


def test_yaml_only_run_never_imports_libcst(tmp_path):
    (tmp_path / "sweep.yaml").write_text(sweep(), encoding="utf-8")
    script = (
        "import sys\n"
        "from sweeplint.cli import main\n"
        f"code = main(['check', {str(tmp_path)!r}, '--quiet'])\n"
        "print('libcst' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "False", proc.stdout + proc.stderr


def test_no_false_positives_from_code_rules_on_the_corpus():
    corpus = corpus_or_skip()
    result = lint_paths([str(corpus)], Settings(root=corpus))
    assert not [f"{d.path}:{d.span.line} {d.code}" for d in result.diagnostics if d.code in CODE_RULES]


def test_arguments_filled_from_the_run_config_are_not_arguments_not_passed(write):
    train = ARGPARSE_TRAIN.replace('wandb.init(project="cifar")', 'wandb.init(project="cifar")\n        vars(args).update(wandb.config)')
    diagnostics = lint(write, {"sweep.yaml": sweep(["python", "${program}"]), "train.py": train})
    assert not [d for d in diagnostics if d.code == "SL202"]


def test_overwriting_a_parsed_argument(write):
    train = ARGPARSE_TRAIN.replace("args = parse()", "args = parse()\n        args.momentum = 0.9")
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": train})
    (finding,) = [d for d in diagnostics if d.code == "SL206"]
    assert (finding.span.line, finding.span.column) == (9, 3)
    assert "overwrites it in the parsed arguments at train.py:14" in finding.message
    assert finding.help.startswith("It writes it by assignment")


def test_fixed_flag_before_args_is_a_milder_conflict(write):
    text = sweep(["python", "${program}", "--lr", "0.1", "${args}"])
    diagnostics = lint(write, {"sweep.yaml": text, "train.py": ARGPARSE_TRAIN})
    (finding,) = [d for d in diagnostics if d.code == "SL207"]
    assert (finding.span.line, finding.span.column) == (9, 5)
    assert finding.message.endswith("fixes it with --lr 0.1")
    assert "it comes before ${args}, so the swept value wins today" in finding.help


def test_hidden_defaults_are_not_reported_when_the_arguments_are_recorded(write):
    recorded = ARGPARSE_TRAIN.replace('wandb.init(project="cifar")', 'wandb.init(project="cifar", config=vars(args))')
    recorded = recorded.replace('parser.add_argument("--data-dir", default="data")',
                                'parser.add_argument("--data-dir", default="data")\n        parser.add_argument("--wd", type=float, default=5e-4)')
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": recorded})
    assert not [d for d in diagnostics if d.code in ("SL001", "SL208")]
    hidden = recorded.replace(', config=vars(args))', ')')
    diagnostics = lint(write, {"sweep.yaml": sweep(), "train.py": hidden})
    assert ["wd"] == [d.message.split()[3].split("=")[0] for d in diagnostics if d.code == "SL208"]


def test_argparse_type_bool_matters_only_when_the_values_arrive_as_arguments(write):
    train = """
        import argparse
        import wandb
        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, default=0.1)
        parser.add_argument("--momentum", type=bool, default=True)
        args = parser.parse_args()
        wandb.init()
        wandb.log({"val/acc": fit(args.lr, args.momentum)})
    """
    extra = "  nesterov:\n    values: [true, false]\n"
    text = sweep(extra=extra)
    diagnostics = lint(write, {"sweep.yaml": text, "train.py": train.replace("momentum", "nesterov").replace(
        'parser.add_argument("--lr"', 'parser.add_argument("--momentum", type=float)\n        parser.add_argument("--lr"')})
    found = [d for d in diagnostics if d.code == "SL210"]
    assert [(d.span.line, d.span.column) for d in found] == [(12, 20)]
    diagnostics = lint(write, {"sweep.yaml": sweep(["python", "${program}"], extra=extra), "train.py": train.replace("momentum", "nesterov")})
    assert not [d for d in diagnostics if d.code == "SL210"]


def test_a_hydra_config_group_choice_counts_as_read_through_its_keys(write):
    text = sweep(["${env}", "${interpreter}", "${program}", "${args_no_hyphens}"], extra="  model:\n    values: [resnet, vit]\n")
    app = HYDRA_APP.replace("optimizer = SGD(", "net = build(cfg.model.depth)\n        optimizer = SGD(")
    diagnostics = lint(write, {"sweep.yaml": text, "train.py": app})
    assert not [d for d in diagnostics if d.code in CODE_RULES]
    diagnostics = lint(write, {"sweep.yaml": text, "train.py": HYDRA_APP})
    assert [d.message.split(",")[0] for d in diagnostics if d.code == "SL201"] == ["model is swept"]


CONDITIONAL_SWEEP = """
    program: train.py
    method: random
    run_cap: 50
    metric: {name: val/acc, goal: maximize}
    parameters:
      optimizer:
        values: [sgd, adam]
      lr:
        distribution: log_uniform_values
        min: 0.0001
        max: 0.1
      momentum:
        values: [0.8, 0.9, 0.99]
"""


def test_momentum_read_only_for_sgd_is_reported_from_the_code(write):
    train = """
        import torch
        import wandb

        config = wandb.init().config
        if config.optimizer == "sgd":
            opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
        else:
            opt = torch.optim.Adam(params, lr=config.lr)
        wandb.log({"val/acc": fit(opt)})
    """
    diagnostics = lint(write, {"sweep.yaml": CONDITIONAL_SWEEP, "train.py": train})
    (unconditional,) = [d for d in diagnostics if d.code == "SL304"]
    assert (unconditional.span.line, unconditional.span.column) == (12, 3)
    assert "the program reads it only when optimizer is sgd (" in unconditional.message
    assert "train.py:6)" in unconditional.message
    assert [(r.span.line, r.span.column) for r in unconditional.related] == [(6, 58)]
    (merged,) = [d for d in diagnostics if d.code == "SL303"]
    assert merged.span.line == 8
    assert "The program uses the same lr for all of them (e.g." in merged.help


def test_momentum_used_by_every_optimizer_in_the_code_is_not_unconditional(write):
    train = """
        import torch
        import wandb

        config = wandb.init().config
        if config.optimizer == "sgd":
            opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
        else:
            opt = torch.optim.Adam(params, lr=config.lr, betas=(config.momentum, 0.999))
        wandb.log({"val/acc": fit(opt)})
    """
    diagnostics = lint(write, {"sweep.yaml": CONDITIONAL_SWEEP, "train.py": train})
    assert not [d for d in diagnostics if d.code == "SL304"]


def test_cached_program_facts_spare_libcst_when_only_the_config_changed(tmp_path):
    (tmp_path / "train.py").write_text((ROOT / "examples" / "wandb-mnist" / "train.py").read_text(encoding="utf-8"), encoding="utf-8")
    config = (ROOT / "examples" / "wandb-mnist" / "sweep.yaml").read_text(encoding="utf-8")
    script = (
        "import sys\n"
        "from sweeplint.cli import main\n"
        f"main(['check', {str(tmp_path)!r}, '--quiet', '--cache-dir', {str(tmp_path / '.cache')!r}, '--output-format', 'json'])\n"
        "print('libcst' in sys.modules)\n"
    )

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.stdout.strip().splitlines()[-1]

    (tmp_path / "sweep.yaml").write_text(config, encoding="utf-8")
    assert run() == "True"           # the program is parsed once...
    (tmp_path / "sweep.yaml").write_text(config.replace("values: [adam, sgd]", "values: [sgd, adam]"), encoding="utf-8")
    assert run() == "False"          # ...and its facts come from the cache afterwards
