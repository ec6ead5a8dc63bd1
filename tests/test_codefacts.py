"""What the training-code analysis extracts from realistic scripts (read, never run)."""

from __future__ import annotations

import json
import textwrap

import pytest

from sweeplint.codefacts import CodeFactsStore, file_facts_from_text
from sweeplint.codefacts.facts import FileFacts, ProgramFacts
from sweeplint.settings import Settings


def facts_of(text: str) -> FileFacts:
    return file_facts_from_text(textwrap.dedent(text))


def keys(facts, root=None):
    return {".".join(r.key) for r in facts.reads if root is None or r.root == root}


def program_of(write, files: dict[str, str], entry: str = "train.py") -> ProgramFacts:
    folder = write({k: textwrap.dedent(v) for k, v in files.items()})
    store = CodeFactsStore(Settings(root=folder))
    facts = store.program(str(folder / entry))
    assert facts is not None
    return facts


WANDB_SCRIPT = """
import torch
import wandb

def train(config=None):
    with wandb.init(config=config) as run:
        config = wandb.config
        cfg = run.config
        model = build(config.hidden_size, cfg["num_layers"])
        opt_cfg = config["optimizer"]
        lr = opt_cfg["lr"]
        if config.optimizer_name == "sgd":
            optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=config.momentum)
        elif config.optimizer_name in ("adam", "adamw"):
            optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(config.get("beta1", 0.9), 0.999))
        else:
            optimizer = torch.optim.RMSprop(model.parameters(), lr=lr)
        if config.use_dropout:
            p = getattr(config, "dropout", 0.1)
        for epoch in range(config.epochs):
            run.log({"val/loss": 1.0, f"{epoch}_acc": 0.5, "train loss ": 2})
"""


def test_wandb_reads_aliases_nested_and_defaults():
    facts = facts_of(WANDB_SCRIPT)
    assert keys(facts, "wandb") >= {
        "hidden_size", "num_layers", "optimizer", "optimizer.lr", "optimizer_name", "momentum", "beta1",
        "use_dropout", "dropout", "epochs",
    }
    beta1 = next(r for r in facts.reads if r.key == ("beta1",))
    assert (beta1.how, beta1.default, beta1.has_default) == ("get", 0.9, True)
    dropout = next(r for r in facts.reads if r.key == ("dropout",))
    assert (dropout.how, dropout.default) == ("getattr", 0.1)
    lr = next(r for r in facts.reads if r.key == ("optimizer", "lr"))
    assert (lr.span.line, lr.span.column) == (11, 14)


def test_conditions_of_if_elif_else_chains():
    facts = facts_of(WANDB_SCRIPT)
    momentum = next(r for r in facts.reads if r.key == ("momentum",))
    assert [(c.op, c.key, c.values) for c in momentum.conditions] == [("==", ("optimizer_name",), ("sgd",))]
    beta1 = next(r for r in facts.reads if r.key == ("beta1",))
    assert [(c.op, c.values) for c in beta1.conditions] == [("!=", ("sgd",)), ("in", ("adam", "adamw"))]
    dropout = next(r for r in facts.reads if r.key == ("dropout",))
    assert [(c.op, c.key) for c in dropout.conditions] == [("truthy", ("use_dropout",))]
    rmsprop = next(c for c in facts.calls if c.func.endswith("RMSprop"))
    assert [c.op for c in rmsprop.conditions] == ["!=", "not in"]


def test_values_flow_into_calls_through_one_local_variable():
    facts = facts_of(WANDB_SCRIPT)
    lr = next(r for r in facts.reads if r.key == ("optimizer", "lr"))
    into = {(c.func, c.keyword, c.via) for c in lr.consumers}
    assert ("torch.optim.SGD", "lr", "lr") in into
    assert ("torch.optim.Adam", "lr", "lr") in into
    momentum = next(r for r in facts.reads if r.key == ("momentum",))
    assert ("torch.optim.SGD", "momentum", None) in {(c.func, c.keyword, c.via) for c in momentum.consumers}


