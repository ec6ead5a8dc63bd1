"""The knowledge base: precise name matching, the playbook's interactions, validation, user extension."""

from __future__ import annotations

import pytest

from conftest import lint_json, run_cli
from sweeplint.knowledge import KINDS, load_knowledge
from sweeplint.settings import ConfigError, Settings


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.mark.parametrize("name, family", [
    ("lr", "learning_rate"), ("base_lr", "learning_rate"), ("learning-rate", "learning_rate"),
    ("Base_LR", "learning_rate"), ("eta", "learning_rate"), ("optimizer.lr", "learning_rate"),
    ("muon_lr", "learning_rate"), ("encoder/learning_rate", "learning_rate"),
    ("weight_decay", "weight_decay"), ("wd", "weight_decay"), ("l2", "weight_decay"), ("model.weight-decay", "weight_decay"),
    ("num_layers", "depth"), ("n_layers", "depth"), ("depth", "depth"), ("n_blocks", "depth"),
    ("hidden_size", "width"), ("d_model", "width"), ("n_embd", "width"), ("width", "width"), ("channels", "width"),
    ("batch_size", "batch_size"), ("per_device_train_batch_size", "batch_size"), ("data.batch_size", "batch_size"),
    ("optimizer", "optimizer"), ("optimizer.name", "optimizer"), ("optimizer._target_", "optimizer"),
    ("momentum", "momentum"), ("nesterov", "nesterov"), ("beta1", "adam_beta1"), ("adam_beta2", "adam_beta2"),
    ("adam_epsilon", "adam_epsilon"), ("warmup_steps", "warmup"), ("epochs", "training_length"),
    ("max_steps", "training_length"), ("dropout", "dropout"), ("attn_dropout", "dropout"),
    ("label_smoothing", "label_smoothing"), ("max_grad_norm", "gradient_clipping"), ("seed", "seed"),
    ("data_seed", "seed"), ("activation", "activation"), ("norm_layer", "normalization"),
    ("gnn.layers_mp", "depth"), ("encoder_layers", "depth"), ("n_hidden_neurons_lv1", "width"),
    ("model.name", "model_choice"), ("lora_r", "adapter_rank"),
])
def test_aliases_name_their_family(kb, name, family):
    found = kb.family_of(name)
    assert found is not None and found.name == family, (name, found)


@pytest.mark.parametrize("name, family", [
    ("lr_decay", "schedule"),            # a schedule parameter, not a learning rate
    ("lr_scheduler", "schedule"),
    ("min_lr", "schedule_lr"),           # the floor of a schedule, though it ends in _lr
    ("end_learning_rate", "schedule_lr"),
    ("lr_warmup_steps", "warmup"),
    ("warmup_lr", "schedule_lr"), ("lr_min", "schedule_lr"), ("eta_min", "schedule_lr"), ("final_lr", "schedule_lr"),
    ("end_lr", "schedule_lr"), ("lr_end", "schedule_lr"), ("warmup_init_lr", "schedule_lr"),
])
def test_learning_rate_look_alikes_are_not_learning_rates(kb, name, family):
    found = kb.family_of(name)
    assert found is not None and found.name == family, (name, found)
    assert found.name != "learning_rate"


@pytest.mark.parametrize("name", ["gamma", "epsilon", "step_size", "lr_policy_name_is_not_known_x", "model.name_suffix", "learner"])
def test_ambiguous_or_unknown_names_have_no_family(kb, name):
    assert kb.family_of(name) is None or kb.family_of(name).name != "learning_rate"
    if name in ("gamma", "epsilon", "step_size", "learner"):
        assert kb.family_of(name) is None


def test_warmup_and_final_learning_rates_are_log_scaled_but_not_the_learning_rate(kb):
    for name in ("warmup_lr", "min_lr", "lr_min", "eta_min", "final_lr", "end_lr", "lr_end", "warmup_init_lr"):
        found = kb.family_of(name)
        assert found.name == "schedule_lr" and found.log_scale and found.name != kb.family_of("lr").name, name
        assert found.title == "warm-up or final learning rate"


@pytest.mark.parametrize("name, family", [
    ("lr_dml", "learning_rate"), ("head_lr", "learning_rate"), ("lr_backbone", "learning_rate"),
    ("encoder_learning_rate", "learning_rate"), ("learning_rate_head", "learning_rate"), ("model.lr_enc", "learning_rate"),
    ("wd_head", "weight_decay"), ("weight_decay_backbone", "weight_decay"),
])
def test_family_tokens_inside_compound_names(kb, name, family):
    found = kb.family_of(name)
    assert found is not None and found.name == family, (name, found)


