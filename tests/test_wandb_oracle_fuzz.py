"""10,000 generated W&B sweeps judged by W&B's own sweep engine and by sweeplint.

Run it with `python -m pytest -m fuzz tests/test_wandb_oracle_fuzz.py -s`; it is skipped otherwise
(it takes tens of minutes). It reports the agreement and fails below 99%; the same comparison
runs on a couple of hundred cases in the default suite (tests/test_wandb_oracle.py).
"""

from __future__ import annotations

import collections

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

from tests.test_wandb_oracle import ENGINE, disagreement, engine_verdict, sweep_configs

pytestmark = pytest.mark.fuzz

EXAMPLES = 10_000


@pytest.mark.skipif(not ENGINE, reason="W&B's sweep engine (`pip install sweeps`) is not installed")
def test_agreement_with_the_engine_on_10000_generated_sweeps(request):
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("10,000 generated sweeps take tens of minutes: run with `pytest -m fuzz tests/test_wandb_oracle_fuzz.py -s`")
    outcomes: collections.Counter = collections.Counter()
    verdicts: collections.Counter = collections.Counter()
    disagreements: list[str] = []

    # Every generated case is counted, none is shrunk: the number is the agreement rate.
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(sweep_configs())
    def compare(config):
        problem = disagreement(config)
        verdicts[engine_verdict(config)[0]] += 1
        outcomes[problem is None] += 1
        if problem:
            disagreements.append(f"{problem}\n{yaml.safe_dump(config, sort_keys=False)}")

    compare()
    total = sum(outcomes.values())
    rate = outcomes[True] / total
    print(f"\nW&B engine vs sweeplint: {outcomes[True]} of {total} generated sweeps agree ({rate:.2%}); "
          f"engine verdicts: {dict(verdicts)}")
    for text in disagreements[:10]:
        print("---", text)
    assert rate >= 0.99, disagreements[:5]