def test_metric_keys_static_dynamic_and_whitespace():
    facts = facts_of(WANDB_SCRIPT)
    logged = {(m.key, m.pattern, m.dynamic) for m in facts.metrics}
    assert ("val/loss", None, False) in logged
    assert ("train loss ", None, False) in logged
    assert (None, ".+_acc", True) in logged


def test_argparse_definitions_reads_and_hyphens():
    facts = facts_of("""
        import argparse

        def get_args():
            parser = argparse.ArgumentParser()
            parser.add_argument("--learning-rate", type=float, default=1e-3)
            parser.add_argument("-b", "--batch_size", type=int, default=64)
            parser.add_argument("--aug", dest="use_aug", action="store_true")
            parser.add_argument("--bn", type=bool, default=False)
            return parser.parse_args()

        args = get_args()
        train(args.learning_rate, args.batch_size, args.use_aug)
    """)
    defs = {a.dest: (a.flags, a.type, a.default, a.has_default) for a in facts.args}
    assert defs["learning_rate"] == (("--learning-rate",), "float", 0.001, True)
    assert defs["batch_size"] == (("-b", "--batch_size"), "int", 64, True)
    assert defs["use_aug"] == (("--aug",), None, False, True)
    assert defs["bn"][1] == "bool"
    assert keys(facts, "argparse") == {"learning_rate", "batch_size", "use_aug"}
    assert facts.uses_argparse


def test_parse_known_args_and_vars():
    facts = facts_of("""
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, default=0.1)
        args, unknown = parser.parse_known_args()
        params = vars(args)
        print(args.lr, params["momentum"])
    """)
    assert keys(facts, "argparse") == {"lr", "momentum"}


def test_hydra_main_and_omegaconf_access():
    facts = facts_of("""
        import hydra
        from omegaconf import DictConfig

        @hydra.main(config_path="conf", config_name="config", version_base=None)
        def main(cfg: DictConfig) -> float:
            model = Net(depth=cfg.model.depth, width=cfg["model"]["width"])
            if cfg.optimizer.name == "adamw":
                opt = AdamW(model.parameters(), lr=cfg.optimizer.lr, weight_decay=cfg.optimizer.weight_decay)
            return evaluate(model)
    """)
    assert facts.hydra_main
    assert keys(facts, "hydra") >= {"model.depth", "model.width", "optimizer.name", "optimizer.lr", "optimizer.weight_decay"}
    wd = next(r for r in facts.reads if r.key == ("optimizer", "weight_decay"))
    assert [(c.key, c.values) for c in wd.conditions] == [(("optimizer", "name"), ("adamw",))]


def test_nni_params_and_reports():
    facts = facts_of("""
        import nni
        params = nni.get_next_parameter()
        model = Net(hidden=params["hidden_size"], lr=params.get("lr", 0.01))
        nni.report_intermediate_result(acc)
        nni.report_final_result(acc)
    """)
    assert keys(facts, "nni") == {"hidden_size", "lr"}
    # the tuner learns only from the final result; intermediate ones are told apart
    assert sorted(m.api for m in facts.metrics) == ["nni", "nni.intermediate"]


def test_lightning_logging_and_ray_and_katib_prints():
    facts = facts_of("""
        import lightning as L
        from ray import tune
        from ray.air import session

        class Model(L.LightningModule):
            def validation_step(self, batch, idx):
                self.log("val_acc", acc)
                self.log_dict({"val_loss": loss})

        def trainable(config):
            tune.report(mean_loss=1.0)
            session.report({"accuracy": 0.9})
            print(f"Validation-accuracy={acc:.4f}")
            print("loss={}".format(loss))
    """)
    logged = {(m.api, m.key) for m in facts.metrics}
    assert {("self.log", "val_acc"), ("self.log_dict", "val_loss"), ("tune.report", "mean_loss"),
            ("tune.report", "accuracy"), ("stdout", "Validation-accuracy"), ("stdout", "loss")} <= logged