@pytest.mark.parametrize("name", [
    "clr", "lrs", "world", "lr_decay_style", "lr_scale", "auto_lr_find", "lr_scheduler_gamma", "wd_schedule",
    "apply_wd_to_bias", "lr_wd_ratio", "lr_momentum",
])
def test_compound_names_with_other_words_or_no_whole_token_are_not_matched(kb, name):
    found = kb.family_of(name)
    assert found is None or found.name not in ("learning_rate", "weight_decay"), (name, found)


def test_plausible_limits_are_data(kb):
    lr = kb.families["learning_rate"]
    assert any(limit.op == "above" and limit.limit == 0 and limit.severity == "error" for limit in lr.plausible)
    over = next(limit for limit in lr.plausible if limit.op == "at_most")
    assert over.limit == 1 and kb.applies(over, ("adam",)) and kb.applies(over, ("torch.optim.AdamW",))
    assert not kb.applies(over, ("sgd",)) and not kb.applies(over, ("adam", "sgd")) and not kb.applies(over, ())
    assert kb.is_alias("optimizer.lr", lr) and not kb.is_alias("lr_backbone", lr)
    assert kb.families["depth"].integer and kb.families["width"].integer and not kb.families["dropout"].integer
    assert kb.family_of("width_multiplier").name == "width_multiplier" and not kb.family_of("width_multiplier").integer
    assert {kb.family_of(n).name for n in ("precision", "fp16", "mixed_precision", "amp")} == {"precision"}
    assert kb.family_of("num_workers").kind == kb.family_of("gradient_checkpointing").kind == "resource"


def test_families_are_well_formed(kb):
    for family in kb.families.values():
        assert family.kind in KINDS
        assert family.role in ("scientific", "nuisance", "fixed")
        for value in family.conditional_on:
            assert value in kb.optimizers


def test_log_scale_and_usual_roles(kb):
    assert kb.families["learning_rate"].log_scale and kb.families["weight_decay"].log_scale
    assert kb.families["adam_epsilon"].log_scale
    assert not kb.families["dropout"].log_scale and not kb.families["momentum"].log_scale
    assert kb.families["learning_rate"].role == "nuisance"
    assert kb.families["depth"].role == "scientific" and kb.families["depth"].kind == "architecture"
    assert kb.families["optimizer"].kind == "optimizer-choice"
    assert kb.families["dropout"].kind == "regularizer-strength"
    assert kb.families["use_dropout"].kind == "regularizer-toggle"


@pytest.mark.parametrize("a, b", [
    ("weight_decay", "depth"), ("weight_decay", "width"), ("learning_rate", "depth"), ("learning_rate", "width"),
    ("learning_rate", "optimizer"), ("learning_rate", "batch_size"), ("learning_rate", "schedule"),
    ("learning_rate", "training_length"), ("momentum", "learning_rate"), ("momentum", "batch_size"),
])
def test_the_playbooks_interactions_are_known(kb, a, b):
    assert kb.interact(a, b) and kb.interact(b, a)
    assert a in kb.partners(b)


def test_interaction_reasons_read_from_the_fixed_side(kb):
    inter = kb.interaction("weight_decay", "depth")
    assert inter.reason("weight_decay", "depth", kb) == "the best weight decay depends on model size"
    # From the other side there is no written reason: one is composed from the family labels.
    assert inter.reason("depth", "weight_decay", kb) == "the best model depth depends on the weight decay"
    assert not kb.interact("dropout", "seed")


