"""Facts about how the code combines hyperparameters, which data its metrics are computed on,
and which metric picks the best configuration (read from the code, never run)."""

from __future__ import annotations

import json
import textwrap

import networkx as nx

from sweeplint.codefacts import (
    FACTS_VERSION,
    CodeFactsStore,
    content_key,
    file_facts_from_text,
)
from sweeplint.codefacts.facts import FileFacts
from sweeplint.codefacts.graph import add_code_facts
from sweeplint.read import read_path
from sweeplint.settings import Settings


def facts_of(text: str) -> FileFacts:
    facts = file_facts_from_text(textwrap.dedent(text))
    assert facts.error is None, facts.error
    return facts


def derived(facts) -> set[tuple[frozenset, int]]:
    return {(frozenset(".".join(k) for _, k in d.reads), d.span.line) for d in facts.derivations}


def splits(facts) -> dict[str, tuple]:
    return {m.key: (m.split, m.split_span.line if m.split_span else None) for m in facts.metrics if m.key}


# --- derivations ---------------------------------------------------------------------------------


def test_arithmetic_on_two_reads_is_a_derivation():
    facts = facts_of("""\
        import argparse
        import torch
        parser = argparse.ArgumentParser()
        args = parser.parse_args()
        lr = args.lr * args.batch_size / 256
        wd = args.wd * args.width
        steps = args.epochs * 10
        name = args.model + "_" + args.tag
        label = "%s-%s" % (args.model, args.tag)
        """)
    assert derived(facts) == {(frozenset({"lr", "batch_size"}), 5), (frozenset({"wd", "width"}), 6)}
    d = next(d for d in facts.derivations if d.span.line == 5)
    assert d.text == "args.lr * args.batch_size / 256"
    assert (d.span.column, d.span.end_column) == (6, 37)
    assert {r for r, _ in d.reads} == {"argparse"}


def test_derivations_follow_locals_and_call_arguments():
    facts = facts_of("""\
        import torch
        import wandb
        wandb.init()
        config = wandb.config
        base = config.lr
        bs = config.batch_size
        scaled = base * bs
        opt = torch.optim.SGD(params, lr=config.lr * config.world_size, momentum=config.momentum)
        config.warmup *= config.epochs
        """)
    assert derived(facts) == {
        (frozenset({"lr", "batch_size"}), 7),
        (frozenset({"lr", "world_size"}), 8),
        (frozenset({"warmup", "epochs"}), 9),
    }


def test_the_outermost_expression_is_one_derivation():
    facts = facts_of("""\
        def run(cfg):
            return cfg.lr * cfg.batch_size / cfg.base_batch + 0
        """)
    assert len(facts.derivations) == 1
    assert {k for _, k in facts.derivations[0].reads} == {("lr",), ("batch_size",), ("base_batch",)}


def test_derivations_are_resolved_across_functions(write):
    folder = write({
        "train.py": textwrap.dedent("""\
            import wandb
            from scaling import scaled_lr

            def main():
                wandb.init()
                config = wandb.config
                lr = scaled_lr(config.lr, config.batch_size)

            main()
            """),
        "scaling.py": "def scaled_lr(lr, batch_size):\n    return lr * batch_size / 256\n",
    })
    facts = CodeFactsStore(Settings(root=folder)).program(str(folder / "train.py"))
    assert facts is not None
    assert [(d.reads, d.path.endswith("scaling.py"), d.span.line) for d in facts.derivations] == [
        ((("wandb", ("lr",)), ("wandb", ("batch_size",))), True, 2),
    ]
    assert [d.span.line for d in facts.derivations_of("batch_size")] == [2]
    assert facts.derivations_of("momentum") == ()


SWEEP = """\
program: train.py
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}
  batch_size: {values: [32, 64]}
  wd: {values: [0.0, 0.1]}
"""


def graph_of(write, program: str):
    folder = write({"sweep.yaml": SWEEP, "train.py": textwrap.dedent(program)})
    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    facts = CodeFactsStore(Settings(root=folder)).for_study(study, file.path)
    assert facts is not None
    graph = nx.MultiDiGraph()
    add_code_facts(graph, study, facts)
    return graph


def derived_edges(graph) -> set[tuple[str, str, int, int]]:
    return {(a, b, d["line"], d["column"]) for a, b, d in graph.edges(data=True) if d.get("kind") == "derived-from"}


def test_swept_parameters_derived_together_are_linked_both_ways(write):
    graph = graph_of(write, """\
        import wandb
        wandb.init()
        config = wandb.config
        lr = config.lr * config.batch_size / 256
        """)
    assert derived_edges(graph) == {
        ("param:lr", "param:batch_size", 4, 6),
        ("param:batch_size", "param:lr", 4, 6),
    }
    edge = next(d for _, _, d in graph.edges(data=True) if d.get("kind") == "derived-from")
    assert edge["via"] == "code" and edge["path"].endswith("train.py")


def test_an_unswept_key_derived_with_a_parameter_becomes_a_code_key(write):
    graph = graph_of(write, """\
        import wandb
        wandb.init()
        config = wandb.config
        wd = config.wd * config.width
        other = config.depth * config.width
        """)
    assert derived_edges(graph) == {("param:wd", "code-key:width", 4, 6), ("code-key:width", "param:wd", 4, 6)}
    node = graph.nodes["code-key:width"]
    assert (node["kind"], node["name"], node["line"]) == ("code-key", "width", 4)
    assert "code-key:depth" not in graph


# --- data splits of logged metrics ---------------------------------------------------------------


