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
            "top-level 'epochs'") in found[1].help


def test_a_class_re_exported_by_a_package_is_followed(write):
    files = nested()
    files["sweep.yaml"] = files["sweep.yaml"].replace("learning_rate:", "lr_config.init_lr:").replace("epochs:", "train_config.epochs:")
    assert lint(write, files, code="SL201") == []


def test_an_absolute_program_path_from_another_machine_is_found_in_the_project(write):
    found = lint(write, nested(program="/content/my-project/train.py"), code="SL201")
    assert [(d.span.line, d.span.column) for d in found] == [(5, 3), (7, 3)]
    assert "looked in train.py" in found[0].help


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
    assert found[0].message == "lr is swept, but optimizer.load_state_dict(...) at train.py:9 puts back the saved lr"


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


# --- SL201: a Katib trial flag the program's parser does not define ------------------------------

KATIB = """
    apiVersion: kubeflow.org/v1beta1
    kind: Experiment
    metadata:
      name: mnist-random
    spec:
      objective:
        type: minimize
        objectiveMetricName: loss
      algorithm:
        algorithmName: random
      maxTrialCount: 12
      parameters:
        - name: lr
          parameterType: double
          feasibleSpace: {min: "0.001", max: "0.1"}
        - name: momentum
          parameterType: double
          feasibleSpace: {min: "0.5", max: "0.99"}
      trialTemplate:
        primaryContainerName: training-container
        trialParameters:
          - name: learningRate
            reference: lr
          - name: momentum
            reference: momentum
        trialSpec:
          apiVersion: batch/v1
          kind: Job
          spec:
            template:
              spec:
                containers:
                  - name: training-container
                    image: example/mnist:latest
                    command:
                      - python3
                      - train.py
                      - "--lr=${trialParameters.learningRate}"
                      - --momentum
                      - "${trialParameters.momentum}"
                restartPolicy: Never
"""
KATIB_TRAIN = """
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.9)
    args = parser.parse_args()
    train(args.learning_rate, args.momentum)
    print(f"loss={evaluate():.4f}")
"""


def test_a_katib_flag_the_parser_does_not_define(write):
    found = lint(write, {"experiment.yaml": KATIB, "train.py": KATIB_TRAIN}, target="experiment.yaml", code="SL201")
    assert [(d.span.line, d.span.column) for d in found] == [(38, 21)]
    assert ("passes the trial parameter learningRate as --lr, but the program's argument parser defines no --lr "
            "(it defines --learning_rate, --momentum)") in found[0].message


def test_katib_flags_the_parser_defines(write):
    train = KATIB_TRAIN.replace('"--learning-rate"', '"--lr"').replace("args.learning_rate", "args.lr")
    assert lint(write, {"experiment.yaml": KATIB, "train.py": train}, target="experiment.yaml", code="SL201") == []


def test_katib_flags_to_a_program_parsed_some_other_way(write):
    train = "import fire\n\ndef main(lr=0.01, momentum=0.9):\n    print(f'loss={run(lr, momentum)}')\n\nfire.Fire(main)\n"
    assert lint(write, {"experiment.yaml": KATIB, "train.py": train}, target="experiment.yaml", code="SL201") == []


# --- SL206: a swept value stored in a local nothing uses -----------------------------------------

DROPPED = {
    "config.yml": """
        searchSpaceFile: search_space.json
        trialCommand: python3 trial.py
        trialConcurrency: 1
        maxTrialNumber: 20
        tuner:
          name: TPE
          classArgs:
            optimize_mode: maximize
        trainingService:
          platform: local
    """,
    "search_space.json": """
        {
          "hidden": {"_type": "choice", "_value": [64, 128]},
          "lr": {"_type": "loguniform", "_value": [0.0001, 0.1]}
        }
    """,
    "trial.py": """
        import nni
        import torch

        class Net(torch.nn.Module):
            def __init__(self, hidden):
                super().__init__()
                self.layer = torch.nn.Linear(10, hidden)
                self.lr = 0.001

            def optimizer(self):
                return torch.optim.Adam(self.parameters(), lr=self.lr)

        params = nni.get_next_parameter()
        hidden = params["hidden"]
        lr = params["lr"]
        model = Net(hidden=hidden)
        nni.report_final_result(fit(model, model.optimizer()))
    """,
}


def test_a_swept_value_stored_in_a_local_nothing_uses(write):
    found = lint(write, DROPPED, target="config.yml", code="SL206")
    assert [(d.span.line, d.span.column) for d in found] == [(3, 3)]  # at the key in search_space.json
    assert "lr is swept, but the program only stores it in the local 'lr' (trial.py:15) and never uses 'lr'" in found[0].message


def test_the_bare_search_space_finds_its_program_through_the_experiment_config(write):
    found = lint(write, DROPPED, target="search_space.json", code="SL206")
    assert [(d.span.line, d.span.column) for d in found] == [(3, 3)]


def test_a_stored_value_used_later_by_name(write):
    for use in ("print(f'lr={lr}')", "model.lr = lr", "def configure():\n    return lr",
                "class Settings:\n    lr = params['lr']\nrun(Settings.lr)"):
        files = dict(DROPPED)
        files["trial.py"] = textwrap.dedent(DROPPED["trial.py"]) + use + "\n"
        assert lint(write, files, target="config.yml", code="SL206") == [], use


def test_a_bare_search_space_launched_from_python(write):
    files = {k: v for k, v in DROPPED.items() if k != "config.yml"}
    files["hpo.py"] = """
        import json
        from nni.experiment import Experiment

        search_space = json.load(open("search_space.json"))
        experiment = Experiment("local")
        experiment.config.trial_command = "python3 trial.py"
        experiment.config.search_space = search_space
        experiment.run(8080)
    """
    found = lint(write, files, target="search_space.json", code="SL206")
    assert [(d.span.line, d.span.column) for d in found] == [(3, 3)]


def test_launchers_that_disagree_name_no_program(write):
    files = dict(DROPPED)
    files["other.yml"] = textwrap.dedent(DROPPED["config.yml"]).replace("trial.py", "other.py")
    files["other.py"] = "import nni\nnni.report_final_result(run(**nni.get_next_parameter()))\n"
    assert lint(write, files, target="search_space.json", code="SL206") == []