def test_writes_after_init():
    facts = facts_of("""
        import wandb
        run = wandb.init(config={"lr": 0.1}, allow_val_change=True)
        wandb.config.update({"lr": 0.01, "epochs": 3}, allow_val_change=True)
        wandb.config.batch_size = 32
        run.config["seed"] = 1
        wandb.config.update(args)
    """)
    writes = [(w.kind, w.keys, w.allow_val_change, w.unknown) for w in facts.writes]
    assert ("init", ("lr",), True, False) in writes
    assert ("update", ("lr", "epochs"), True, False) in writes
    assert ("assign", ("batch_size",), False, False) in writes
    assert ("assign", ("seed",), False, False) in writes
    assert ("update", (), False, True) in writes


def test_bool_cast_and_match_statement():
    facts = facts_of("""
        import wandb
        config = wandb.config
        flag = bool(config["annealing"])
        match config.activation:
            case "relu" | "gelu":
                slope = 0.0
            case "leaky_relu":
                slope = config.negative_slope
    """)
    annealing = next(r for r in facts.reads if r.key == ("annealing",))
    assert annealing.bool_cast
    slope = next(r for r in facts.reads if r.key == ("negative_slope",))
    assert [(c.op, c.values) for c in slope.conditions] == [("not in", ("relu", "gelu")), ("==", ("leaky_relu",))]


def test_scheduler_arguments_are_recorded():
    facts = facts_of("""
        import argparse
        import torch
        args = argparse.ArgumentParser().parse_args()
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 75)
        other = get_linear_schedule_with_warmup(opt, num_warmup_steps=10, num_training_steps=args.total)
    """)
    cosine = next(c for c in facts.calls if c.func.endswith("CosineAnnealingLR"))
    t_max = cosine.arg("T_max", 1)
    assert (t_max.kind, t_max.value) == ("literal", 75)
    linear = next(c for c in facts.calls if c.func == "get_linear_schedule_with_warmup")
    assert linear.arg("num_training_steps").reads == (("argparse", ("total",)),)


def test_syntax_error_is_a_fact_not_an_exception():
    facts = facts_of("import wandb\n\nx = = 1\n")
    assert facts.error.startswith("invalid Python")
    assert facts.error_span.line == 3


def test_facts_round_trip_through_json():
    facts = facts_of(WANDB_SCRIPT)
    again = FileFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    assert again == facts


def test_local_modules_are_followed_and_parameters_linked(write):
    facts = program_of(write, {
        "train.py": """
            import wandb
            from models.builder import build_model
            import utils

            def main():
                wandb.init()
                model = build_model(wandb.config)
                utils.fit(model, wandb.config.training)

            main()
        """,
        "models/__init__.py": "",
        "models/builder.py": """
            from .layers import Block

            def build_model(cfg):
                return Block(depth=cfg.depth, width=cfg["width"])
        """,
        "models/layers.py": """
            from models.builder import build_model  # an import cycle

            class Block:
                def __init__(self, depth, width):
                    self.depth = depth
        """,
        "utils.py": """
            def fit(model, hp):
                for _ in range(hp.epochs):
                    step(model, lr=hp["lr"])
        """,
    })
    assert {"depth", "width", "training", "training.epochs", "training.lr"} <= {".".join(r.key) for r in facts.reads if r.root == "wandb"}
    assert sorted(f.rsplit("/", 2)[-1] if "models/" not in f else "models/" + f.rsplit("/", 1)[-1] for f in facts.files) == [
        "models/builder.py", "models/layers.py", "train.py", "utils.py"]


def test_kwargs_unpacking_into_a_local_class(write):
    facts = program_of(write, {
        "train.py": """
            import wandb
            from model import LitModel
            wandb.init()
            model = LitModel(**wandb.config)
        """,
        "model.py": """
            class LitModel:
                def __init__(self, lr, weight_decay):
                    self.save_hyperparameters()
        """,
    })
    assert {("wandb", "lr"), ("wandb", "weight_decay")} <= {(r.root, ".".join(r.key)) for r in facts.reads}
    assert facts.escaped("dropout") is None


def test_config_handed_to_unknown_code_is_an_escape(write):
    facts = program_of(write, {
        "train.py": """
            import wandb
            from transformers import Trainer
            wandb.init()
            trainer = Trainer(config=wandb.config)
        """,
    })
    assert facts.escaped("anything") is not None