def test_conditional_on_optimizer_values(kb):
    momentum, beta1, lr = kb.families["momentum"], kb.families["adam_beta1"], kb.families["learning_rate"]
    assert kb.uses(momentum, "sgd") is True and kb.uses(momentum, "SGD") is True
    assert kb.uses(momentum, "adam") is False and kb.uses(momentum, "torch.optim.AdamW") is False
    assert kb.uses(beta1, "adamw_torch") is True and kb.uses(beta1, "sgd") is False
    assert kb.uses(momentum, "my_optimizer") is None       # unknown: no guess
    assert kb.uses(lr, "my_optimizer") is True             # not conditional at all
    assert kb.optimizer_group("Adam") == kb.optimizer_group("adamw") != kb.optimizer_group("sgd")


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extension, message", [
    ({"families": {"temperature": {"kind": "knob"}}}, "family 'temperature': kind must be one of"),
    ({"families": {"temperature": {"kind": "scale", "alias": ["temp"]}}}, "family 'temperature': unknown key 'alias'"),
    ({"families": {"temperature": {"kind": "scale", "log_scale": "yes"}}}, "log_scale must be true or false"),
    ({"families": {"temperature": {"kind": "scale", "conditional_on": ["adamz"]}}}, "conditional_on names 'adamz'"),
    ({"interactions": [["weight_decay", "temperature"]]}, "interactions[0]: unknown family 'temperature'"),
    ({"interactions": [["weight_decay"]]}, "an interaction must be a pair"),
    ({"families": ["temperature"]}, "families must be a mapping"),
    ({"familes": {}}, "unknown key 'familes'"),
    ({"families": {"temperature": {"kind": "scale", "integer": "yes"}}}, "integer must be true or false"),
    ({"families": {"temperature": {"kind": "scale", "plausible": {"above": 0}}}}, "plausible must be a list"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": 0}]}}}, "plausible[0]: why must say"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": 0, "below": 9, "why": "x"}]}}},
     "plausible[0]: give exactly one of"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": "0", "why": "x"}]}}}, "above must be a number"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"not_within": [1, 0], "why": "x"}]}}},
     "not_within must be [low, high]"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": 0, "severity": "fatal", "why": "x"}]}}},
     "severity must be warning or error"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": 0, "optimizers": ["adamz"], "why": "x"}]}}},
     "optimizers names 'adamz'"),
    ({"families": {"temperature": {"kind": "scale", "plausible": [{"above": 0, "why": "x", "when": 1}]}}},
     "plausible[0]: unknown key 'when'"),
])
def test_invalid_extensions_are_config_errors_naming_the_key(tmp_path, extension, message):
    settings = Settings(root=tmp_path, knowledge=extension)
    with pytest.raises(ConfigError) as info:
        load_knowledge(settings)
    assert message in str(info.value)
    assert "[tool.sweeplint.knowledge]" in str(info.value)


def test_an_invalid_knowledge_file_names_the_file(tmp_path):
    (tmp_path / "kb.yaml").write_text("families:\n  temperature:\n    kind: knob\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_knowledge(Settings(root=tmp_path, knowledge={"files": ["kb.yaml"]}))
    assert "kb.yaml: family 'temperature': kind must be one of" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_knowledge(Settings(root=tmp_path, knowledge={"files": ["missing.yaml"]}))
    assert "missing.yaml" in str(info.value) and "cannot read" in str(info.value)
    (tmp_path / "broken.yaml").write_text("families: [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_knowledge(Settings(root=tmp_path, knowledge={"files": ["broken.yaml"]}))
    assert "broken.yaml" in str(info.value) and "not valid YAML" in str(info.value)


# --- extension from pyproject.toml, through the command line ------------------------------------

SWEEP = """\
method: random
run_cap: 60
metric: {name: val_loss, goal: minimize}
parameters:
  n_stages:
    values: [2, 3, 4]
  learning_rate:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.01
  temperature:
    value: 0.07
  weight_decay:
    value: 0.05
"""


def test_pyproject_extends_a_family_and_adds_one_with_an_interaction(write):
    folder = write({"sweep.yaml": SWEEP})
    code, found = lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=folder)
    assert code == 0 and found == []                       # n_stages means nothing to sweeplint yet

    folder = write({
        "sweep.yaml": SWEEP,
        "pyproject.toml": (
            "[tool.sweeplint.knowledge.families.depth]\n"
            "aliases = [\"n_stages\"]\n"
            "[tool.sweeplint.knowledge.families.temperature]\n"
            "kind = \"scale\"\n"
            "aliases = [\"temperature\", \"tau\"]\n"
            "role = \"nuisance\"\n"
            "[tool.sweeplint.knowledge]\n"
            "interactions = [[\"temperature\", \"depth\"]]\n"
        ),
    })
    code, found = lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=folder)
    assert code == 1
    messages = sorted(d["message"] for d in found)
    assert len(found) == 2, messages
    assert "temperature is fixed at 0.07 while n_stages, which interacts with it, varies" in messages
    assert "weight_decay is fixed at 0.05 while n_stages, which interacts with it, varies" in messages
    helps = " ".join(d["help"] for d in found)
    assert "the best temperature depends on the model depth" in helps and "the best weight decay depends on model size" in helps


