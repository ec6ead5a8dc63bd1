"""Code-flow classes of SL201/SL204/SL206 seen on real repositories, each on small projects of our own:
where the program really is, what reaches it, and what happens to a swept value on the way."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def lint(write, files: dict[str, str], target: str = "sweep.yaml", code: str | None = None):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    found = lint_paths([str(folder / target)], Settings(root=folder)).diagnostics
    return [d for d in found if code is None or d.code == code]


NESTED_SWEEP = """
    program: {program}
    method: random
    metric: {{name: val_loss, goal: minimize}}
    parameters:
      learning_rate:
        values: [0.001, 0.0001]
      epochs:
        values: [5, 10]
"""

# The settings live in sections (`config.train_config["epochs"]`); the pipeline is a class that
# a package's __init__ re-exports from one of its modules.
NESTED_PROJECT = {
    "pipeline/__init__.py": "from .pipeline import Pipeline\n",
    "pipeline/pipeline.py": """
        import tensorflow as tf

        class Pipeline:
            def __init__(self, args):
                self.args = args

            def run(self, model, data):
                optimizer = tf.keras.optimizers.Adam(self.args.lr_config["init_lr"])
                model.compile(optimizer)
                model.fit(data, epochs=self.args.train_config["epochs"])
    """,
}
NESTED_TRAIN = """
    import wandb
    {extra_import}
    from pipeline import Pipeline

    wandb.init(config={{"lr_config": {{"init_lr": 0.001}}, "train_config": {{"epochs": 5}}}})
    config = wandb.config
    Pipeline(config).run(build_model(), load_data())
    {extra_use}
"""


def nested(program: str = "train.py", extra_import: str = "", extra_use: str = "") -> dict[str, str]:
    return {
        "sweep.yaml": NESTED_SWEEP.format(program=program),
        "train.py": NESTED_TRAIN.format(extra_import=extra_import, extra_use=extra_use),
        **NESTED_PROJECT,
    }


def test_top_level_keys_the_code_reads_only_inside_sections(write):
    found = lint(write, nested(), code="SL201")
    assert [(d.span.line, d.span.column) for d in found] == [(5, 3), (7, 3)]
    assert "learning_rate is swept, but the program never reads it" in found[0].message
    assert ("it reads 'train_config.epochs' at pipeline/pipeline.py:10, a key inside a section, not the swept "
            "top-level 'epochs'") in found[1].message


def test_a_class_re_exported_by_a_package_is_followed(write):
    files = nested()
    files["sweep.yaml"] = files["sweep.yaml"].replace("learning_rate:", "lr_config.init_lr:").replace("epochs:", "train_config.epochs:")
    assert lint(write, files, code="SL201") == []


def test_an_absolute_program_path_from_another_machine_is_found_in_the_project(write):
    found = lint(write, nested(program="/content/my-project/train.py"), code="SL201")
    assert [(d.span.line, d.span.column) for d in found] == [(5, 3), (7, 3)]
    assert "looked in train.py" in found[0].message


def test_an_absolute_path_matching_nothing_stays_unknown(write):
    assert lint(write, nested(program="/content/my-project/other.py"), code="SL201") == []


def test_an_argument_parser_imported_but_never_used_does_not_hide_unread_keys(write):
    files = nested(extra_import="from absl import app, flags  # kept from an older version")
    assert len(lint(write, files, code="SL201")) == 2


def test_an_argument_parser_in_use_may_read_any_key(write):
    files = nested(extra_import="from absl import app, flags", extra_use="FLAGS = flags.FLAGS")
    assert lint(write, files, code="SL201") == []


# --- SL204: a run behind a switch ----------------------------------------------------------------

SWITCHED = {
    "sweep.yaml": """
        program: train.py
        method: random
        metric: {name: val_acc, goal: maximize}
        parameters:
          lr:
            values: [0.1, 0.01]
    """,
    "train.py": """
        import argparse
        import wandb

        def main(args):
            if args.use_wandb:
                wandb.init(config=vars(args))
            acc = train(args.lr)
            if args.use_wandb:
                wandb.log({"val_acc": acc})

        if __name__ == "__main__":
            parser = argparse.ArgumentParser()
            parser.add_argument("--lr", type=float, default=0.1)
            parser.add_argument("--use-wandb", action="store_true")
            main(parser.parse_args())
    """,
}


def test_a_run_started_only_behind_an_unset_switch(write):
    found = lint(write, SWITCHED, code="SL204")
    assert [(d.span.line, d.span.column) for d in found] == [(3, 16)]
    assert "starts its W&B run only when --use_wandb is set (train.py:6), which defaults to off" in found[0].message


def test_the_switch_given_in_the_command(write):
    files = dict(SWITCHED)
    files["sweep.yaml"] = textwrap.dedent(SWITCHED["sweep.yaml"]).lstrip("\n") + "command: [python, train.py, --use-wandb, '${args}']\n"
    assert lint(write, files, code="SL204") == []


def test_a_switch_that_is_on_by_default(write):
    files = dict(SWITCHED)
    files["train.py"] = SWITCHED["train.py"].replace('action="store_true"', "type=bool, default=True")
    assert lint(write, files, code="SL204") == []


def test_a_switch_parsed_by_a_module_the_entry_does_not_run_as_a_script(write):
    # The entry builds the namespace itself (switched on); only the imported module parses a command line.
    files = {
        "sweep.yaml": SWITCHED["sweep.yaml"].replace("program: train.py", "program: launch.py"),
        "train.py": SWITCHED["train.py"],
        "launch.py": """
            from argparse import Namespace
            from train import main

            main(Namespace(lr=0.1, use_wandb=True))
        """,
    }
    assert lint(write, files, code="SL204") == []


# --- SL206: an optimizer state loaded from a checkpoint ------------------------------------------

RESTORED = {
    "sweep.yaml": """
        program: train.py
        method: random
        metric: {name: val_loss, goal: minimize}
        parameters:
          lr:
            values: [0.1, 0.01]
    """,
    "train.py": """
        import torch
        import wandb

        def main():
            wandb.init()
            model = build_model()
            optimizer = torch.optim.SGD(model.parameters(), lr=wandb.config.lr)
            state = torch.load("pretrained.pt")
            optimizer.load_state_dict(state["optimizer"])
            train(model, optimizer)

        main()
    """,
}


def test_an_optimizer_state_always_loaded_after_the_swept_value(write):
    found = lint(write, RESTORED, code="SL206")
    assert [(d.span.line, d.span.column) for d in found] == [(5, 3)]
    assert "optimizer.load_state_dict(...) at train.py:9), which puts back the saved lr" in found[0].message


def test_a_state_loaded_into_an_optimizer_handed_in(write):
    # A helper that loads into whatever optimizer it is given: when it runs is not visible here.
    files = dict(RESTORED)
    files["train.py"] = """
        import torch
        import wandb

        def resume(optimizer, path):
            optimizer.load_state_dict(torch.load(path)["optimizer"])

        wandb.init()
        model = build_model()
        optimizer = torch.optim.SGD(model.parameters(), lr=wandb.config.lr)
        train(model, optimizer)
    """
    assert lint(write, files, code="SL206") == []


def test_a_model_state_alone_is_fine(write):
    files = dict(RESTORED)
    files["train.py"] = RESTORED["train.py"].replace('optimizer.load_state_dict(state["optimizer"])', 'model.load_state_dict(state["model"])')
    assert lint(write, files, code="SL206") == []
