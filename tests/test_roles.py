"""Roles, goal and phase: declared (pyproject tables, `# sweeplint:` directives) versus inferred."""

from __future__ import annotations

from pathlib import Path

from conftest import corpus_or_skip, lint_json
from sweeplint.diagnostics import Confidence
from sweeplint.knowledge import load_knowledge
from sweeplint.read import read_path
from sweeplint.roles import assign_roles
from sweeplint.settings import Settings, load_settings
from lintkit import shown

KB = load_knowledge()

DEPTH_SWEEP = """\
method: bayes
run_cap: 60
metric: {name: val_loss, goal: minimize}
parameters:
  num_layers:
    values: [4, 6, 8]
  activation:
    values: [relu, gelu]
  learning_rate:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.01
  weight_decay:
    value: 0.01
  use_bias:
    values: [true, false]
  data_dir:
    values: [a, b, c, d, e, f, g, h]
"""


def roles_of(folder: Path, name: str, settings: Settings | None = None):
    file = read_path(str(folder / name), True)
    settings = settings or Settings(root=folder)
    return [assign_roles(study, KB, settings, file) for study in file.studies][0]


def test_inferred_roles_follow_the_documented_rules(write):
    roles = roles_of(write({"sweep.yaml": DEPTH_SWEEP}), "sweep.yaml")
    got = {name: (a.role, a.declared) for name, a in roles.assignments.items()}
    assert got == {
        "num_layers": ("scientific", False),     # an architecture family over a handful of values
        "activation": ("scientific", False),     # an activation choice
        "learning_rate": ("nuisance", False),    # a continuous range
        "weight_decay": ("fixed", False),        # a single value
        "use_bias": ("scientific", False),       # a true/false choice: a feature toggle
        "data_dir": ("nuisance", False),         # an unknown family over many values
    }
    a = roles.of("num_layers")
    assert a.label == "scientific, inferred"
    assert a.reason == "it is a model depth parameter varied over 3 values"
    assert a.directive == "`# sweeplint: scientific=num_layers`"
    # A bayes search over everything with no declared question is a tune-everything round, and
    # the scientific candidates of such a round are weak guesses.
    assert roles.phase == "exploitation" and not roles.phase_declared
    assert roles.phase_reason == "bayes search over everything it varies, with no declared question: a tune-everything round"
    assert (roles.phase_confidence, a.confidence) == (Confidence.WEAK, Confidence.WEAK)
    assert roles.of("learning_rate").confidence is Confidence.STRONG


def test_phase_evidence_depends_on_the_search(write):
    grid = roles_of(write({"sweep.yaml": DEPTH_SWEEP.replace("method: bayes", "method: grid")}), "sweep.yaml")
    assert (grid.phase, grid.phase_confidence) == ("exploration", Confidence.STRONG)
    assert grid.phase_reason == "a grid compares every value of num_layers (scientific, inferred)"
    random = roles_of(write({"sweep.yaml": DEPTH_SWEEP.replace("method: bayes", "method: random")}), "sweep.yaml")
    assert (random.phase, random.phase_confidence) == ("exploration", Confidence.WEAK)
    declared = roles_of(write({"sweep.yaml": "# sweeplint: scientific=num_layers\n" + DEPTH_SWEEP}), "sweep.yaml")
    assert (declared.phase, declared.phase_confidence, declared.phase_declared) == ("exploration", Confidence.DECLARED, False)
    assert declared.of("num_layers").confidence is Confidence.DECLARED


def test_only_nuisance_varied_is_an_exploitation_round(write):
    folder = write({"sweep.yaml": "method: bayes\nmetric: {name: loss}\nparameters:\n  lr:\n    min: 0.001\n    max: 0.1\n"})
    roles = roles_of(folder, "sweep.yaml")
    assert roles.phase == "exploitation" and roles.phase_reason == "it varies only nuisance parameters"


def test_directives_declare_roles_with_their_positions(write):
    text = "# sweeplint: scientific=activation\n# sweeplint: nuisance=num_layers,use_bias\n# sweeplint: phase=exploitation\n" + DEPTH_SWEEP
    roles = roles_of(write({"sweep.yaml": text}), "sweep.yaml")
    activation, layers, bias = roles.of("activation"), roles.of("num_layers"), roles.of("use_bias")
    assert (activation.role, activation.declared, activation.source) == ("scientific", True, "directive")
    assert (activation.span.line, activation.span.column) == (1, 25)
    assert (layers.role, layers.declared, layers.label) == ("nuisance", True, "nuisance")
    assert (layers.span.line, layers.span.column) == (2, 23)
    assert (bias.span.line, bias.span.column) == (2, 34)
    # Declaring the scientific parameter settles the question: other varied ones are nuisance.
    assert roles.scientific == ["activation"]
    assert roles.phase == "exploitation" and roles.phase_declared


