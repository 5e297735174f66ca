"""The `cfn-lint-bestpractices` command: lint with the pack, per-file isolation, rule pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cfn_lint_bestpractices.cli import main
from cfn_lint_bestpractices.rules import ALL_RULES
from corpus import CORPUS
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
CRASHERS = [CORPUS / line.strip() for line in (CORPUS / "cfn-lint-crashers.txt").read_text().splitlines() if line.strip()]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_command_is_installed():
    assert COMMAND.exists()


def test_lints_with_the_pack_without_the_append_pitfall():
    # no --append-rules, no "--": the template is not swallowed
    proc = run("--format", "json", "examples/all-rules.yaml")
    ids = {f["Rule"]["Id"] for f in json.loads(proc.stdout)}
    assert {cls.id for cls in ALL_RULES if cls.id[0] != "I"} <= ids
    assert proc.returncode == 6


def test_pack_already_appended_in_cfnlintrc_is_not_loaded_twice(tmp_path):
    (tmp_path / ".cfnlintrc").write_text("append_rules:\n  - cfn_lint_bestpractices.rules\n")
    (tmp_path / "t.yaml").write_text((ROOT / "examples" / "all-rules.yaml").read_text())
    proc = run("--format", "json", "t.yaml", cwd=tmp_path)
    assert proc.returncode == 6, proc.stderr
    assert "W9801" in {f["Rule"]["Id"] for f in json.loads(proc.stdout)}


@pytest.mark.parametrize("crasher", CRASHERS, ids=lambda p: p.parent.name)
def test_a_template_cfn_lint_dies_on_costs_only_that_template(crasher):
    proc = run("--format", "json", "--", str(crasher), "examples/all-rules.yaml")
    findings = json.loads(proc.stdout)
    assert "Traceback" not in proc.stdout + proc.stderr
    crash = [f for f in findings if f["Filename"] == str(crasher)]
    assert len(crash) == 1 and crash[0]["Rule"]["Id"] == "E0000"
    assert "cfn-lint failed on this template" in crash[0]["Message"]
    others = {f["Rule"]["Id"] for f in findings if f["Filename"] == "examples/all-rules.yaml"}
    assert {cls.id for cls in ALL_RULES if cls.id[0] != "I"} <= others
    assert proc.returncode == 6


def test_stock_cfn_lint_loses_everything_on_those_templates():
    """Why the isolation exists: plain cfn-lint, same files, prints a traceback and no findings."""
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    proc = subprocess.run([str(cfn_lint), "--append-rules=cfn_lint_bestpractices.rules", "--format", "json", "--",
                           str(CRASHERS[0]), "examples/all-rules.yaml"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_rules_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == sorted(cls.id for cls in ALL_RULES)
    assert all(line.split()[1] in ("error", "warning", "informational") for line in out)


def test_rule_prints_its_page(capsys):
    assert main(["rule", "w9501"]) == 0
    assert capsys.readouterr().out.startswith("# W9501: ")


@pytest.mark.parametrize("args", [["rule", "W0000"], ["rule"]])
def test_rule_errors_are_one_line(capsys, args):
    assert main(args) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("target", ["does/not/exist.yaml", "fixtures", "empty-dir", "empty-dir/*.yaml"])
def test_missing_path_or_directory_is_a_clear_error(tmp_path, target):
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "fixtures").mkdir()
    proc = run(target, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert target in proc.stdout + proc.stderr