def test_metrics_computed_on_test_data():
    facts = facts_of("""\
        import wandb
        from datasets import load_dataset

        def main(model, clf, X_test, y_test):
            test_loader = make_loader(test_ds)
            acc = evaluate(model, test_loader)
            score = clf.score(X_test, y_test)
            data = load_dataset("glue", split="test")
            f1 = compute_f1(model, data)
            held = evaluate(model, testloader)
            images = MNIST("data", train=False)
            mnist = evaluate(model, images)
            wandb.log({"acc": acc, "score": score, "f1": f1, "held": held, "mnist": mnist})
        """)
    assert splits(facts) == {
        "acc": ("test", 5), "score": ("test", 7), "f1": ("test", 8), "held": ("test", 10), "mnist": ("test", 11),
    }


def test_a_validation_loader_built_from_test_data_is_test_data():
    facts = facts_of("""\
        import wandb
        val_loader = DataLoader(test_set)
        val_acc = evaluate(model, val_loader)
        wandb.log({"val_acc": val_acc})
        """)
    assert splits(facts) == {"val_acc": ("test", 2)}


def test_loops_and_accumulators_carry_the_split():
    facts = facts_of("""\
        import wandb
        correct = 0
        for x, y in test_loader:
            correct += (model(x).argmax(1) == y).sum()
        wandb.log({"accuracy": correct / n})
        """)
    assert splits(facts) == {"accuracy": ("test", 3)}


def test_training_metrics():
    facts = facts_of("""\
        import wandb
        import lightning as L

        class Model(L.LightningModule):
            def training_step(self, batch, batch_idx):
                loss = self.criterion(self(batch[0]), batch[1])
                self.log("loss", loss)
                return loss

        def fit(model):
            model = train(model, train_loader)
            val_loss = evaluate(model, val_loader)
            wandb.log({"train_loss": train_loss, "val_loss": val_loss, "other": evaluate(model, loader)})
        """)
    assert splits(facts) == {"loss": ("train", 7), "train_loss": ("train", 13), "val_loss": (None, None), "other": (None, None)}


def test_other_apis_record_the_split_too():
    facts = facts_of("""\
        import nni
        from ray import tune

        def objective(config):
            test_acc = run(config)
            tune.report(mean_accuracy=test_acc)
            nni.report_final_result(evaluate(net, x_test))
            wandb.run.summary["best"] = test_acc
        """)
    assert splits(facts) == {"mean_accuracy": ("test", 6), "default": ("test", 7), "best": ("test", 8)}


def test_objective_split_query(write):
    folder = write({"train.py": textwrap.dedent("""\
        import wandb
        wandb.init()
        val_acc = evaluate(model, val_loader)
        wandb.log({"acc": val_acc})
        acc = evaluate(model, x_test)
        wandb.log({"acc": acc, "val/loss": val_loss})
        """)})
    facts = CodeFactsStore(Settings(root=folder)).program(str(folder / "train.py"))
    assert facts is not None
    split, path, span = facts.objective_split("acc")
    assert (split, path.endswith("train.py"), span.line, span.column) == ("test", True, 5, 23)
    assert facts.objective_split("val_loss") is None
    assert facts.objective_split("missing") is None


# --- selection of the best configuration --------------------------------------------------------


def test_best_configuration_selections(write):
    folder = write({"tune_it.py": textwrap.dedent("""\
        from ray import tune
        analysis = tune.run(trainable, config=space)
        best = analysis.get_best_config(metric="test_acc", mode="max")
        result = results.get_best_result("val_loss", "min")
        top = max(rows, key=lambda r: r["test_acc"])
        low = min(trials, key=lambda t: t.metrics.get("loss"))
        order = sorted(rows, key=lambda r: -r["score"])
        plain = max(values)
        """)})
    facts = CodeFactsStore(Settings(root=folder)).program(str(folder / "tune_it.py"))
    assert facts is not None
    assert [(s.func, s.metric, s.span.line, s.span.column) for s in facts.selections()] == [
        ("analysis.get_best_config", "test_acc", 3, 40),
        ("results.get_best_result", "val_loss", 4, 34),
        ("max", "test_acc", 5, 33),
        ("min", "loss", 6, 47),
        ("sorted", "score", 7, 39),
    ]
    assert all(s.path.endswith("tune_it.py") for s in facts.selections())


# --- serialisation and cache -------------------------------------------------------------------------


def test_new_facts_round_trip_through_the_cache(write):
    class DictCache(dict):
        def put(self, key, value):
            self[key] = json.loads(json.dumps(value))

    text = textwrap.dedent("""\
        import wandb
        lr = wandb.config.lr * wandb.config.batch_size
        wandb.log({"acc": evaluate(model, x_test)})
        best = max(rows, key=lambda r: r["acc"])
        """)
    folder = write({"train.py": text})
    cache = DictCache()
    first = CodeFactsStore(Settings(root=folder), cache=cache).file_facts(str(folder / "train.py"))
    assert list(cache) == [content_key(text)]
    again = CodeFactsStore(Settings(root=folder), cache=cache).file_facts(str(folder / "train.py"))
    assert again == first == FileFacts.from_dict(first.to_dict())
    assert again.derivations and again.selections and again.metrics[0].split == "test"
    assert int(FACTS_VERSION) >= 5  # facts cached by an older sweeplint lack these fields: not reused


def test_names_that_say_which_data():
    from sweeplint.codefacts.data_splits import word_split

    assert [word_split(w) for w in ("x_test", "testloader", "X_test", "test_ds", "testset", "heldout_acc", "TestData")] == ["test"] * 7
    assert [word_split(w) for w in ("latest", "contest", "attest_ok", "trainer", "fastest_run", "model")] == [None] * 6
    assert [word_split(w) for w in ("train_loss", "trainloader", "val_acc", "eval_loss", "valid_x")] == ["train", "train", "val", "val", "val"]