def test_site_packages_are_never_read(write, tmp_path):
    folder = write({
        "train.py": "import wandb\nimport helper\nwandb.init()\nhelper.go(wandb.config)\n",
        ".venv/lib/python3.11/site-packages/helper.py": "def go(c):\n    c.lr\n",
    })
    facts = CodeFactsStore(Settings(root=folder)).program(str(folder / "train.py"))
    assert len(facts.files) == 1


@pytest.mark.parametrize("command, status, name", [
    (None, "python", "train.py"),
    (["${env}", "python", "scripts/run.py", "${args}"], "python", "scripts/run.py"),
    (["python", "-m", "pkg.train", "${args}"], "python", "pkg.train"),
    (["bash", "run.sh"], "not-python", "bash"),
    (["${env}", "${interpreter}", "${program}", "${args}"], "python", "train.py"),
])
def test_program_resolution(write, command, status, name):
    import yaml

    spec = {"program": "train.py", "method": "random", "parameters": {"lr": {"values": [0.1, 0.2]}}}
    if command is not None:
        spec["command"] = command
    folder = write({
        "configs/sweep.yaml": yaml.safe_dump(spec),
        "train.py": "import wandb\n",
        "scripts/run.py": "import wandb\n",
        "pkg/__init__.py": "",
        "pkg/train.py": "import wandb\n",
    })
    from sweeplint.read import read_path

    file = read_path(str(folder / "configs/sweep.yaml"), True)
    res = CodeFactsStore(Settings(root=folder)).resolution(file.studies[0], file.path)
    assert (res.status, res.name) == (status, name)


def test_missing_program_is_reported_as_missing(write):
    folder = write({"sweep.yaml": "program: trian.py\nmethod: random\nparameters:\n  lr: {values: [1, 2]}\n"})
    from sweeplint.read import read_path

    file = read_path(str(folder / "sweep.yaml"), True)
    store = CodeFactsStore(Settings(root=folder))
    assert store.resolution(file.studies[0], file.path).status == "missing"
    assert store.for_study(file.studies[0], file.path) is None


def test_dataclass_configs_and_delegating_programs_are_escapes(write):
    facts = program_of(write, {
        "train.py": """
            import dataclasses
            import subprocess
            import wandb

            @dataclasses.dataclass
            class Config:
                lr: float = 1e-3

            wandb.init()
            cfg = Config(**wandb.config)
            subprocess.run(["python", "inner.py"])
        """,
    })
    assert facts.escaped("lr") is not None
    assert any(e.root == "*" for e in facts.escapes)


def test_arguments_filled_from_the_run_config_are_recorded(write):
    facts = facts_of("""
        import argparse
        import wandb
        args = argparse.ArgumentParser().parse_args()
        wandb.init()
        args.__dict__.update(wandb.config)
    """)
    assert [(w.root, w.source, w.unknown) for w in facts.writes] == [("argparse", "wandb", True)]


def test_code_facts_enter_the_graph(write):
    import networkx as nx

    from sweeplint.codefacts.graph import add_code_facts
    from sweeplint.read import read_path

    folder = write({
        "sweep.yaml": "program: train.py\nmethod: random\nmetric: {name: val/acc, goal: maximize}\n"
                      "parameters:\n  optimizer: {values: [sgd, adam]}\n  momentum: {values: [0.8, 0.9]}\n",
        "train.py": textwrap.dedent("""
            import torch, wandb
            config = wandb.init().config
            if config.optimizer == "sgd":
                opt = torch.optim.SGD(params, momentum=config.momentum)
            wandb.log({"val_acc": 1.0})
        """),
    })
    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    facts = CodeFactsStore(Settings(root=folder)).for_study(study, file.path)
    graph = nx.MultiDiGraph()
    add_code_facts(graph, study, facts)
    site = next(n for n in graph.successors("param:momentum"))
    assert graph.nodes[site]["kind"] == "code-site" and graph.nodes[site]["line"] == 5
    conditional = [d for _, t, d in graph.out_edges(site, data=True) if d["kind"] == "conditional-on"]
    assert [(c["op"], c["values"]) for c in conditional] == [("==", ["sgd"])]
    calls = [t for _, t, d in graph.out_edges(site, data=True) if d["kind"] == "consumed-by"]
    assert [graph.nodes[c]["func"] for c in calls] == ["torch.optim.SGD"]
    assert [d["kind"] for _, _, d in graph.out_edges("metric:val/acc", data=True)] == ["logged-by"]


