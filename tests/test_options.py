"""Rule options checked before any template is linted, list options on the command line, and the
command's --version, --help and hints for optional output formats, run as a user runs the command."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.version import __version__ as CFN_LINT_VERSION

from cfn_lint_bestpractices import __version__
from cfn_lint_bestpractices.options import UsageError, convert_option, extras_hint, normalize, prepare
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
TWO = ["fixtures/W9501/bad-plain.yaml", "fixtures/W9801/bad.yaml"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def ids(proc: subprocess.CompletedProcess) -> list[str]:
    return [f["Rule"]["Id"] for f in json.loads(proc.stdout)]


@pytest.mark.parametrize("setting,words", [
    ("E9502:account_limit=lots", ["E9502:account_limit", "whole number", "'lots'"]),
    ("W9501:nope=1", ["W9501", "'nope'", "exempt_functions"]),
    ("W9501:exempt_functions=Api(", ["W9501:exempt_functions", "'Api('", "regular expression"]),
    ("W9516:name_pattern=[a-", ["W9516:name_pattern", "regular expression"]),
    ("W9804:exempt_resources=ok,(bad", ["W9804:exempt_resources", "'(bad'"]),
    ("W9807:production_conditions=*prod", ["W9807:production_conditions", "regular expression"]),
    ("W9604:check_topics=yes", ["W9604:check_topics", "true or false"]),
    ("W9999:x=1", ["W9999"]),
])
def test_a_bad_option_on_the_command_line_is_one_usage_error(setting, words):
    proc = run("--format", "json", "-x", setting, "--", *TWO)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout == ""  # no template was linted
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert all(w in lines[0] for w in words), lines[0]


@pytest.mark.parametrize("cfnlintrc,words", [
    ("configure_rules:\n  W9501:\n    exempt_function: [Legacy.*]\n", ["W9501", "'exempt_function'", ".cfnlintrc"]),
    ("configure_rules:\n  E9502:\n    account_limit: lots\n", ["E9502:account_limit", "whole number"]),
    ("configure_rules:\n  W9501:\n    exempt_functions: ['(unclosed']\n", ["W9501:exempt_functions", "regular"]),
])
def test_a_bad_option_in_cfnlintrc_is_one_usage_error(tmp_path, cfnlintrc, words):
    (tmp_path / ".cfnlintrc").write_text(cfnlintrc)
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((ROOT / "fixtures" / "W9801" / "bad.yaml").read_text())
    proc = run("--format", "json", "a.yaml", "b.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and all(w in lines[0] for w in words), proc.stderr


@pytest.mark.parametrize("value", ["Uncapped,Handler.*,Public", '["Uncapped", "Handler.{1,20}", "Public"]'])
def test_a_list_option_on_the_command_line(value):
    before = ids(run("--format", "json", "--", TWO[0]))
    assert before.count("W9501") == 3
    after = run("--format", "json", "-x", f"W9501:exempt_functions={value}", "--", TWO[0])
    assert "W9501" not in ids(after), after.stderr
    assert sorted(i for i in before if i != "W9501") == sorted(ids(after))
    # one item exempts only its own function
    one = run("--format", "json", "--configure-rule", "W9501:exempt_functions=Uncapped", "--", TWO[0])
    assert ids(one).count("W9501") == 2


def test_several_settings_in_one_word_and_values_with_colons_and_equals():
    proc = run("--format", "json", "-x", "E9502:account_limit=3000,W9501:exempt_functions=(?:Unc)apped,Handler.*",
               "--", "examples/all-rules.yaml")
    assert proc.returncode in (2, 6), proc.stderr
    assert "E9502" not in ids(proc)


def test_options_are_converted_to_their_types():
    definition = {"type": "list", "itemtype": "string", "format": "regex"}
    assert convert_option("W9501", "exempt_functions", "A.*, B", definition) == ["A.*", "B"]
    assert convert_option("W9501", "exempt_functions", '["a{1,3}"]', definition) == ["a{1,3}"]
    assert convert_option("E9502", "account_limit", "3000", {"type": "integer"}) == 3000
    assert convert_option("W9604", "check_topics", "False", {"type": "boolean"}) is False
    with pytest.raises(UsageError, match="W9501:exempt_functions"):
        convert_option("W9501", "exempt_functions", "[broken", definition)
    with pytest.raises(UsageError, match="whole number"):
        convert_option("E9502", "account_limit", True, {"type": "integer"})


def test_every_regex_option_says_so():
    regex = {(cls.id, name) for cls in ALL_RULES for name, o in cls.options.items() if o.get("format") == "regex"}
    assert {("W9501", "exempt_functions"), ("W9516", "name_pattern")} <= regex
    env = [cls.id for cls in ALL_RULES if "production_conditions" in cls.options]
    assert env and all((rid, "production_conditions") in regex and (rid, "exempt_resources") in regex for rid in env)


def test_list_options_do_not_swallow_the_templates():
    # cfn-lint's --ignore-checks takes every following word; the command ends it at the template
    proc = run("--format", "json", "--ignore-checks", "W9801", "fixtures/W9801/bad.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ids(proc) == []
    assert normalize(["-i", "W9801", "E1", "a.yaml", "-f", "json", "b.json"]) == \
        ["-i", "W9801", "E1", "-f", "json", "--", "a.yaml", "b.json"]
    args, opts = prepare(["-x", "W9501:exempt_functions=A,B", "t.yaml", "--changed-since", "main"])
    assert args == ["--", "t.yaml"] and opts.changed_since == "main"
    assert opts.rule_settings == [("W9501", "exempt_functions", "A,B")]


@pytest.mark.parametrize("args", [["--version"], ["-v"], ["--format", "json", "--version"],
                                  ["--version", "--", "t.yaml"], ["-i", "W9501", "-v"]])
def test_version_names_the_pack_and_cfn_lint(args):
    proc = run(*args)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"cfn-lint-bestpractices {__version__} (cfn-lint {CFN_LINT_VERSION})"


def test_help_describes_the_pack_before_cfn_lint():
    proc = run("--help")
    assert proc.returncode == 0
    pack, _, cfn_lint = proc.stdout.partition("cfn-lint's options:")
    for word in ("rules", "rule RULE_ID", "--jobs", "--shard", "--baseline", "--write-baseline", "--changed-since",
                 "--sarif-file", "exempt_functions="):
        assert word in pack, word
    assert "--ignore-checks" in cfn_lint and "CloudFormation Linter" in cfn_lint


def test_the_hint_for_a_missing_output_extra_names_the_right_extra():
    assert "cfn-lint-bestpractices[junit]" in extras_hint(ImportError("Missing optional dependencies junit"))
    assert "cfn-lint-bestpractices[sarif]" in extras_hint(ImportError("Missing optional dependencies sarif"))
    # this environment (the test extra) has cfn-lint's sarif extra and not its junit extra
    assert importlib.util.find_spec("junit_xml") is None
    proc = run("--format", "junit", "fixtures/W9801/good.yaml")
    assert proc.returncode == 1
    assert "cfn-lint-bestpractices[junit]" in proc.stderr and "sarif" not in proc.stderr


def test_sarif_names_the_pack():
    proc = run("--format", "sarif", "fixtures/W9801/bad.yaml")
    tool = json.loads(proc.stdout)["runs"][0]["tool"]
    assert tool["driver"]["name"] == "cfn-lint" and tool["driver"]["version"] == CFN_LINT_VERSION
    assert tool["extensions"][0]["name"] == "cfn-lint-bestpractices"
    assert tool["extensions"][0]["version"] == __version__


def test_sarif_file_comes_from_the_same_run(tmp_path):
    proc = run("--format", "json", "--sarif-file", str(tmp_path / "out.sarif"), "--", *TWO)
    found = sorted((f["Filename"], f["Location"]["Start"]["LineNumber"], f["Rule"]["Id"]) for f in json.loads(proc.stdout))
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert found == sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                            r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results)
    assert proc.returncode == 4  # warnings only


def test_list_options_reach_spawned_workers():
    """Where workers are spawned rather than forked, each builds its configuration from the same
    arguments: a list option given with -x must reach them as a list."""
    code = ("import multiprocessing as m, sys\n"
            "if __name__ == '__main__':\n"
            "    m.set_start_method('spawn')\n"
            "    from cfn_lint_bestpractices.cli import main\n"
            "    sys.exit(main(sys.argv[1:]))\n")
    args = ["--format", "parseable", "-x", "W9501:exempt_functions=Uncapped,Handler.*,Public", "--", *TWO]
    spawned = subprocess.run([sys.executable, "-c", code, "--jobs", "2", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=600)
    alone = run(*args)
    assert spawned.stdout == alone.stdout and spawned.returncode == alone.returncode, spawned.stderr
    assert ":W9501:" not in alone.stdout and ":W9801:" in alone.stdout