def test_pyproject_study_tables_come_before_directives(write):
    folder = write({
        "sweeps/depth.yaml": "# sweeplint: scientific=activation\n" + DEPTH_SWEEP,
        "other.yaml": DEPTH_SWEEP,
        "pyproject.toml": (
            "[[tool.sweeplint.study]]\n"
            "config = \"sweeps/*.yaml\"\n"
            "scientific = [\"num_layers\"]\n"
            "fixed = [\"activation\"]\n"
            "phase = \"exploration\"\n"
            "goal = \"does depth help?\"\n"
        ),
    })
    settings = load_settings(None, folder)
    roles = roles_of(folder, "sweeps/depth.yaml", settings)
    assert roles.of("num_layers").role == "scientific" and roles.of("num_layers").source == "pyproject"
    assert roles.of("activation").role == "fixed" and roles.of("activation").source == "pyproject"
    assert roles.goal == "does depth help?" and roles.phase == "exploration" and roles.phase_declared
    # The glob is matched against the path relative to the pyproject's folder.
    other = roles_of(folder, "other.yaml", settings)
    assert not other.of("num_layers").declared


def test_unknown_names_in_directives_are_unknown_keys_at_the_name(write):
    folder = write({"sweep.yaml": "# sweeplint: scientific=num_layer, activation\n# sweeplint: phase=explore\n" + DEPTH_SWEEP})
    code, found = lint_json("sweep.yaml", "--select", "SL002", cwd=folder)
    assert code == 1
    got = [(d["line"], d["column"], d["message"]) for d in found]
    assert got == [
        (1, 25, "a `# sweeplint:` directive declares scientific 'num_layer', but the sweep has no such parameter (did you mean 'num_layers'?)"),
        (2, 20, "unknown phase 'explore'; did you mean 'exploration'?"),
    ]


def test_fixed_may_name_a_family_the_sweep_leaves_to_the_program(write):
    sweep = "# sweeplint: fixed=learning_rate\nmethod: random\nrun_cap: 40\nmetric: {name: val_loss}\nparameters:\n  num_layers:\n    values: [2, 4]\n"
    folder = write({"sweep.yaml": sweep})
    code, found = lint_json("sweep.yaml", "--select", "SL002,SL302", cwd=folder)
    assert (code, found) == (0, [])
    # Without the declaration (and with no program to show a learning rate) it is a weak finding.
    undeclared = write({"sweep.yaml": sweep.split("\n", 1)[1]})
    assert lint_json("sweep.yaml", "--select", "SL302", cwd=undeclared) == (0, [])
    code, found = lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=undeclared)
    assert [d["message"] for d in found] == ["the sweep does not search the learning rate while num_layers varies"]
    assert "num_layers is taken as scientific" in found[0]["help"]
    assert [d["confidence"] for d in found] == ["weak"]


def test_a_pyproject_declaration_naming_no_parameter_is_reported(write):
    folder = write({
        "sweep.yaml": DEPTH_SWEEP,
        "pyproject.toml": "[[tool.sweeplint.study]]\nconfig = \"sweep.yaml\"\nscientific = [\"depth\"]\n",
    })
    code, found = lint_json("sweep.yaml", "--select", "SL002", cwd=folder)
    assert [(d["line"], d["column"]) for d in found] == [(1, 1)]
    assert found[0]["message"].startswith("[[tool.sweeplint.study]] declares scientific 'depth', but the sweep has no such parameter")


def test_a_declared_role_changes_what_the_rules_say(write):
    # Inferred: optimizer and num_layers are both scientific, and the message says so.
    sweep = DEPTH_SWEEP.replace("activation:\n    values: [relu, gelu]", "optimizer:\n    values: [adam, adamw]")
    # A tune-everything bayes round is not told it asks several questions by default.
    assert lint_json("sweep.yaml", "--select", "SL301", cwd=write({"sweep.yaml": sweep})) == (0, [])
    code, found = lint_json("sweep.yaml", "--select", "SL301", "--confidence", "weak", cwd=write({"sweep.yaml": sweep}))
    assert len(found) == 1 and "(scientific, inferred)" in found[0]["help"]
    assert "`# sweeplint: scientific=num_layers,optimizer,use_bias` declares them" in found[0]["help"]
    # Declared: one question; nothing to report.
    code, found = lint_json("sweep.yaml", "--select", "SL301", cwd=write({"sweep.yaml": "# sweeplint: scientific=num_layers\n" + sweep}))
    assert (code, found) == (0, [])


def test_pyproject_scientific_learning_rate_is_reported_at_the_study(write):
    folder = write({
        "sweep.yaml": DEPTH_SWEEP,
        "pyproject.toml": "[[tool.sweeplint.study]]\nconfig = \"*.yaml\"\nscientific = [\"learning_rate\"]\n",
    })
    code, found = lint_json("sweep.yaml", "--select", "SL306", cwd=folder)
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(9, 3, "info")]
    assert found[0]["message"].startswith("learning_rate is declared scientific, but the learning rate is an optimizer hyperparameter")