def test_pyproject_knowledge_files(write):
    folder = write({
        "sweep.yaml": SWEEP,
        "kb/extra.yaml": "families:\n  depth:\n    aliases: [n_stages]\n",
        "pyproject.toml": "[tool.sweeplint.knowledge]\nfiles = [\"kb/extra.yaml\"]\n",
    })
    code, found = lint_json("sweep.yaml", "--select", "SL302", "--confidence", "weak", cwd=folder)
    assert [d["message"] for d in found] == ["weight_decay is fixed at 0.05 while n_stages, which interacts with it, varies"]


def test_a_broken_pyproject_extension_is_a_one_line_error(write):
    folder = write({
        "sweep.yaml": SWEEP,
        "pyproject.toml": "[tool.sweeplint.knowledge.families.temperature]\nkind = \"knob\"\n",
    })
    proc = run_cli("sweep.yaml", cwd=folder)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "pyproject.toml: [tool.sweeplint.knowledge]: family 'temperature': kind must be one of" in proc.stderr


def test_schedule_settings_name_the_schedules_they_exist_under():
    from sweeplint.schedules import parse_schedules

    kb = load_knowledge()
    assert kb.schedules.schedule_of("torch.optim.lr_scheduler.CosineAnnealingLR") == "cosine"
    assert kb.schedules.schedule_of("asha") is None
    assert kb.schedules.setting("scheduler.step_size").under == ("step",)
    with pytest.raises(ConfigError, match="setting 'step_size': under must list schedules named under `schedules`"):
        parse_schedules({"schedules": {"step": {"names": ["step"]}}, "settings": {"step_size": {"under": ["cosine"]}}},
                        "schedules.yaml")


def test_the_built_shipped_knowledge_is_current():
    """sweeplint/knowledge_shipped.py holds the knowledge base the shipped files make; regenerate it
    after editing them."""
    from sweeplint import knowledge_shipped
    from sweeplint.catalogue import data_dir, load_yaml
    from sweeplint.knowledge import SHIPPED, Knowledge, _merge_shipped, render_shipped

    with open(knowledge_shipped.__file__, encoding="utf-8") as handle:
        assert handle.read() == render_shipped(), "run `python -m sweeplint.knowledge --write`"
    built = Knowledge()
    _merge_shipped(built, [load_yaml(data_dir() / "knowledge" / name) for name in SHIPPED])
    shipped = knowledge_shipped.knowledge()
    assert shipped == built
    assert shipped.families is not knowledge_shipped.knowledge().families  # fresh objects: extensions change them
    assert load_knowledge().family_of("head_lr") == built.family_of("head_lr") == built.families["learning_rate"]
    from sweeplint.knowledge import DATA, shipped_data

    for name in DATA:  # the other data files, held parsed
        assert shipped_data(name) == knowledge_shipped.data()[name] == load_yaml(data_dir() / "knowledge" / name)


def test_an_edited_data_file_is_read_itself(tmp_path, monkeypatch):
    import shutil

    from sweeplint import knowledge
    from sweeplint.catalogue import data_dir

    shutil.copytree(data_dir() / "knowledge", tmp_path / "knowledge")
    lengths = tmp_path / "knowledge" / "lengths.yaml"
    lengths.write_text(lengths.read_text(encoding="utf-8").replace("max_share: 0.1", "max_share: 0.2"), encoding="utf-8")
    monkeypatch.setattr(knowledge, "data_dir", lambda: tmp_path)
    assert knowledge.shipped_data("lengths.yaml")["max_share"] == 0.2
    monkeypatch.undo()
    assert knowledge.shipped_data("lengths.yaml")["max_share"] == 0.1


def test_an_edited_shipped_file_is_read_itself(tmp_path, monkeypatch):
    """The parsed copy stands for the files only while they hold the texts it was made from."""
    import shutil

    from sweeplint import knowledge
    from sweeplint.catalogue import data_dir

    shutil.copytree(data_dir() / "knowledge", tmp_path / "knowledge")
    optimizers = tmp_path / "knowledge" / "optimizers.yaml"
    optimizers.write_text(optimizers.read_text(encoding="utf-8").replace("optimizers:\n", "optimizers:\n  novograd_x: adam\n", 1),
                          encoding="utf-8")
    monkeypatch.setattr(knowledge, "data_dir", lambda: tmp_path)
    assert load_knowledge().optimizers["novograd_x"] == "adam"
    monkeypatch.undo()
    assert "novograd_x" not in load_knowledge().optimizers
