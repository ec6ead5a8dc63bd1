"""The long run of the Hydra oracle: 10,000 generated override values through hydra-core's parser and
through sweeplint (`python -m pytest -m fuzz tests/test_hydra_oracle_fuzz.py -s` prints the tally)."""

from __future__ import annotations

import pytest

pytest.importorskip("hydra.core.override_parser.overrides_parser")

from test_hydra_oracle import agreement  # noqa: E402

pytestmark = pytest.mark.fuzz


def test_agreement_on_10000_generated_overrides(request):
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("a long run; select it with -m fuzz")
    tally, disagreements = agreement(10_000)
    total = tally["agree"] + tally["disagree"]
    print(f"\nHydra oracle: {tally['agree']}/{total} agree "
          f"(Hydra accepted {tally['accept']}, rejected {tally['reject']})")
    for value, ours, theirs in disagreements:
        print("---", repr(value), "sweeplint:", ours, "Hydra:", theirs)
    assert tally["agree"] >= 0.99 * total, disagreements[:10]
