"""`sweeplint graph` as a picture: legend, findings on their nodes, sampled ranges, code clusters, SVG/PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import run_cli
from sweeplint.cli import main

SWEEP = """\
program: train.py
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform
    min: 0.0001
    max: 0.1
  decay:
    distribution: inv_log_uniform
    min: 1
    max: 3
  optimizer:
    values: [adam, sgd]
  momentum:
    min: 0.8
    max: 0.99
  width:
    distribution: log_uniform_values
    min: 16
    max: 256
"""

TRAIN = """\
import wandb

run = wandb.init()
cfg = wandb.config
lr = cfg.learning_rate * cfg.decay * cfg.width
if cfg.optimizer == "sgd":
    m = cfg.momentum
wandb.log({"val_loss": lr})
"""

HELPERS = """\
def scale(x):
    return x * 2
"""

DETERMINED = """\
name: demo
entrypoint: model_def:Trial
searcher: {name: random, metric: loss, smaller_is_better: true, max_trials: 8}
hyperparameters:
  lr: {type: log, base: 10, minval: -5, maxval: -1}
"""

_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*\[(.*)\];$')
_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def dot_nodes(text: str) -> dict[str, dict]:
    out = {}
    for line in text.splitlines():
        m = _NODE.match(line)
        if m:
            out[m.group(1)] = dict(_ATTR.findall(m.group(2)))
    return out


@pytest.fixture
def sweep_dir(write):
    return write({"sweep.yaml": SWEEP, "train.py": TRAIN, "helpers.py": HELPERS})


def graph(folder, *args) -> str:
    proc = run_cli("graph", "sweep.yaml", *args, cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_dot_has_a_legend_of_roles_findings_and_edge_kinds(sweep_dir):
    text = graph(sweep_dir)
    assert "subgraph cluster_legend {" in text and 'label="Legend"' in text
    legend = {k: a["label"] for k, a in dot_nodes(text).items() if a.get("kind") == "legend"}
    for expected in ("scientific parameter", "nuisance parameter", "fixed parameter", "role declared in the config",
                     "has a finding (error)", "has a finding (warning)", "objective metric",
                     "conditional on (if parent in values)", "interacts with (tune together)"):
        assert expected in legend.values(), legend


def test_dot_marks_the_nodes_findings_concern(sweep_dir):
    nodes = dot_nodes(graph(sweep_dir))
    lr = nodes["param:learning_rate"]
    # SL102 (exponent bounds that look like values) is an error located on learning_rate.
    assert "SL102" in lr["findings"].split() and lr["color"] == "#d62728" and lr["penwidth"] == "3"
    assert "\\n! " in lr["label"] and "(error)" in lr["label"]
    assert "SL102 (error): learning_rate uses log_uniform" in lr["tooltip"]
    # momentum is read only for sgd: SL304, a warning, on momentum and not on its neighbour.
    assert "SL304" in nodes["param:momentum"]["findings"] and nodes["param:momentum"]["color"] == "#ff7f0e"
    assert "SL304" not in nodes["param:optimizer"].get("findings", "")
    assert "SL102" not in nodes["param:width"].get("findings", "")  # bounds given as values


def test_dot_shows_what_a_distribution_really_samples(sweep_dir):
    nodes = dot_nodes(graph(sweep_dir))
    # log_uniform's bounds are exponents: e^0.0001 .. e^0.1, nothing like 0.0001 .. 0.1.
    assert "\\nreally samples 1.0001 .. 1.105" in nodes["param:learning_rate"]["label"]
    # inv_log_uniform samples e^-max .. e^-min.
    assert "\\nreally samples 0.04979 .. 0.3679" in nodes["param:decay"]["label"]
    # Bounds given as values sample what they say: no second range.
    assert "really samples" not in nodes["param:width"]["label"]


def test_a_log_range_with_exponents_of_ten_shows_its_values(write):
    folder = write({"experiment.yaml": DETERMINED})
    proc = run_cli("graph", "experiment.yaml", "--no-code", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "really samples 1e-05 .. 0.1" in dot_nodes(proc.stdout)["param:lr"]["label"]


def test_code_sites_are_grouped_in_one_cluster_per_file(sweep_dir):
    text = graph(sweep_dir)
    clusters = re.findall(r'subgraph (cluster_code_\d+) \{\n\s+label="([^"]+)";(.*?)\n  \}', text, re.S)
    assert [label for _, label, _ in clusters] == ["train.py"]
    inside = clusters[0][2]
    sites = [k for k, a in dot_nodes(text).items() if a.get("kind") == "code-site"]
    assert sites and all(f'"{k}"' in inside for k in sites)
    assert all(k.startswith("code:train.py:") for k in sites)


def test_mermaid_has_the_legend_marks_clusters_and_ranges(sweep_dir):
    text = graph(sweep_dir, "--format", "mermaid")
    assert text.startswith("flowchart LR\n")
    assert '  subgraph legend ["Legend"]' in text and "has a finding (error)" in text
    assert '  subgraph code0 ["train.py"]' in text
    assert "really samples 1.0001 .. 1.105" in text
    ids = dict(re.findall(r'^  (n\d+)\["(\w+)<br/>', text, re.M))
    lr = next(i for i, name in ids.items() if name == "learning_rate")
    errors = re.search(r"^  class (\S+) finding_error$", text, re.M).group(1).split(",")
    assert lr in errors
    assert "classDef finding_error stroke:#d62728" in text


def test_json_carries_findings_and_sampled_ranges(sweep_dir):
    import json

    data = json.loads(graph(sweep_dir, "--format", "json"))
    lr = next(n for n in data["nodes"] if n["id"] == "param:learning_rate")
    assert lr["samples"] == "1.0001 .. 1.105"
    assert any(code == "SL102" and severity == "error" for code, severity, _ in lr["findings"])


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_images_without_graphviz_are_a_one_line_usage_error(sweep_dir, monkeypatch, capsys, fmt):
    monkeypatch.chdir(sweep_dir)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    assert main(["graph", "sweep.yaml", "--format", fmt]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"sweeplint: error: --format {fmt} needs Graphviz's `dot` program, which is not installed "
                            "(https://graphviz.org/download/); use --format dot and render it elsewhere\n")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n")])
def test_images_with_graphviz(sweep_dir, fmt, magic):
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "graph", "sweep.yaml", "--format", fmt],
                          cwd=sweep_dir, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (magic in proc.stdout[:400]) if fmt == "svg" else proc.stdout.startswith(magic)
