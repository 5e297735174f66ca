"""The scenario oracle over applications (tests/oracle_apps.py, issue #25 item 8): for each application
fixture, the command's findings equal the union of its concrete scenarios' findings under the judgement
policy, per (file, rule, resource), and each finding's "when" names a scenario in which it holds.

scenarios-conditional-grant found that E9606 took a queue policy under a Condition as granting in every
scenario (fixed in model/queue_policies.py): E9606 on alerts.yaml NoticesSubscription "when condition
'IsStrict' in stack queues.yaml is false".
"""

from __future__ import annotations

import pytest

from applications import APPS, apps
import oracle_apps

EXCLUDED: dict[str, str] = {}  # app -> the bug that makes the oracle disagree (none today)
_RESULTS: dict = {}


def result_of(app: str) -> oracle_apps.Result:
    if app not in _RESULTS:
        _RESULTS[app] = oracle_apps.check(app)
    return _RESULTS[app]


@pytest.mark.parametrize("app", [a for a in apps() if a not in EXCLUDED])
def test_application_findings_are_the_union_of_its_scenarios(app):
    result = result_of(app)
    assert not result.broken, result.broken
    assert not result.too_many, f"{app}: more than {oracle_apps.MAX_SCENARIOS} scenarios: not judged"
    assert not result.mismatches, "\n".join(result.mismatches)


def test_the_applications_judged():
    """The oracle judges the applications in which something varies (the CDK assemblies and the
    exports-literal stacks have no condition and no parameter a deployer chooses: their one scenario is
    the original); a change that made them unjudgeable would show here."""
    judged = {a: result_of(a) for a in apps() if a not in EXCLUDED}
    varying = sorted(a for a, r in judged.items() if not r.nothing_varies)
    assert {"nested-yaml", "exports-sub", "scenarios-bound-if", "scenarios-nested-condition",
            "scenarios-export-condition", "scenarios-remote-defaults", "scenarios-grandchild", "scenarios-child-output", "scenarios-twice",
            "scenarios-sam-condition"} <= set(varying), varying
    assert sum(judged[a].scenarios for a in varying) >= 2 * len(varying)
    assert not any(r.too_many for r in judged.values())
    assert "scenarios-conditional-grant" in varying


def test_a_child_bound_by_the_parent_follows_the_parents_scenario():
    """scenarios-bound-if: the child's modes are bound with `!If [IsProd, long, medium]`, so the child's
    condition Short never holds and Long holds exactly where the parent's IsProd does."""
    from oracle_apps import app_scenarios, stacks_of

    stacks = stacks_of(APPS / "scenarios-bound-if", ["main.yaml"])
    assert [s.file for s in stacks] == ["main.yaml", "queues.yaml"]
    found = app_scenarios(stacks)
    assert len(found) == 2
    for scenario in found:
        parent, child = (dict(p[0].conditions) for p in scenario.parts)
        assert child["Short"] is False and child["Long"] is parent["IsProd"]
        assert child["Small"] is not parent["IsProd"]


def test_a_child_under_a_false_condition_is_not_deployed():
    from oracle_apps import app_scenarios, stacks_of

    stacks = stacks_of(APPS / "scenarios-nested-condition", ["main.yaml"])
    found = app_scenarios(stacks)
    deployed = {dict(s.parts[0][0].conditions)["HasWorkers"]: s.parts[1] is not None for s in found}
    assert deployed == {True: True, False: False}
    defaults = [s for s in found if s.at_defaults]
    assert len(defaults) == 1 and defaults[0].parts[1] is None  # Workers defaults to "no"


def test_the_oracle_sees_a_model_that_ignores_where_a_stack_is_deployed(monkeypatch):
    """The comparison is not vacuous: with the model's deployment conditions switched off (a nested
    stack's resources taken as existing even where the nested stack resource's Condition is false), the
    oracle reports the trap of scenarios-nested-condition."""
    from cfn_lint_bestpractices.model import crossing

    monkeypatch.setattr(crossing.StackModel, "_deployed", lambda self, stack: ())
    result = oracle_apps.check("scenarios-nested-condition")
    assert any(m.startswith("false E9504 on main.yaml/QuietQueue") for m in result.mismatches), result.mismatches
    assert any(m.startswith("false W9511 on workers.yaml/QuietMapping") for m in result.mismatches), result.mismatches


def test_the_oracle_sees_a_model_that_judges_another_stacks_condition_in_both_branches(monkeypatch):
    """With another stack's compared parameters left free for a warning (not at their Defaults), the
    oracle reports the trap of scenarios-remote-defaults."""
    from cfn_lint_bestpractices.model import crossing

    monkeypatch.setattr(crossing.AppScenarios, "defaults", lambda self, stack: ())
    result = oracle_apps.check("scenarios-remote-defaults")
    assert [m.split(":")[0] for m in result.mismatches] == ["false W9511 on mappings.yaml/SlowMapping"], result.mismatches


def test_a_when_naming_another_stack_is_judged_in_that_stack():
    """"when condition 'Big' in stack functions.yaml is false" agrees with the scenario at the Defaults
    (Size small) of scenarios-remote-defaults, and the same clause with 'true' does not."""
    from oracle_apps import _agrees, app_scenarios, remote_clauses, stacks_of

    stacks = stacks_of(APPS / "scenarios-remote-defaults", ["functions.yaml", "mappings.yaml"])
    at_defaults = [s for s in app_scenarios(stacks) if s.at_defaults]
    assert len(at_defaults) == 1
    said = "reserves when condition 'Big' in stack functions.yaml is {}: the extra invocations"
    assert _agrees(stacks, at_defaults[0], "mappings.yaml", {}, {}, remote_clauses(said.format("false")))
    assert not _agrees(stacks, at_defaults[0], "mappings.yaml", {}, {}, remote_clauses(said.format("true")))


def test_a_template_deployed_twice_renders_once_per_stack(tmp_path):
    """scenarios-twice: queue.yaml is deployed with Mode fast and with Mode steady/slow; the two stacks
    render differently, so one of them is written as a copy that the parent names."""
    from oracle_apps import _render_app, app_scenarios, stacks_of

    stacks = stacks_of(APPS / "scenarios-twice", ["main.yaml"])
    for n, scenario in enumerate(app_scenarios(stacks)):
        folder = tmp_path / str(n)
        folder.mkdir()
        texts, copies = _render_app(stacks, scenario, folder)
        assert copies == {"queue.oracle2.yaml": "queue.yaml"}
        assert '"TemplateURL": "queue.oracle2.yaml"' in texts["main.yaml"] and (folder / "queue.oracle2.yaml").is_file()
