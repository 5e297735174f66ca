"""The scenario oracle over generated variants of the fixtures (tests/oracle_variants.py): 0
mismatches. The example budget is fixed and derandomised so that CI is repeatable: ORACLE_EXAMPLES
(2,000 by default) sets how many; run more by hand (ORACLE_EXAMPLES=20000) or with the
`full_corpus` marker's --full-corpus, which runs 10,000."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

import oracle
from helpers import FIXTURES
from oracle_variants import load_fixtures, property_pool, variants, write

EXAMPLES = int(os.environ.get("ORACLE_EXAMPLES", "2000"))
TEMPLATES = load_fixtures(sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".yaml", ".json")))
POOL = property_pool(TEMPLATES)


def _check(template: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = oracle.check(write(template, Path(tmp)))
    assert not result.mismatches, "\n".join(result.mismatches) + "\n" + str(template)


def _settings(examples: int):
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


@_settings(EXAMPLES)
@given(variants(TEMPLATES, POOL))
def test_variants_match_the_union_of_their_scenarios(template):
    _check(template)


def test_the_variants_vary_what_they_should():
    """The variants vary something: most have several scenarios and are linted whole, few are skipped
    as too many or unlintable (a generator that broke every template would pass the test above)."""
    judged = []

    @_settings(60)
    @given(variants(TEMPLATES, POOL))
    def sample(template):
        with tempfile.TemporaryDirectory() as tmp:
            judged.append(oracle.check(write(template, Path(tmp))))

    sample()
    linted = [r for r in judged if r.scenarios > 1 and not r.broken and not r.too_many]
    assert len(linted) >= 0.8 * len(judged), [r.broken for r in judged if r.broken][:5]
    assert sum(r.scenarios for r in linted) >= 3 * len(linted)
