"""The pack through the real `cfn-lint` command, as users run it."""

from __future__ import annotations

import json
import re
import shlex
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


def readme_setup_command() -> list[str]:
    """The README's set-up command that lints the bundled example (the words after the last `&&`), with
    this environment's cfn-lint for `.venv/bin/cfn-lint`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set up on a fresh machine"):readme.index("## Use")]
    line = next(l for l in setup.splitlines() if "examples/all-rules.yaml" in l and "&&" in l)
    words = shlex.split(line.rsplit("&&", 1)[1])
    assert words[0] == ".venv/bin/cfn-lint", line
    return CFN_LINT + words[1:]


def test_the_readme_example_trips_every_rule_with_the_readmes_command():
    """"Lint the bundled example, which trips every rule": the README's exact command shows every rule of the
    pack (the informational ones need --include-checks I, which it passes) and exits 14 (2 | 4 | 8)."""
    proc = subprocess.run(readme_setup_command(), capture_output=True, text=True, cwd=ROOT, timeout=300)
    ids = set(re.findall(r"^([EWI]\d{4}) ", proc.stdout, re.M))
    assert {cls.id for cls in ALL_RULES} <= ids, sorted({cls.id for cls in ALL_RULES} - ids)
    assert "E0002" not in ids
    assert proc.returncode == 14
    assert "exit code 14" in (ROOT / "README.md").read_text(encoding="utf-8")


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