def test_batch_size_severity_depends_on_the_learning_rate(write):
    base = "method: random\nrun_cap: 40\nmetric: {name: val_loss}\nparameters:\n  batch_size:\n    values: [32, 64, 128]\n"
    fixed = base + "  lr:\n    value: 0.001\n"
    searched = base + "  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.01\n"
    _, found = lint_json("sweep.yaml", "--select", "SL305", cwd=write({"sweep.yaml": fixed}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(5, 3, "error")]
    assert found[0]["message"].endswith("as if it were a quality knob, with lr fixed at 0.001")
    _, found = lint_json("sweep.yaml", "--select", "SL305", cwd=write({"sweep.yaml": searched}))
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(5, 3, "warning")]
    # A severity override in pyproject.toml wins over the finding's own level.
    folder = write({"sweep.yaml": fixed, "pyproject.toml": "[tool.sweeplint.severity]\nSL305 = \"info\"\n"})
    _, found = lint_json("sweep.yaml", "--select", "SL305", cwd=folder)
    assert [d["severity"] for d in found] == ["info"]


def test_sl303_and_sl304_name_the_optimizer_values(write):
    sweep = """\
method: random
run_cap: 80
metric: {name: val_loss, goal: minimize}
parameters:
  optimizer:
    values: [adam, sgd]
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  momentum:
    min: 0.8
    max: 0.99
"""
    _, found = lint_json("sweep.yaml", "--select", "SL303,SL304", cwd=write({"sweep.yaml": sweep}))
    got = {(d["code"], d["line"], d["column"]): shown(d) for d in found}
    assert set(got) == {("SL303", 7, 3), ("SL304", 11, 3)}
    merged = got[("SL303", 7, 3)]
    assert "optimizer=adam and optimizer=sgd" in merged
    assert "run one sweep per optimizer" in merged and "learning_rate_adam, learning_rate_sgd" in merged
    assert "only optimizer=sgd has a momentum" in got[("SL304", 11, 3)]


def test_sl304_uses_the_programs_if_as_evidence(write):
    folder = write({
        "sweep.yaml": (
            "program: train.py\nmethod: random\nrun_cap: 40\nmetric: {name: val_loss}\nparameters:\n"
            "  optimizer:\n    values: [adam, sgd]\n  dampening:\n    min: 0.0\n    max: 0.5\n"
        ),
        "train.py": (
            "import torch\nimport wandb\n\nrun = wandb.init()\nconfig = wandb.config\nmodel = torch.nn.Linear(2, 2)\n"
            "if config.optimizer == \"sgd\":\n"
            "    opt = torch.optim.SGD(model.parameters(), lr=0.1, dampening=config.dampening)\n"
            "else:\n"
            "    opt = torch.optim.Adam(model.parameters())\n"
            "wandb.log({\"val_loss\": 0.1})\n"
        ),
    })
    # `dampening` means nothing to the knowledge base; the code alone says it is used only for SGD.
    _, found = lint_json("sweep.yaml", "--select", "SL304", cwd=folder)
    assert [(d["line"], d["column"]) for d in found] == [(8, 3)]
    assert "the program reads it only when optimizer is sgd (train.py:8)" in found[0]["message"]


def test_the_playbook_cases_in_real_wandb_sweeps():
    wandb = corpus_or_skip() / "wandb"
    cases = {
        # one lr and one momentum for SGD and Adam
        "Madjakul__MiNER__sweep.yml": [("SL303", 17, "lr is one search range shared by optimizer=SGD and optimizer=Adam"),
                                       ("SL304", 19, "only optimizer=SGD has a momentum")],
        # model sizes compared at one learning rate
        "HUBioDataLab__DEEPScreen2__config__sweep_vit.yaml": [("SL302", 30, "learning_rate is fixed at 1e-5 while hidden_size and depths")],
        "WenkelF__copt__sweeps__sweep_bayes.yaml": [("SL302", 34, "optim.base_lr is fixed at 0.003 while gnn.layers_pre_mp")],
        "matteoprata__DRONET-for-Patrolling__thrash__wandb_sweep_bayesian.yaml": [("SL302", 17, "learning_rate is fixed at 0.001 while n_hidden_neurons_lv1, which interacts with it, varies")],
    }
    for name, expected in cases.items():
        _, found = lint_json(str(wandb / name), "--select", "SL302,SL303,SL304", "--no-cache")
        for code, line, text in expected:
            assert any(d["code"] == code and d["line"] == line and text in d["message"] for d in found), (name, code, [d["message"][:120] for d in found])


def test_official_wandb_examples_get_no_methodology_warnings():
    wandb = corpus_or_skip() / "wandb"
    for path in sorted(wandb.glob("wandb__sweeps__examples__*")):
        _, found = lint_json(str(path), "--select", "SL301,SL302,SL303,SL304,SL306,SL307,SL309,SL310,SL314", "--no-cache")
        assert found == [], (path.name, [d["message"][:120] for d in found])
