"""Run the real cfn-lint with the pack appended, the way a user does, and collect findings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner
from cfnlint.runner.template.runner import run_template_by_file_path

from cfn_lint_bestpractices.rules import ALL_RULES
from cfn_lint_bestpractices.rules._base import STRICT_ENV

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
RULE_PAGES = ROOT / "rules"
PACK_IDS = {cls.id for cls in ALL_RULES}

# A rule bug must fail the tests, not be logged and skipped.
os.environ[STRICT_ENV] = "1"


_RULES: dict = {}


def _rules(config: ConfigMixIn):
    """cfn-lint's rules with the pack appended, loaded once per test run: cfn-lint configures every
    rule from the run's own config each time it lints a template, so one set serves every config."""
    key = tuple(config.append_rules)
    if key not in _RULES:
        _RULES[key] = Runner(config).rules
    return _RULES[key]


def lint(path: Path, configure_rules: dict | None = None, extra_args: list[str] | None = None) -> list[Any]:
    """All matches cfn-lint reports for one template with the pack appended (informational included),
    as `cfn-lint --append-rules=cfn_lint_bestpractices.rules --include-checks I` would."""
    args = ["--append-rules", "cfn_lint_bestpractices.rules", "--include-checks", "I"]
    args += extra_args or []
    args += ["--", str(path)]
    kwargs = {"configure_rules": configure_rules} if configure_rules else {}
    config = ConfigMixIn(args, **kwargs)
    if config.deployment_files or config.parameter_files or len(config.templates) != 1:
        return list(Runner(config).run())
    return list(run_template_by_file_path(str(path), config, _rules(config), False))


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


def command_here(cwd: Path, args: list[str]):
    """`cfn-lint-bestpractices ARGS` run in `cwd` inside this process (`main`, what the installed script
    calls), as a CompletedProcess: the same findings, output and exit code, without a new interpreter
    (which would cost more CPU than most runs' linting)."""
    import contextlib
    import io
    import subprocess

    from cfn_lint_bestpractices.cli import main
    from cfn_lint_bestpractices.model import locate

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
        locate.use_run(None)  # the run's application ends with it (a later lint in this process has its own)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
