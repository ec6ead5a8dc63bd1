"""Generate a synthetic repository of sweep configs and training scripts for the benchmark.

    python bench/generate.py OUT [--seed 0] [--scale 1.0] [--configs 1000] [--scripts 200]

Configs are spread over W&B (YAML and JSON), Hydra with the Optuna sweeper, Katib, Determined and NNI;
about a third carry a mistake sweeplint reports (a learning rate searched on a linear scale, bounds
written as exponents, a grid over a continuous range, a duplicate key...). Training scripts are
200-600 lines in three styles (argparse, wandb.config, Hydra), and every config names one of them.
The same seed and scale give the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil

PARAMS = [
    ("learning_rate", "float", 1e-5, 1e-1, True),
    ("lr", "float", 1e-5, 1e-1, True),
    ("weight_decay", "float", 1e-6, 1e-2, True),
    ("dropout", "float", 0.0, 0.5, False),
    ("momentum", "float", 0.8, 0.99, False),
    ("warmup_steps", "int", 0, 2000, False),
    ("num_layers", "int", 2, 12, False),
    ("hidden_size", "cat", [128, 256, 512, 1024], None, False),
    ("optimizer", "cat", ["adam", "sgd", "adamw"], None, False),
    ("label_smoothing", "float", 0.0, 0.2, False),
]
METRICS = [("val_loss", "minimize"), ("val_accuracy", "maximize"), ("eval/f1", "maximize")]


def _params(rng: random.Random, k: int):
    return rng.sample(PARAMS, k)


# --- training scripts -------------------------------------------------------------------------


def _filler(rng: random.Random, index: int, lines: int) -> list[str]:
    """Ordinary model and data code, to give the scripts a realistic size."""
    out: list[str] = []
    n = 0
    while len(out) < lines:
        n += 1
        kind = rng.randrange(3)
        if kind == 0:
            out += [
                f"class Block{n}(nn.Module):",
                f'    """A residual block ({index}.{n})."""',
                "",
                "    def __init__(self, width, dropout=0.1):",
                "        super().__init__()",
                "        self.norm = nn.LayerNorm(width)",
                "        self.fc1 = nn.Linear(width, 4 * width)",
                "        self.fc2 = nn.Linear(4 * width, width)",
                "        self.drop = nn.Dropout(dropout)",
                "",
                "    def forward(self, x):",
                "        h = self.norm(x)",
                "        h = self.fc2(self.drop(torch.relu(self.fc1(h))))",
                "        return x + self.drop(h)",
                "",
                "",
            ]
        elif kind == 1:
            out += [
                f"def preprocess_{n}(batch, mean=0.5, std=0.25):",
                "    images, labels = batch",
                "    images = (images - mean) / std",
                "    if images.dim() == 3:",
                "        images = images.unsqueeze(1)",
                "    for i in range(images.shape[0]):",
                "        if labels[i] < 0:",
                "            labels[i] = 0",
                "    return images, labels",
                "",
                "",
            ]
        else:
            out += [
                f"def evaluate_{n}(model, loader, device='cpu'):",
                "    model.eval()",
                "    total, correct, loss_sum = 0, 0, 0.0",
                "    with torch.no_grad():",
                "        for images, labels in loader:",
                "            images, labels = images.to(device), labels.to(device)",
                "            logits = model(images)",
                "            loss_sum += F.cross_entropy(logits, labels, reduction='sum').item()",
                "            correct += (logits.argmax(-1) == labels).sum().item()",
                "            total += labels.numel()",
                "    return {'loss': loss_sum / max(total, 1), 'accuracy': correct / max(total, 1)}",
                "",
                "",
            ]
    return out


HEADER = [
    "import math",
    "import os",
    "",
    "import torch",
    "import torch.nn as nn",
    "import torch.nn.functional as F",
]


def script(rng: random.Random, index: int, style: str) -> str:
    size = rng.randint(200, 600)
    params = PARAMS
    metric = rng.choice(METRICS)[0]
    body: list[str] = list(HEADER)
    if style == "argparse":
        body += ["import argparse", "", "import wandb", "", ""]
        main = ["def parse_args():", "    parser = argparse.ArgumentParser()"]
        for name, kind, low, _high, _log in params:
            typ = {"float": "float", "int": "int", "cat": "str"}[kind]
            default = low if kind != "cat" else low[0]
            main.append(f"    parser.add_argument('--{name}', type={typ}, default={default!r})")
        main += ["    parser.add_argument('--epochs', type=int, default=10)", "    return parser.parse_args()", "", ""]
        main += [
            "def main():",
            "    args = parse_args()",
            "    wandb.init(config=vars(args))",
            "    model = nn.Sequential(nn.Linear(784, int(args.hidden_size)), nn.ReLU(), nn.Dropout(args.dropout), nn.Linear(int(args.hidden_size), 10))",
            "    opt = torch.optim.AdamW(model.parameters(), lr=args.learning_rate or args.lr, weight_decay=args.weight_decay)",
            "    for epoch in range(args.epochs):",
            "        loss = train_epoch(model, opt, args.warmup_steps, args.momentum, args.num_layers, args.label_smoothing, args.optimizer)",
            f"        wandb.log({{'{metric}': loss, 'epoch': epoch}})",
        ]
    elif style == "wandb":
        body += ["", "import wandb", "", ""]
        main = [
            "def main():",
            "    run = wandb.init()",
            "    config = wandb.config",
        ]
        for name, _kind, _low, _high, _log in params:
            main.append(f"    {name} = config.{name}")
        main += [
            "    model = nn.Sequential(nn.Linear(784, hidden_size), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden_size, 10))",
            "    opt = torch.optim.SGD(model.parameters(), lr=learning_rate or lr, momentum=momentum, weight_decay=weight_decay)",
            "    for epoch in range(config.get('epochs', 10)):",
            "        loss = train_epoch(model, opt, warmup_steps, num_layers, label_smoothing, optimizer)",
            f"        run.log({{'{metric}': loss}})",
        ]
    else:
        body += ["", "import hydra", "from omegaconf import DictConfig", "", ""]
        main = [
            "@hydra.main(config_path='conf', config_name='config', version_base=None)",
            "def main(cfg: DictConfig) -> float:",
            "    model = nn.Sequential(nn.Linear(784, cfg.hidden_size), nn.ReLU(), nn.Dropout(cfg.dropout), nn.Linear(cfg.hidden_size, 10))",
            "    opt = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate or cfg.lr, weight_decay=cfg.weight_decay)",
            "    loss = train_epoch(model, opt, cfg.warmup_steps, cfg.momentum, cfg.num_layers, cfg.label_smoothing, cfg.optimizer)",
            f"    print('{metric}', loss)",
            "    return loss",
        ]
    main += ["", "", "if __name__ == '__main__':", "    main()", ""]
    train = [
        "def train_epoch(model, opt, *hparams):",
        "    model.train()",
        "    total = 0.0",
        "    for step in range(100):",
        "        x = torch.randn(32, 784)",
        "        y = torch.randint(0, 10, (32,))",
        "        loss = F.cross_entropy(model(x), y)",
        "        opt.zero_grad()",
        "        loss.backward()",
        "        opt.step()",
        "        total += loss.item()",
        "    return total / 100",
        "",
        "",
    ]
    fill = max(0, size - len(body) - len(main) - len(train))
    return "\n".join(body + _filler(rng, index, fill) + train + main)


# --- configs ----------------------------------------------------------------------------------


def _wandb(rng: random.Random, program: str, bad: bool, as_json: bool) -> str:
    metric, goal = rng.choice(METRICS)
    method = rng.choice(["random", "bayes"]) if not bad else rng.choice(["random", "grid"])
    params: dict = {}
    for name, kind, low, high, log in _params(rng, rng.randint(3, 6)):
        if kind == "cat":
            params[name] = {"values": low}
        elif kind == "int":
            params[name] = {"distribution": "int_uniform", "min": low, "max": high}
        elif log:
            if bad:
                params[name] = {"distribution": "uniform", "min": low, "max": high}
            else:
                params[name] = {"distribution": "log_uniform_values", "min": low, "max": high}
        else:
            params[name] = {"distribution": "uniform", "min": low, "max": high}
    doc = {"program": program, "method": method, "metric": {"name": metric, "goal": goal}, "parameters": params}
    if method == "bayes":
        doc["run_cap"] = rng.choice([20, 50, 100])
    if as_json:
        return json.dumps(doc, indent=2) + "\n"
    out = [f"# sweep for {program}", f"program: {program}", f"method: {method}", "metric:", f"  name: {metric}", f"  goal: {goal}"]
    if "run_cap" in doc:
        out.append(f"run_cap: {doc['run_cap']}")
    out.append("parameters:")
    for name, spec in params.items():
        out.append(f"  {name}:")
        for key, value in spec.items():
            if isinstance(value, list):
                out.append(f"    {key}: [{', '.join(str(v) for v in value)}]")
            elif isinstance(value, float) and bad and rng.random() < 0.3:
                out.append(f"    {key}: {value:.0e}")  # 1e-05: a string for PyYAML
            else:
                out.append(f"    {key}: {value}")
    if bad and rng.random() < 0.3:
        out.append("method: grid")  # a duplicate key
    return "\n".join(out) + "\n"


def _hydra(rng: random.Random, bad: bool) -> str:
    metric, goal = rng.choice(METRICS)
    out = [
        "defaults:",
        "  - override hydra/sweeper: optuna",
        "",
        "hidden_size: 256",
        "dropout: 0.1",
        "learning_rate: 0.001",
        "hydra:",
        "  sweeper:",
        "    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper",
        f"    direction: {goal}",
        f"    study_name: {metric.replace('/', '_')}",
        "    storage: null",
        f"    n_trials: {rng.choice([20, 50, 100])}",
        "    n_jobs: 1",
        "    sampler:",
        "      _target_: optuna.samplers.TPESampler",
        f"      seed: {rng.randint(0, 1000)}",
        "    params:",
    ]
    for name, kind, low, high, log in _params(rng, rng.randint(2, 5)):
        if kind == "cat":
            out.append(f"      {name}: choice({', '.join(str(v) for v in low)})")
        elif kind == "int":
            out.append(f"      {name}: range({low}, {high})")
        elif log and not bad:
            out.append(f"      {name}: tag(log, interval({low}, {high}))")
        else:
            out.append(f"      {name}: interval({low}, {high})")
    return "\n".join(out) + "\n"


def _katib(rng: random.Random, index: int, program: str, bad: bool) -> str:
    metric, goal = rng.choice(METRICS)
    metric = metric.replace("/", "_")
    params = _params(rng, rng.randint(2, 5))
    out = [
        "apiVersion: kubeflow.org/v1beta1",
        "kind: Experiment",
        "metadata:",
        f"  name: exp-{index}",
        "  namespace: kubeflow",
        "spec:",
        "  objective:",
        f"    type: {goal}",
        f"    objectiveMetricName: {metric}",
        "  algorithm:",
        f"    algorithmName: {rng.choice(['random', 'bayesianoptimization', 'tpe'])}",
        "  parallelTrialCount: 3",
        "  maxTrialCount: 30",
        "  maxFailedTrialCount: 3",
        "  parameters:",
    ]
    for name, kind, low, high, log in params:
        out.append(f"    - name: {name}")
        if kind == "cat":
            out += ["      parameterType: categorical", "      feasibleSpace:", "        list:"]
            out += [f'          - "{v}"' for v in low]
        elif kind == "int":
            out += ["      parameterType: int", "      feasibleSpace:", f'        min: "{low}"', f'        max: "{high}"']
        else:
            out += ["      parameterType: double", "      feasibleSpace:", f'        min: "{low}"', f'        max: "{high}"']
            if log and not bad:
                out.append("        distribution: logUniform")
    out += [
        "  trialTemplate:",
        "    primaryContainerName: training-container",
        "    trialParameters:",
    ]
    for name, *_ in params:
        out += [f"      - name: {name.replace('_', '')}", f"        reference: {name}"]
    out += [
        "    trialSpec:",
        "      apiVersion: batch/v1",
        "      kind: Job",
        "      spec:",
        "        template:",
        "          spec:",
        "            containers:",
        "              - name: training-container",
        "                image: docker.io/example/train:latest",
        "                command:",
        "                  - python3",
        f"                  - /opt/{program}",
    ]
    out += [f'                  - "--{name}=${{trialParameters.{name.replace("_", "")}}}"' for name, *_ in params]
    out.append("            restartPolicy: Never")
    return "\n".join(out) + "\n"


def _determined(rng: random.Random, bad: bool) -> str:
    metric, goal = rng.choice(METRICS)
    out = [
        "name: mnist-search",
        "entrypoint: model_def:Trial",
        "searcher:",
        f"  name: {rng.choice(['random', 'adaptive_asha', 'grid'])}",
        f"  metric: {metric}",
        f"  smaller_is_better: {'true' if goal == 'minimize' else 'false'}",
        "  max_trials: 16",
        "  max_length:",
        "    batches: 1000",
        "hyperparameters:",
        "  global_batch_size: 64",
    ]
    for name, kind, low, high, log in _params(rng, rng.randint(2, 5)):
        out.append(f"  {name}:")
        if kind == "cat":
            out += ["    type: categorical", f"    vals: [{', '.join(repr(v) if isinstance(v, str) else str(v) for v in low)}]"]
        elif kind == "int":
            out += ["    type: int", f"    minval: {low}", f"    maxval: {high}", "    count: 4"]
        elif log and not bad:
            import math

            out += ["    type: log", "    base: 10", f"    minval: {math.log10(low):.0f}", f"    maxval: {math.log10(high):.0f}", "    count: 4"]
        else:
            out += ["    type: double", f"    minval: {low}", f"    maxval: {high}", "    count: 4"]
    return "\n".join(out) + "\n"


def _nni(rng: random.Random, bad: bool) -> str:
    space = {}
    for name, kind, low, high, log in _params(rng, rng.randint(2, 5)):
        if kind == "cat":
            space[name] = {"_type": "choice", "_value": low}
        elif kind == "int":
            space[name] = {"_type": "randint", "_value": [low, high]}
        elif log and not bad:
            space[name] = {"_type": "loguniform", "_value": [low, high]}
        else:
            space[name] = {"_type": "uniform", "_value": [low, high]}
    return json.dumps(space, indent=2) + "\n"


def _other(rng: random.Random, index: int) -> str:
    """YAML that is not a sweep (CI, data descriptions): skipped cheaply."""
    return "\n".join([
        f"name: job-{index}",
        "on: [push, pull_request]",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        f"      - run: python -m pytest -q tests/test_{index}.py",
    ]) + "\n"


def generate(out: str, seed: int = 0, scale: float = 1.0, configs: int = 1000, scripts: int = 200) -> dict:
    rng = random.Random(seed)
    n_configs = max(1, round(configs * scale))
    n_scripts = max(1, round(scripts * scale))
    if os.path.exists(out):
        shutil.rmtree(out)
    counts: dict[str, int] = {}
    styles = ["argparse", "wandb", "hydra"]
    programs = []
    for i in range(n_scripts):
        project = f"projects/p{i // 10:03d}"
        os.makedirs(os.path.join(out, project), exist_ok=True)
        name = f"train_{i:04d}.py"
        with open(os.path.join(out, project, name), "w", encoding="utf-8") as handle:
            handle.write(script(rng, i, styles[i % 3]))
        programs.append((project, name))
    kinds = ["wandb-yaml"] * 30 + ["wandb-json"] * 10 + ["hydra"] * 15 + ["katib"] * 15 + ["determined"] * 12 + ["nni"] * 10 + ["other"] * 8
    for i in range(n_configs):
        project, program = programs[i % len(programs)]
        kind = rng.choice(kinds)
        bad = rng.random() < 0.35
        folder = os.path.join(out, project, "sweeps")
        os.makedirs(folder, exist_ok=True)
        if kind == "wandb-yaml":
            name, text = f"sweep_{i:05d}.yaml", _wandb(rng, f"../{program}" if False else program, bad, False)
        elif kind == "wandb-json":
            name, text = f"sweep_{i:05d}.json", _wandb(rng, program, bad, True)
        elif kind == "hydra":
            name, text = f"optuna_{i:05d}.yaml", _hydra(rng, bad)
        elif kind == "katib":
            name, text = f"katib_{i:05d}.yaml", _katib(rng, i, program, bad)
        elif kind == "determined":
            name, text = f"det_{i:05d}.yaml", _determined(rng, bad)
        elif kind == "nni":
            name, text = f"search_space_{i:05d}.json", _nni(rng, bad)
        else:
            name, text = f"ci_{i:05d}.yaml", _other(rng, i)
        if kind in ("wandb-yaml", "wandb-json"):
            # W&B runs the program from the folder the sweep is started in: keep it beside the script.
            folder = os.path.join(out, project)
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(text)
        counts[kind] = counts.get(kind, 0) + 1
    return {"configs": n_configs, "scripts": n_scripts, "kinds": counts, "seed": seed, "scale": scale}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to (re)create")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of configs and scripts")
    parser.add_argument("--configs", type=int, default=1000)
    parser.add_argument("--scripts", type=int, default=200)
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.out, args.seed, args.scale, args.configs, args.scripts)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
