"""SL204 when the objective is logged only in code the program never runs (codefacts.reach)."""

from __future__ import annotations

import textwrap

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def lint(write, files: dict[str, str], target: str = "sweep.yaml"):
    folder = write({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return [d for d in lint_paths([str(folder / target)], Settings(root=folder)).diagnostics if d.code == "SL204"]


SWEEP = """
    program: train.py
    method: random
    metric:
      name: val_f1
      goal: maximize
    parameters:
      lr:
        values: [0.01, 0.001]
"""
TRAIN = """
    import wandb


    def sweep_run():
        run = wandb.init()
        f1 = fit(lr=wandb.config.lr)
        wandb.log({"val_f1": f1})


    def main(use_sweep):
        if use_sweep:
            sweep_run()
            return
        run = wandb.init(config={"lr": 0.01})
        wandb.log({"train_loss": fit(lr=run.config.lr)})


    if __name__ == "__main__":
        {entry}
"""


def test_the_objective_logged_only_behind_a_constant_that_is_always_false(write):
    found = lint(write, {"sweep.yaml": SWEEP, "train.py": TRAIN.replace("{entry}", "sweeping = False\n        main(sweeping)")})
    assert [(d.span.line, d.span.column) for d in found] == [(4, 9)]
    assert "the sweep optimizes 'val_f1', but the program logs it only in sweep_run() (train.py:7), which never runs" in found[0].message


def test_a_function_that_nothing_calls(write):
    source = TRAIN.replace("            sweep_run()\n", "            pass\n").replace("{entry}", "main(True)")
    found = lint(write, {"sweep.yaml": SWEEP, "train.py": source})
    assert [d.span.line for d in found] == [4]
    assert "logs it only in sweep_run() (train.py:7), which never runs" in found[0].message


def test_silent_when_the_function_may_run(write):
    for entry in ("main(True)", "main(len(sys.argv) > 1)", "wandb.agent('abc', function=sweep_run)",
                  "sweeping = False\n        sweeping = True\n        main(sweeping)"):
        assert lint(write, {"sweep.yaml": SWEEP, "train.py": TRAIN.replace("{entry}", entry)}) == [], entry


def test_methods_count_as_run_as_frameworks_call_them_by_name(write):
    source = """
        import wandb


        class Trial:
            def evaluate(self):
                wandb.log({"val_f1": 0.5})


        run = wandb.init()
        wandb.log({"train_loss": 1.0})
    """
    assert lint(write, {"sweep.yaml": SWEEP, "train.py": source}) == []
