"""The pack through the real `cfn-lint` command, as users run it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import FIXTURES, ROOT, lint

# the cfn-lint command of the environment the tests run in
_SCRIPT = Path(sys.executable).parent / "cfn-lint"
CFN_LINT = [str(_SCRIPT)] if _SCRIPT.exists() else [shutil.which("cfn-lint") or "cfn-lint"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CFN_LINT + list(args), capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_bundled_example_shows_every_rule():
    proc = run("--append-rules=cfn_lint_bestpractices.rules", "--format", "json", "--", "examples/all-rules.yaml")
    findings = json.loads(proc.stdout)
    ids = {f["Rule"]["Id"] for f in findings}
    assert {cls.id for cls in ALL_RULES if cls.id[0] != "I"} <= ids
    assert "E0002" not in ids
    # cfn-lint's exit code: 2 for errors plus 4 for warnings
    assert proc.returncode == 6
    for f in findings:
        if f["Rule"]["Id"] in {cls.id for cls in ALL_RULES}:
            assert f["Rule"]["Source"].endswith(f"/rules/{f['Rule']['Id']}.md")


def test_bundled_example_shows_the_informational_rules_when_asked():
    """cfn-lint hides informational findings unless --include-checks I; then every rule shows, and the
    exit code adds 8 for them."""
    proc = run("--append-rules=cfn_lint_bestpractices.rules", "--include-checks", "I", "--format", "json", "--",
               "examples/all-rules.yaml")
    ids = {f["Rule"]["Id"] for f in json.loads(proc.stdout)}
    assert {cls.id for cls in ALL_RULES} <= ids
    assert proc.returncode == 14


def test_clean_template_exits_zero():
    proc = run("--append-rules=cfn_lint_bestpractices.rules", "--", "fixtures/W9801/good.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ignore_checks_and_configure_rules_on_the_command_line():
    proc = run("--append-rules=cfn_lint_bestpractices.rules", "--format", "json", "--ignore-checks", "W9501",
               "--configure-rule", "E9502:account_limit=5000", "--", "examples/all-rules.yaml")
    ids = {f["Rule"]["Id"] for f in json.loads(proc.stdout)}
    assert "W9501" not in ids and "E9502" not in ids
    assert "W9801" in ids


def test_never_the_same_dead_letter_pair_as_e3502():
    """E9601 leaves the plain GetAtt/Ref queue pair to stock E3502: on no line do both report."""
    for template in sorted(FIXTURES.glob("E9601/*.*")):
        matches = lint(template)
        e3502 = {m.linenumber for m in matches if m.rule.id == "E3502"}
        e9601 = {m.linenumber for m in matches if m.rule.id == "E9601"}
        assert not e3502 & e9601, template
    stock = [m for m in lint(FIXTURES / "E9601" / "good-sqs.yaml") if m.rule.id in ("E3502", "E9601")]
    assert [m.rule.id for m in stock] == ["E3502"]


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = {h["id"]: h for h in hooks}["cfn-lint-bestpractices"]
    assert hook["language"] == "python"
    # no trailing "--": pre-commit puts `args:` between the entry and the file names
    assert hook["entry"].split() == ["cfn-lint-bestpractices", "--skip-non-templates"]
    assert {h["id"] for h in hooks} == {"cfn-lint-bestpractices", "cfn-lint-bestpractices-cfnlintrc"}
    assert re.search(hook["files"], "templates/app.yaml") and re.search(hook["files"], "stack.json")
    assert not re.search(hook["files"], "README.md")