def test_values_passed_to_a_local_trainer_keep_their_conditions(write):
    facts = program_of(write, {
        "tune.py": """
            import wandb
            from trainers import Trainer

            with wandb.init(project="ner"):
                config = wandb.config
                trainer = Trainer(lr=config.lr, momentum=config.momentum, optimizer=config.optimizer)
                trainer.train()
        """,
        "trainers.py": """
            import torch

            class Trainer:
                def __init__(self, lr, momentum, optimizer):
                    self.lr = lr
                    self.momentum = momentum
                    self.optimizer_name = optimizer

                def train(self):
                    if self.optimizer_name == "SGD":
                        opt = torch.optim.SGD(self.params, lr=self.lr, momentum=self.momentum)
                    else:
                        opt = torch.optim.Adam(self.params, lr=self.lr)
        """,
    }, entry="tune.py")
    momentum = [r for r in facts.reads if r.key == ("momentum",) and r.path.endswith("trainers.py") and r.consumers]
    assert [(c.op, c.key, c.values) for r in momentum for c in r.conditions] == [("==", ("optimizer",), ("SGD",))]
    lr_ops = sorted(tuple(c.op for c in r.conditions) for r in facts.reads
                    if r.key == ("lr",) and r.path.endswith("trainers.py") and r.consumers)
    assert lr_ops == [("!=",), ("==",)]
    sgd = next(c for c in facts.calls if c.func.endswith("SGD"))
    assert sgd.arg("momentum").reads == (("wandb", ("momentum",)),)


def test_conditional_evidence_for_the_optimizer_pattern(write):
    from sweeplint.codefacts.graph import conditional_evidence
    from sweeplint.read import read_path

    folder = write({
        "sweep.yaml": textwrap.dedent("""
            program: train.py
            method: random
            parameters:
              optimizer: {values: [SGD, Adam]}
              lr: {values: [0.1, 0.01]}
              momentum: {values: [0.8, 0.9]}
              dropout: {values: [0.1, 0.2]}
        """),
        "train.py": textwrap.dedent("""
            import torch, wandb
            config = wandb.init().config
            model = Net(dropout=config.dropout)
            if config.optimizer == "sgd":
                opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
            elif config.optimizer == "adam":
                opt = torch.optim.Adam(params, lr=config.lr)
        """),
    })
    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    facts = CodeFactsStore(Settings(root=folder)).for_study(study, file.path)
    evidence = {(e["parameter"], e["kind"]): e for e in conditional_evidence(study, facts)}
    assert set(evidence) == {("momentum", "partial"), ("lr", "shared")}
    assert evidence[("momentum", "partial")]["active"] == ("sgd",)
    assert evidence[("lr", "shared")]["branches"] == (("adam",), ("sgd",))
    assert [s[1].line for s in evidence[("lr", "shared")]["sites"]] == [6, 8]


def test_a_value_derived_from_the_swept_one_is_not_an_overwrite():
    facts = facts_of("""
        import argparse
        args = argparse.ArgumentParser().parse_args()
        args.lr = args.lr * world_size
        args.epochs += 1
        args.momentum = 0.9
    """)
    assert [(w.kind, w.keys) for w in facts.writes] == [("assign", ("momentum",))]


def test_program_facts_round_trip_through_json(write):
    facts = program_of(write, {"train.py": WANDB_SCRIPT, "helpers.py": "def f(cfg):\n    return cfg.x\n"})
    assert ProgramFacts.from_dict(json.loads(json.dumps(facts.to_dict()))) == facts
