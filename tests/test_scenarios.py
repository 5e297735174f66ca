"""Every finding of the pack holds in a scenario that can happen, according to cfn-lint's own
condition solver: on every fixture here and on every template of ../shared/corpus.

A finding names its scenario in its message ("when condition 'IsProd' is true and parameter 'Env' is
'prod'"); a finding about a resource with a `Condition` holds where that condition is true. The
solver knows `Equals` on parameters, `And`/`Or`/`Not`, `Condition`, `Rules` and allowed values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import CORPUS, corpus_rows, lint_template
from helpers import FIXTURES
from scenario_check import impossible, scenarios_in

from cfn_lint_bestpractices.rules import ALL_RULES

TEMPLATES = sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".yaml", ".yml", ".json"))
RULES = [cls() for cls in ALL_RULES]


def test_messages_read_back():
    msg = ("Queue 'Q' is FIFO when condition 'IsFifo' is true and parameter 'Env' is 'prod' and parameter "
           "'Size' is 5: fix it")
    assert scenarios_in(msg) == [({"IsFifo": True}, {"Env": "prod", "Size": "5"})]
    assert scenarios_in("nothing conditional here") == []


def test_the_check_sees_an_impossible_scenario(tmp_path: Path):
    """The meta-test below can fail: a message claiming a scenario the solver rules out is caught."""
    template = tmp_path / "t.yaml"
    template.write_text(
        "Parameters:\n  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}\n"
        "Conditions:\n  IsDev: !Equals [!Ref Env, dev]\n  IsProd: !Equals [!Ref Env, prod]\n"
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: IsProd\n")
    _, _, cfn = lint_template(template, [])

    class Fake:
        path = ["Resources", "Q"]
        message = "x when condition 'IsDev' is true"

    assert impossible(cfn, Fake()) is not None
    Fake.message = "x when condition 'IsDev' is false"
    assert impossible(cfn, Fake()) is None
    Fake.message = "x when parameter 'Env' is 'dev'"
    assert impossible(cfn, Fake()) is not None  # the queue exists only when IsProd is true


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_hold_in_possible_scenarios(template):
    matches, note, cfn = lint_template(template, RULES)
    assert note is None, note
    problems = [why for m in matches if (why := impossible(cfn, m))]
    assert not problems, "\n".join(problems)


def test_corpus_findings_hold_in_possible_scenarios():
    problems, checked = [], 0
    for row in corpus_rows(("real", "real-rendered")):
        matches, note, cfn = lint_template(CORPUS / row["local_path"], RULES)
        for m in matches:
            checked += 1
            why = impossible(cfn, m)
            if why:
                problems.append(f"{row['local_path']}: {why}")
    assert checked > 500
    assert not problems, "\n".join(problems[:20])
