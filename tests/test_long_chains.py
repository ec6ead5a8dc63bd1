"""Values computed from many reads: a long chain of assignments, one expression over forty keys.
What a value comes from is bounded (codefacts.flow.bounded_taint) without losing which keys."""

from __future__ import annotations

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def sweep(names: list[str]) -> str:
    rows = ["program: train.py", "method: random", "run_cap: 50", "metric: {name: val_loss, goal: minimize}", "parameters:"]
    for name in names:
        rows += [f"  {name}:", "    min: 0.1", "    max: 0.9"]
    return "\n".join(rows) + "\n"


def unused(write, names: list[str], program: str) -> list[str]:
    folder = write({"sweep.yaml": sweep(names), "train.py": program})
    found = lint_paths([str(folder / "sweep.yaml")], Settings(root=folder)).diagnostics
    return sorted(d.message.split(" ")[0] for d in found if d.code == "SL201")


def test_one_expression_over_forty_keys_uses_every_key(write):
    names = [f"p{i}" for i in range(40)]
    total = " + ".join(f"cfg.{n}" for n in names)
    program = f"import wandb\nrun = wandb.init()\ncfg = wandb.config\ntotal = {total}\nwandb.log({{'val_loss': total}})\n"
    assert unused(write, names + ["dropout"], program) == ["dropout"]


def test_a_chain_of_three_hundred_assignments_still_carries_its_key(write):
    chain = "".join(f"v = v * cfg.alpha + {i}\n" for i in range(300))
    program = ("import wandb\nrun = wandb.init()\ncfg = wandb.config\nv = cfg.beta\n" + chain
               + "wandb.log({'val_loss': v})\n")
    assert unused(write, ["alpha", "beta", "dropout"], program) == ["dropout"]
