"""Every rule option works through each of cfn-lint's channels: -x on the command line,
`configure_rules` in .cfnlintrc, and the template's own Metadata. Each gives the findings of the
option's snapshot (made with the option set), which differ from the findings without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import FIXTURES, PACK_IDS, command_here, fixture_config

CASES = sorted(fixture_config().items())


def findings(cwd: Path, *args: str) -> list[tuple]:
    """The command's pack findings on `t.yaml` in `cwd`, run in this process (helpers.command_here): a new
    interpreter for each of these runs would cost most of this file's CI time."""
    # informational findings are in the snapshots too
    proc = command_here(cwd, ["--format", "json", "--include-checks", "I", *args, "--", "t.yaml"])
    assert "Traceback" not in proc.stderr, proc.stderr
    return sorted((f["Rule"]["Id"], f["Location"]["Start"]["LineNumber"], f["Message"])
                  for f in json.loads(proc.stdout) if f["Rule"]["Id"] in PACK_IDS)


def expected(key: str) -> list[tuple]:
    snap = FIXTURES / key.split("/")[0] / "snapshots" / (key.split("/")[1] + ".json")
    return sorted((f["rule"], f["line"], f["message"]) for f in json.loads(snap.read_text()))


def cli_value(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("key,config", CASES, ids=[k for k, _ in CASES])
@pytest.mark.parametrize("channel", ["command-line", "cfnlintrc", "template-metadata"])
def test_option_through_each_channel(tmp_path, key, config, channel):
    text = (FIXTURES / key).read_text()
    args: list[str] = []
    if channel == "command-line":
        for rule_id, options in config.items():
            for name, value in options.items():
                args += ["--configure-rule", f"{rule_id}:{name}={cli_value(value)}"]
    elif channel == "cfnlintrc":
        (tmp_path / ".cfnlintrc").write_text(yaml.safe_dump({"configure_rules": config}))
    else:
        # a top-level Metadata section, written in flow style so the rest of the text stays as it is
        if key.endswith(".json"):
            data = json.loads(text)
            data["Metadata"] = {"cfn-lint": {"config": {"configure_rules": config}}}
            text = json.dumps(data, indent=1)
        else:
            text = f"Metadata:\n  cfn-lint:\n    config:\n      configure_rules: {json.dumps(config)}\n" + text
    (tmp_path / "t.yaml").write_text(text)
    got = findings(tmp_path, *args)
    if channel == "template-metadata":
        # the template was rewritten, so compare rules and messages, not lines
        assert [(r, m) for r, _, m in got] == [(r, m) for r, _, m in expected(key)]
    else:
        assert got == expected(key)
    if channel == "command-line":  # once per fixture: the same run for every channel
        (tmp_path / "t.yaml").write_text((FIXTURES / key).read_text())
        assert findings(tmp_path) != expected(key), "the option must change the findings"


def test_every_option_has_a_configuration_fixture():
    configured = {(rid, name) for _, cfg in CASES for rid, opts in cfg.items() for name in opts}
    declared = {(cls.id, name) for cls in ALL_RULES for name in cls.options}
    assert declared <= configured
