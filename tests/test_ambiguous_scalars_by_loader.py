"""SL006 judges each scalar by what the tool's own loader makes of it, and says which loader."""

from __future__ import annotations

from lintkit import codes, lint_tree

DETERMINED = """\
    name: mnist
    entrypoint: python3 train.py
    hyperparameters:
      norm: None
      warmup_steps: 0100
      schedule: {{type: categorical, vals: [{values}]}}
    searcher:
      name: random
      metric: validation_loss
      max_trials: 10
      max_length: {{epochs: 5}}
    """


def test_determined_none_is_text_but_leading_zeros_are_decimal_numbers(tmp_path):
    found = codes(lint_tree(tmp_path, {"experiment.yaml": DETERMINED.format(values="cosine, NONE, on")}), "SL006")
    assert [(line, col, msg.split(",")[0]) for _, line, col, msg in found] == [
        (4, 9, "the value of norm is written `None`"),
        (6, 48, "a value of schedule is written `NONE`"),
    ]
    assert all("YAML 1.2 (ruamel.yaml, which Determined uses) reads as the text" in msg for *_, msg in found)


def test_hydra_yaml_reads_octal_like_yaml_1_1(tmp_path):
    found = codes(lint_tree(tmp_path, {"config.yaml": """\
        defaults:
          - override hydra/sweeper: ax
        hydra:
          sweeper:
            ax_config:
              max_trials: 20
              params:
                depth: {type: choice, values: [010, 12]}
                act: {type: choice, values: [relu, NONE]}
        """}), "SL006")
    assert [(line, col) for _, line, col, _ in found] == [(8, 40), (9, 44)]
    assert "which Hydra reads as the octal number 8, not 10" in found[0][3]
    assert 'which Hydra reads as the text "NONE", not a null' in found[1][3]


def test_hydra_override_grammar_reads_leading_zeros_as_text(tmp_path):
    found = codes(lint_tree(tmp_path, {"config.yaml": """\
        hydra:
          sweeper:
            params:
              fold: 07,08
        """}), "SL006")
    assert [(line, col, '"0' in msg and "not a number" in msg) for _, line, col, msg in found] == [
        (4, 13, True), (4, 16, True)]


def test_yaml_1_1_messages_are_unchanged(tmp_path):
    found = codes(lint_tree(tmp_path, {"sweep.yaml": """\
        method: grid
        parameters:
          fold: {values: [08, 017]}
        """}), "SL006")
    assert [msg.split(", ", 1)[1][:70] for *_, msg in found] == [
        'which YAML 1.1 reads as the text "08", not a number (a leading 0 marks',
        "which YAML 1.1 reads as the octal number 15, not 17\n= help: Write `17`, or quote it (\"017\") if the"[:70],
    ]


def test_quoted_and_json_values_are_never_reported(tmp_path):
    found = lint_tree(tmp_path, {
        "experiment.yaml": DETERMINED.format(values='cosine, "None"').replace("norm: None", 'norm: "None"'),
        "search_space.json": '{"act": {"_type": "choice", "_value": ["relu", "None"]}, '
                             '"lr": {"_type": "uniform", "_value": [0.1, 0.2]}}\n',
    })
    assert codes(found, "SL006") == []


def test_lower_case_none_among_other_words_is_an_option_name(tmp_path):
    found = codes(lint_tree(tmp_path, {"config.yaml": """\
        hydra:
          sweeper:
            params:
              norm: choice(batch, layer, none)
              act: choice(relu, None)
              dropout: choice(0.1, none)
        """}), "SL006")
    assert [(line, col) for _, line, col, _ in found] == [(5, 25), (6, 28)]
