"""One problem, one finding, none lost: the pack's rules that leave some pairs to a stock rule (E9504 to
E3505, E9601 to E3502) must report exactly the pairs the stock rule misses or misreads. Each fixture is
linted with the stock rules on (tests/helpers.lint), and for each resource we know whether the problem
is there; it must then be reported by exactly one of the two rules, and by neither where it is not."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, lint

# fixture -> {resource: the rule that must report it}; resources not named must not be reported by either
CASES = {
    ("E9504", "E3505"): {
        "bad-scenario-if-second-branch.yaml": {"Jobs": "E9504"},  # E3505 reads the first branch only
        "good-scenario-if-second-branch.yaml": {},
        "good-scenario-e3505-first-branch.yaml": {"Jobs": "E3505"},  # E3505's own pair, not reported twice
        "bad-scenario-timeout-if.yaml": {"Jobs": "E9504"},
        "good-scenario-timeout-if.yaml": {},
        "bad-scenario-timeout-parameter.yaml": {"Jobs": "E9504"},  # E3505 does not resolve a parameter
        "good-scenario-timeout-parameter.yaml": {},
        "good.yaml": None,
        "bad-plain.yaml": None,
    },
    ("E9601", "E3502"): {
        "bad-scenario-both-switched.yaml": {"Jobs": "E9601"},  # E3502 misses two switched FifoQueue
        "good-scenario-stock-switched.yaml": {"Jobs": "E3502"},  # E3502's pair, not reported twice
        "good-scenario-same-condition.yaml": {},
        "bad-scenario-param-ref.yaml": {"Jobs": "E9601"},
        "bad-scenario-stock-first-branch.yaml": {"Jobs": "E9601"},  # E3502 reads the first If branch with a value
        "good-scenario-stock-first-branch.yaml": {},
        "bad-sqs.yaml": None,
        "good-sqs.yaml": None,
    },
}

PARAMS = [(ours, stock, name, expected) for (ours, stock), table in CASES.items() for name, expected in table.items()]


@pytest.mark.parametrize("ours,stock,name,expected", PARAMS, ids=[f"{p[0]}/{p[2]}" for p in PARAMS])
def test_no_pair_reported_twice_or_lost(ours, stock, name, expected):
    found: dict[str, set] = {}
    for m in lint(FIXTURES / ours / name):
        path = getattr(m, "path", None) or []
        if m.rule.id in (ours, stock) and len(path) > 1 and path[0] == "Resources":
            found.setdefault(path[1], set()).add(m.rule.id)
    twice = {res: rules for res, rules in found.items() if len(rules) > 1}
    assert not twice, f"reported by both {ours} and {stock}: {twice}"
    if expected is not None:
        assert {res: rules.pop() for res, rules in found.items()} == expected
