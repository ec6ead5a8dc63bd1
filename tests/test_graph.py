"""The hyperparameter graph: nodes, edges, queries, and the DOT / Mermaid / JSON exports read back."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from conftest import run_cli
from sweeplint.graph import active_values, build_graph, build_study_graph, interaction_between, interactions_of
from sweeplint.graph_render import to_dot
from sweeplint.knowledge import load_knowledge
from sweeplint.read import read_path
from sweeplint.roles import assign_roles
from sweeplint.settings import Settings

KB = load_knowledge()

SWEEP = """\
# sweeplint: fixed=weight_decay
method: random
run_cap: 60
metric: {name: val_loss, goal: minimize}
parameters:
  optimizer:
    values: [adam, sgd]
  num_layers:
    values: [4, 6, 8]
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  momentum:
    min: 0.8
    max: 0.99
  weight_decay:
    value: 0.01
"""

NNI = """\
{
  "optimizer": {"_type": "choice", "_value": [
    {"_name": "sgd", "momentum": {"_type": "uniform", "_value": [0.8, 0.99]}},
    {"_name": "adam", "beta1": {"_type": "uniform", "_value": [0.85, 0.95]}}
  ]},
  "lr": {"_type": "loguniform", "_value": [0.00001, 0.1]}
}
"""


def graph_of(folder, name):
    file = read_path(str(folder / name), True)
    study = file.studies[0]
    settings = Settings(root=folder)
    return study, build_graph(study, KB, assign_roles(study, KB, settings, file))


def edges(graph, kind):
    return {(u, v) for u, v, d in graph.edges(data=True) if d.get("kind") == kind}


def test_parameter_nodes_carry_family_role_and_space(write):
    study, g = graph_of(write({"sweep.yaml": SWEEP}), "sweep.yaml")
    layers = g.nodes["param:num_layers"]
    assert (layers["family"], layers["family_kind"], layers["role"], layers["role_declared"]) == ("depth", "architecture", "scientific", False)
    assert (layers["space"], layers["values"], layers["varied"]) == ("categorical", [4, 6, 8], True)
    wd = g.nodes["param:weight_decay"]
    assert (wd["role"], wd["role_declared"], wd["space"]) == ("fixed", True, "constant")
    lr = g.nodes["param:learning_rate"]
    assert (lr["log"], lr["low"], lr["high"], lr["log_scale"]) == (True, 1e-5, 0.1, True)
    assert g.nodes["param:momentum"]["conditional_on"][:2] == ["sgd", "sgdm"]
    assert g.nodes["metric:val_loss"] == {"kind": "metric", "name": "val_loss", "goal": "minimize"}
    assert g.graph["phase"] == "exploration"


def test_interaction_edges_come_from_the_knowledge_base(write):
    _, g = graph_of(write({"sweep.yaml": SWEEP}), "sweep.yaml")
    pairs = {frozenset((u, v)) for u, v in edges(g, "interacts-with")}
    assert frozenset(("param:num_layers", "param:weight_decay")) in pairs
    assert frozenset(("param:optimizer", "param:learning_rate")) in pairs
    assert frozenset(("param:momentum", "param:learning_rate")) in pairs
    assert frozenset(("param:num_layers", "param:momentum")) not in pairs
    assert ("num_layers", "the best weight decay depends on model size") in interactions_of(g, "weight_decay")
    assert len(pairs) == len(edges(g, "interacts-with"))   # one edge per pair


def test_the_rules_graph_answers_interactions_per_pair_without_an_edge_per_pair(write):
    folder = write({"sweep.yaml": SWEEP})
    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    roles = assign_roles(study, KB, Settings(root=folder), file)
    rules_graph = build_study_graph(study, KB, roles)
    exported = build_graph(study, KB, roles)
    assert not edges(rules_graph, "interacts-with")
    assert interaction_between(rules_graph, "weight_decay", "num_layers") == "the best weight decay depends on model size"
    assert interaction_between(rules_graph, "num_layers", "momentum") is None
    assert interaction_between(rules_graph, "learning_rate", "learning_rate") is None
    # the same answers as the exported graph's edges, for every ordered pair
    names = [p.name for p in study.parameters]
    for a in names:
        for b in names:
            if a != b:
                assert interaction_between(rules_graph, a, b) == dict(interactions_of(exported, a)).get(b), (a, b)


def test_conditional_edges_come_from_the_config(write):
    study, g = graph_of(write({"search_space.json": NNI}), "search_space.json")
    conditional = {(u, v): d["values"] for u, v, d in g.edges(data=True) if d["kind"] == "conditional-on"}
    assert conditional == {
        ("param:optimizer.momentum", "param:optimizer"): ["sgd"],
        ("param:optimizer.beta1", "param:optimizer"): ["adam"],
    }
    activity = active_values(g, "optimizer.momentum", "optimizer", ["sgd", "adam"], KB)
    assert (activity.values, activity.source) == (frozenset({"sgd"}), "config")
    # Unconditioned in the config: the knowledge base says which optimizers have the parameter.
    assert active_values(g, "lr", "optimizer", ["sgd", "adam"], KB).values == frozenset({"sgd", "adam"})


def test_knowledge_says_when_the_config_does_not(write):
    _, g = graph_of(write({"sweep.yaml": SWEEP}), "sweep.yaml")
    activity = active_values(g, "momentum", "optimizer", ["adam", "sgd"], KB)
    assert (activity.values, activity.source) == (frozenset({"sgd"}), "knowledge")
    assert active_values(g, "momentum", "optimizer", ["adam", "lion9000"], KB).values is None


def test_code_facts_join_the_graph(write):
    folder = write({
        "sweep.yaml": "program: train.py\n" + SWEEP,
        "train.py": (
            "import torch\nimport wandb\n\nrun = wandb.init()\nconfig = wandb.config\nmodel = torch.nn.Linear(2, 2)\n"
            "if config.optimizer == \"sgd\":\n"
            "    opt = torch.optim.SGD(model.parameters(), lr=config.learning_rate, momentum=config.momentum)\n"
            "else:\n"
            "    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)\n"
        ),
    })
    from sweeplint.codefacts import CodeFactsStore

    file = read_path(str(folder / "sweep.yaml"), True)
    study = file.studies[0]
    settings = Settings(root=folder)
    facts = CodeFactsStore(settings).for_study(study, file.path)
    assert facts is not None
    g = build_graph(study, KB, assign_roles(study, KB, settings, file), facts)
    assert any(d.get("kind") == "code-site" for _, d in g.nodes(data=True))
    activity = active_values(g, "momentum", "optimizer", ["adam", "sgd"], KB)
    assert (activity.values, activity.source) == (frozenset({"sgd"}), "code")
    # The learning rate is read in both branches: one value for both optimizers.
    assert active_values(g, "learning_rate", "optimizer", ["adam", "sgd"], KB).values == frozenset({"adam", "sgd"})


# --- exports ---------------------------------------------------------------------------------------

_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*\[(.*)\];$')
_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*->\s*"((?:[^"\\]|\\.)*)"\s*\[(.*)\];$')


def parse_dot(text: str):
    """A reader for the DOT sweeplint writes: quoted ids, key="value" attributes, one statement a line."""
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    nodes, edge_list = {}, []
    for line in text.splitlines()[1:-1]:
        m = _EDGE.match(line)
        if m:
            edge_list.append((m.group(1), m.group(2), dict(_ATTR.findall(m.group(3)))))
            continue
        m = _NODE.match(line)
        if m:
            nodes[m.group(1)] = dict(_ATTR.findall(m.group(2)))
    return nodes, edge_list


def test_dot_export_reads_back(write):
    folder = write({"sweep.yaml": SWEEP})
    proc = run_cli("graph", "sweep.yaml", "--format", "dot", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    nodes, edge_list = parse_dot(proc.stdout)
    nodes = {k: a for k, a in nodes.items() if a["kind"] != "legend"}
    edge_list = [e for e in edge_list if e[2]["kind"] != "legend"]
    _, g = graph_of(folder, "sweep.yaml")
    assert set(nodes) == set(g.nodes)
    assert nodes["param:num_layers"]["role"] == "scientific"
    assert nodes["param:num_layers"]["fillcolor"] != nodes["param:learning_rate"]["fillcolor"]
    assert nodes["param:weight_decay"]["penwidth"] == "2"          # declared: bold border
    assert nodes["param:num_layers"]["label"].startswith("num_layers\\nscientific (inferred)")
    kinds = {(u, v): a for u, v, a in edge_list}
    assert len(edge_list) == g.number_of_edges()
    interaction = kinds.get(("param:num_layers", "param:weight_decay")) or kinds[("param:weight_decay", "param:num_layers")]
    assert (interaction["kind"], interaction["style"], interaction["dir"]) == ("interacts-with", "dashed", "none")


def test_dot_marks_conditional_edges_with_the_parent_value(write):
    folder = write({"search_space.json": NNI})
    _, g = graph_of(folder, "search_space.json")
    nodes, edge_list = parse_dot(to_dot(g))
    conditional = [(u, v, a) for u, v, a in edge_list if a["kind"] == "conditional-on"]
    assert {(u, v, a["label"], a["style"]) for u, v, a in conditional} == {
        ("param:optimizer.momentum", "param:optimizer", "if in sgd", "solid"),
        ("param:optimizer.beta1", "param:optimizer", "if in adam", "solid"),
    }


def test_dot_quotes_awkward_names(write):
    sweep = 'method: grid\nparameters:\n  "say \\"hi\\"":\n    values: [a, b]\n  lr:\n    values: [0.1, 0.01]\n'
    _, g = graph_of(write({"sweep.yaml": sweep}), "sweep.yaml")
    nodes, _ = parse_dot(to_dot(g))
    assert 'param:say \\"hi\\"' in nodes


def test_json_export_is_node_link_data(write):
    folder = write({"sweep.yaml": SWEEP})
    proc = run_cli("graph", "sweep.yaml", "--format", "json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "links" in data and "nodes" in data
    try:
        back = nx.node_link_graph(data, edges="links")
    except TypeError:  # networkx < 3.4 reads "links" without being told
        back = nx.node_link_graph(data)
    _, g = graph_of(folder, "sweep.yaml")
    assert set(back.nodes) == set(g.nodes)
    assert back.is_multigraph() and back.is_directed()
    assert back.nodes["param:optimizer"]["role"] == "scientific"
    assert sorted((u, v, d["kind"]) for u, v, d in back.edges(data=True)) == sorted((u, v, d["kind"]) for u, v, d in g.edges(data=True))


def test_mermaid_export_styles_roles_and_edges(write):
    folder = write({"search_space.json": NNI})
    proc = run_cli("graph", "search_space.json", "--format", "mermaid", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    ids = {re.match(r'\s*(n\d+)\["([^<"]*)', line).group(2): re.match(r"\s*(n\d+)", line).group(1)
           for line in lines if re.match(r'\s*n\d+\["', line)}
    assert f'  {ids["optimizer.momentum"]} -->|"if in sgd"| {ids["optimizer"]}' in lines
    assert any(line.strip() == f'{ids["optimizer.lr"] if "optimizer.lr" in ids else ids["lr"]} -. interacts .- {ids["optimizer"]}'
               or line.strip() == f'{ids["optimizer"]} -. interacts .- {ids["lr"]}' for line in lines)
    assert any(line.startswith("  classDef scientific") for line in lines)
    assert f"  class {ids['optimizer']} scientific" in lines


@pytest.mark.parametrize("text, expected", [
    ("method: random\nparameters:\n  lr: [\n", "sweep.yaml:4:1: SL001 invalid YAML"),
])
def test_graph_of_a_broken_config_is_a_positioned_error(write, text, expected):
    folder = write({"sweep.yaml": text})
    proc = run_cli("graph", "sweep.yaml", cwd=folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert expected in proc.stderr and "SL001" in proc.stderr


def test_graph_of_a_missing_or_foreign_file(write):
    folder = write({"notes.yaml": "title: hello\n"})
    proc = run_cli("graph", "missing.yaml", cwd=folder)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = run_cli("graph", "notes.yaml", cwd=folder)
    assert proc.returncode == 2 and "not a sweep config" in proc.stderr and "Traceback" not in proc.stderr


NESTED_NNI = """\
{
  "optimizer": {"_type": "choice", "_value": [
    {"_name": "sgd", "schedule": {"_type": "choice", "_value": [
      {"_name": "step", "step_momentum": {"_type": "uniform", "_value": [0.8, 0.99]}},
      {"_name": "cosine"}
    ]}},
    {"_name": "adam"}
  ]}
}
"""


def test_conditions_follow_chains_of_nested_choices(write):
    # step_momentum exists under schedule=step, which exists only under optimizer=sgd.
    study, g = graph_of(write({"search_space.json": NESTED_NNI}), "search_space.json")
    names = {p.name for p in study.parameters}
    child = next(n for n in names if n.endswith("step_momentum"))
    activity = active_values(g, child, "optimizer", ["sgd", "adam"], KB)
    assert (activity.values, activity.source) == (frozenset({"sgd"}), "config")


def test_derivations_are_edges_that_rules_follow(write):
    from sweeplint.graph import derived_from
    from sweeplint.model import Derivation, Span

    study, _ = graph_of(write({"sweep.yaml": SWEEP}), "sweep.yaml")
    at = Span(1, 1, 1, 2)
    study = study.__class__(**{**{f: getattr(study, f) for f in study.__slots__}, "derivations": (
        Derivation("weight_decay", ("wd_per_layer",), at), Derivation("wd_per_layer", ("num_layers",), at))})
    g = build_graph(study, KB, assign_roles(study, KB, Settings(), None))
    assert ("param:weight_decay", "param:wd_per_layer") in edges(g, "derived-from")
    # Followed through the chain: the weight decay depends on the swept depth.
    assert derived_from(g, "weight_decay") == ["num_layers", "wd_per_layer"]
    assert derived_from(g, "num_layers") == []
