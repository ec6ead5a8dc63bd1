"""The hostile inputs of the robustness contract, as files: each is checked in its own process by
`bench_input_classes.py --adversarial` (and by `run.py`), which reports its time and peak memory.

Every case is a folder of files and the path to check. They mirror the classes the adversarial
tests exercise (alias bombs, deep nesting, size, entry counts, long lines and functions), at the
sizes the issue names, so the memory contract (<= 200 MiB on every input) is measured, not assumed.
"""

from __future__ import annotations

TRAIN = "import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'val_loss': lr})\n"
SWEEP = ("program: train.py\nmethod: random\nrun_cap: 10\nmetric: {name: val_loss, goal: minimize}\n"
         "parameters:\n  learning_rate:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.1\n")


def alias_bomb() -> dict[str, str]:
    rows = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return {"bomb.yaml": "\n".join(rows) + "\nparameters:\n  x:\n    values: *l9\n"}


def repeated_large_alias() -> dict[str, str]:
    refs = ", ".join(["*big"] * 5_000)
    return {"quad.yaml": f'big: &big "{"y" * 100_000}"\nmethod: random\nparameters:\n  p:\n    values: [{refs}]\n'}


def nested(kind: str, depth: int = 10_000) -> dict[str, str]:
    if kind == "yaml-flow":
        return {"deep.yaml": "parameters: " + "[" * depth + "]" * depth + "\n"}
    if kind == "yaml-block":
        return {"deep.yaml": "parameters:\n" + "".join(" " * i + "- \n" for i in range(1, depth))}
    if kind == "json":
        return {"deep.json": '{"parameters": ' + "[" * depth + "]" * depth + "}\n"}
    expression = "(" * depth + "1" + ")" * depth  # Python
    return {"sweep.yaml": SWEEP, "train.py": TRAIN + f"x = {expression}\n",
            "objective.py": f"def objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n    return {expression}\n"}


def fifty_megabytes() -> dict[str, str]:
    return {"huge.yaml": "parameters:\n" + "".join(f"  key{i:010d}{'k' * 50}: 1\n" for i in range(50 * 2**20 // 66))}


def many_entries(kind: str) -> dict[str, str]:
    if kind == "parameters":
        return {"many.yaml": "method: random\nparameters:\n" + "".join(f"  p{i}: {{value: 1}}\n" for i in range(200_000))}
    if kind == "values":
        return {"many.yaml": "method: random\nparameters:\n  p:\n    values: [" + ", ".join(["1"] * 200_000) + "]\n"}
    groups = "".join(f"  g{g}:\n    parameters:\n" + "".join(f"      p{i}: {{value: 1}}\n" for i in range(5_000))
                     for g in range(40))
    return {"many.yaml": "method: random\nparameters:\n" + groups}


def three_thousand_ranges() -> dict[str, str]:
    ranges = "".join(f"  lr{i}:\n    min: 0.0001\n    max: 0.1\n" for i in range(3_000))
    return {"train.py": TRAIN, "many.yaml": "program: train.py\nmethod: random\nparameters:\n" + ranges}


def one_megabyte_line() -> dict[str, str]:
    return {"train.py": TRAIN, "long.yaml": SWEEP + "# " + "x" * 2**20 + "\n"}


def long_function(lines: int = 20_000) -> dict[str, str]:
    body = "".join(f"    v{i} = cfg.learning_rate * {i}\n" for i in range(lines))
    program = ("import wandb\n\ndef main():\n    run = wandb.init()\n    cfg = wandb.config\n" + body
               + "    wandb.log({'val_loss': v1})\n\nmain()\n")
    return {"sweep.yaml": SWEEP, "train.py": program}


def program_of_tokens(functions: int) -> dict[str, str]:
    """A training script of many small functions: ten tokens each (sweeplint parses at most 50,000)."""
    body = "".join(f"def f{i}(x):\n    return x * {i}\n\n" for i in range(functions))
    return {"sweep.yaml": SWEEP, "train.py": "import wandb\nrun = wandb.init()\ncfg = wandb.config\n" + body
            + "wandb.log({'val_loss': cfg.learning_rate})\n"}


def nested_groups(groups: int = 250) -> dict[str, str]:
    body = "".join(
        f"  g{i}:\n    parameters:\n      optimizer:\n        values: [sgd, adam]\n      learning_rate:\n"
        f"        distribution: log_uniform_values\n        min: 0.0001\n        max: 0.1\n" for i in range(groups))
    return {"train.py": TRAIN, "groups.yaml": "program: train.py\nmethod: random\nrun_cap: 500\n"
                                              "metric: {name: val_loss, goal: minimize}\nparameters:\n" + body}


CASES = {
    "alias bomb (10 levels of 9)": alias_bomb,
    "a 100 KB alias repeated 5,000 times": repeated_large_alias,
    "10,000 levels of flow YAML": lambda: nested("yaml-flow"),
    "10,000 levels of block YAML": lambda: nested("yaml-block"),
    "10,000 levels of JSON": lambda: nested("json"),
    "10,000 levels of Python parentheses": lambda: nested("python"),
    "a 50 MB config": fifty_megabytes,
    "200,000 parameters": lambda: many_entries("parameters"),
    "200,000 values": lambda: many_entries("values"),
    "40 groups of 5,000 parameters": lambda: many_entries("groups"),
    "3,000 searched ranges": three_thousand_ranges,
    "a 1 MB line": one_megabyte_line,
    "a 20,000-line function": long_function,
    "a 4,900-line function (34,000 tokens)": lambda: long_function(4_900),
    "a program of 49,000 tokens": lambda: program_of_tokens(4_900),
    "a program of 240,000 tokens": lambda: program_of_tokens(24_000),
    "250 nested W&B groups": nested_groups,
}
