"""Fuzzing the inputs that are not sweep configs (issue 14): settings tables, knowledge files, cache
entries and language-server frames. Whatever they hold, sweeplint gives a result or a one-line
error of its own kind, never another exception.

Short by default (profile "ci"); a long run: `pytest -m fuzz --hypothesis-profile long`.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sweeplint.knowledge import load_knowledge
from sweeplint.lint import lint_paths
from sweeplint.server_io import frames
from sweeplint.settings import OPTIONS, ConfigError, Settings, from_table

pytestmark = pytest.mark.fuzz

# Values of every TOML type, nested a little: what a pyproject.toml can put under [tool.sweeplint].
toml_scalars = st.one_of(st.integers(-10**20, 10**20), st.floats(), st.booleans(), st.text(max_size=12),
                         st.sampled_from(["SL101", "error", "warning", "weak", "*.yaml", "json", "x"]))
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


@given(table=st.dictionaries(st.one_of(st.sampled_from(sorted(OPTIONS)), st.text(max_size=10)), toml_values, max_size=5))
def test_any_settings_table_gives_settings_or_a_config_error(table):
    try:
        result = from_table(table, "pyproject.toml")
    except ConfigError as exc:
        assert str(exc).startswith("pyproject.toml") and "\n" not in str(exc).strip()
        return
    assert isinstance(result, Settings)


# Knowledge files: generated documents of the right shape and of none, then mutated as text.
family_spec = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["learning-rate", "optimizer-choice", "regularizer", "x"]), "names": st.lists(st.text(max_size=8), max_size=3),
    "log_scale": toml_scalars, "conditional_on": st.lists(st.text(max_size=6), max_size=2), "limits": toml_values,
})
knowledge_doc = st.one_of(
    st.fixed_dictionaries({}, optional={"families": st.dictionaries(st.text(max_size=8), st.one_of(family_spec, toml_values), max_size=3),
                                        "interactions": toml_values, "optimizers": toml_values}),
    toml_values,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=knowledge_doc, cut=st.integers(0, 400), junk=st.text(alphabet=" \t\n:-[]{}&*!|>'\"#,?", max_size=6))
@example(doc={"optimizers": [[]]}, cut=0, junk="")  # found by this test: a list in a list of optimizer names crashed
def test_any_knowledge_file_loads_or_gives_a_config_error(doc, cut, junk):
    text = yaml.safe_dump(doc, allow_unicode=True)
    text = text[:cut] + junk + text[cut:]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kb.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_knowledge(Settings(root=Path(folder), knowledge={"files": ["kb.yaml"]}))
        except ConfigError as exc:
            assert "\n" not in str(exc).strip()


# The cache: a run fills it, its entries are then replaced by generated JSON (of any shape) or
# bytes, and a second run must give what a run without the cache gives.
SWEEP = "program: train.py\nmethod: random\nparameters:\n  learning_rate:\n    min: 0.0001\n    max: 0.1\n"
TRAIN = "import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'val_loss': lr})\n"
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=10)


def _found(root: Path, cache_dir: str | None) -> list:
    result = lint_paths([str(root)], Settings(root=root), cache_dir=cache_dir)
    return [(d.code, Path(d.path).name, d.span.line, d.span.column, d.message) for d in result.diagnostics]


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(replacement=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=40),
                             json_values.map(lambda v: json.dumps({"sweeplint-cache": 1, "key": "", "value": v}).encode())),
       keep_key=st.booleans())
def test_corrupt_cache_entries_give_the_result_of_a_run_without_the_cache(replacement, keep_key):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        root.mkdir()
        (root / "sweep.yaml").write_text(SWEEP)
        (root / "train.py").write_text(TRAIN)
        cache_dir = str(Path(folder) / "cache")
        expected = _found(root, None)
        assert _found(root, cache_dir) == expected
        entries = [p for p in Path(cache_dir).rglob("*.json")]
        assert entries
        for entry in entries:
            data = replacement
            if keep_key and data.startswith(b"{\"sweeplint-cache\""):
                # a well-formed envelope with the entry's own key around a value of the wrong shape
                stored = json.loads(entry.read_text())
                data = json.dumps({**json.loads(data), "sweeplint-cache": stored["sweeplint-cache"], "key": stored["key"]}).encode()
            entry.write_bytes(data)
        got = _found(root, cache_dir)
        assert all(code != "SL999" for code, *_ in got), got
        assert got == expected


# Language-server frames: any byte stream ends in frames with a message or an error, never an exception.
frame_parts = st.one_of(
    st.builds(lambda body: b"Content-Length: %d\r\n\r\n" % len(body) + body,
              st.one_of(st.binary(max_size=30), json_values.map(lambda v: json.dumps(v).encode()))),
    st.builds(lambda n, body: b"Content-Length: %d\r\n\r\n" % n + body, st.integers(-5, 60), st.binary(max_size=30)),
    st.sampled_from([b"Content-Length: x\r\n\r\n", b"\r\n\r\n", b"Content-Type: a\r\n", b"Content-Length: 99999999999999999999\r\n\r\n"]),
    st.binary(max_size=20),
)


@given(parts=st.lists(frame_parts, max_size=6))
def test_any_byte_stream_reads_as_frames_with_a_message_or_an_error(parts):
    for frame in frames(io.BytesIO(b"".join(parts))):
        assert (frame.message is None) != (frame.error is None)
        if frame.message is not None:
            assert isinstance(frame.message, dict)
