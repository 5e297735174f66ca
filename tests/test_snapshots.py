"""Each fixture template is linted with cfn-lint and the pack; the pack's findings must equal the
JSON snapshot beside it. Regenerate on purpose with UPDATE_SNAPSHOTS=1 and review the diff."""

from __future__ import annotations

import json
import os

import pytest

from helpers import FIXTURES, fixture_config, lint, pack_findings

TEMPLATES = sorted(
    p for p in FIXTURES.glob("*/*") if p.suffix in (".yaml", ".yml", ".json") and p.parent.name != "snapshots"
)


def snapshot_path(template):
    return template.parent / "snapshots" / (template.name + ".json")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_snapshot(template):
    config = fixture_config().get(f"{template.parent.name}/{template.name}")
    findings = pack_findings(lint(template, config))
    snap = snapshot_path(template)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snap.parent.mkdir(exist_ok=True)
        snap.write_text(json.dumps(findings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert snap.exists(), f"no snapshot for {template}; run with UPDATE_SNAPSHOTS=1 and review it"
    expected = json.loads(snap.read_text(encoding="utf-8"))
    assert findings == expected


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_belong_to_its_rule(template):
    """A rule's fixture may show other rules firing, but bad-* fixtures must show their own rule,
    and good-* fixtures must not."""
    rule_id = template.parent.name
    snap = snapshot_path(template)
    if not snap.exists():
        pytest.fail(f"no snapshot for {template}")
    ids = {f["rule"] for f in json.loads(snap.read_text(encoding="utf-8"))}
    assert "E0002" not in ids
    if template.name.startswith("bad"):
        assert rule_id in ids
    if template.name.startswith("good"):
        assert rule_id not in ids
