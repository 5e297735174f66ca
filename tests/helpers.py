"""Run the real cfn-lint with the pack appended, the way a user does, and collect findings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner

from cfn_lint_bestpractices.rules import ALL_RULES
from cfn_lint_bestpractices.rules._base import STRICT_ENV

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
RULE_PAGES = ROOT / "rules"
PACK_IDS = {cls.id for cls in ALL_RULES}

# A rule bug must fail the tests, not be logged and skipped.
os.environ[STRICT_ENV] = "1"


def lint(path: Path, configure_rules: dict | None = None, extra_args: list[str] | None = None) -> list[Any]:
    """All matches cfn-lint reports for one template with the pack appended (informational included)."""
    args = ["--append-rules", "cfn_lint_bestpractices.rules", "--include-checks", "I"]
    args += extra_args or []
    args += ["--", str(path)]
    kwargs = {"configure_rules": configure_rules} if configure_rules else {}
    config = ConfigMixIn(args, **kwargs)
    return list(Runner(config).run())


def pack_findings(matches: list[Any]) -> list[dict]:
    """The pack's findings (and any rule crash, E0002) as plain data for snapshots."""
    out = []
    for m in matches:
        if m.rule.id in PACK_IDS or m.rule.id == "E0002":
            out.append({"rule": m.rule.id, "line": m.linenumber, "column": m.columnnumber, "message": m.message})
    out.sort(key=lambda f: (f["line"], f["column"], f["rule"], f["message"]))
    return out


def fixture_config() -> dict:
    return json.loads((FIXTURES / "config.json").read_text())
