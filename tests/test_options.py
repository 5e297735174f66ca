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


# --- JSON lists, template Metadata, the pack's options in .cfnlintrc (issue 23) --------------------------

TABLE = """\
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""


def here(capsys, monkeypatch, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (cheaper than a new one), in `cwd`, as a CompletedProcess."""
    from cfn_lint_bestpractices.cli import main

    monkeypatch.chdir(cwd)
    code = main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def test_a_value_is_json_only_when_it_parses_as_a_json_list():
    regex = {"type": "list", "itemtype": "string", "format": "regex"}
    assert convert_option("W9804", "exempt_resources", "[T]able", regex) == ["[T]able"]
    assert convert_option("W9804", "exempt_resources", "[T]able,Q[0-9]", regex) == ["[T]able", "Q[0-9]"]
    assert convert_option("W9804", "exempt_resources", '["[T]able", "a{1,3}"]', regex) == ["[T]able", "a{1,3}"]
    # neither a JSON list nor regular expressions: the message says both
    with pytest.raises(UsageError, match=r"""'\["a"' is not a valid regular expression.*nor a JSON list"""):
        convert_option("W9804", "exempt_resources", '["a", "b"', regex)
    assert convert_option("W9823", "tags", "[Owner]", {"type": "list", "itemtype": "string"}) == ["[Owner]"]


@pytest.mark.parametrize("where", ["-x", ".cfnlintrc", "Metadata"])
def test_a_regex_that_starts_with_a_bracket_exempts_the_resource(capsys, monkeypatch, tmp_path, where):
    template = TABLE
    args = ["--format", "parseable"]
    if where == "-x":
        args += ["-x", "W9804:exempt_resources=[T]able"]
    elif where == ".cfnlintrc":
        (tmp_path / ".cfnlintrc").write_text("configure_rules:\n  W9804:\n    exempt_resources: '[T]able'\n")
    else:
        template = ("Metadata:\n  cfn-lint:\n    config:\n      configure_rules:\n        W9804:\n"
                    "          exempt_resources: '[T]able'\n" + TABLE)
    (tmp_path / "t.yaml").write_text(template)
    (tmp_path / "plain.yaml").write_text(TABLE)
    proc = here(capsys, monkeypatch, tmp_path, *args, "t.yaml")
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr
    if where == "Metadata":  # the template's own setting is its own
        assert ":W9804:" in here(capsys, monkeypatch, tmp_path, *args, "plain.yaml").stdout


METADATA_PROBLEMS = """\
Metadata:
  cfn-lint:
    config:
      configure_rules:
        W9501:
          exempt_function: [Legacy.*]
        E9502:
          account_limit: lots
        X1234:
          limit: 1
        W9804:
          exempt_resources: Other,Tab.*
"""


def test_bad_rule_options_in_a_template_are_findings_on_that_template(capsys, monkeypatch, tmp_path):
    (tmp_path / "configured.yaml").write_text(METADATA_PROBLEMS + TABLE)
    (tmp_path / "other.yaml").write_text(TABLE)
    proc = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "configured.yaml", "other.yaml")
    assert proc.returncode == 6, proc.stdout + proc.stderr  # E0003 errors; other.yaml's warning
    lines = proc.stdout.splitlines()
    assert lines == [
        "configured.yaml:6:11:6:11:E0003:Metadata cfn-lint config configure_rules: rule W9501 has no option "
        "'exempt_function' (its options: every_allowed_value, every_function, exempt_functions)",
        "configured.yaml:8:11:8:11:E0003:Metadata cfn-lint config configure_rules: E9502:account_limit takes a "
        "whole number, not 'lots'",
        "configured.yaml:9:9:9:9:E0003:Metadata cfn-lint config configure_rules: no rule 'X1234' to configure",
        # the good setting still applies (a list given with commas, as -x reads it): Table is exempt here
        *[line for line in lines if line.startswith("other.yaml:") and ":W9804:" in line],
    ]
    assert len(lines) == 4
    # from worker processes the same; and E0003 is a check like any other
    workers = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "--jobs", "2", "configured.yaml",
                   "other.yaml")
    assert (workers.returncode, workers.stdout) == (proc.returncode, proc.stdout)
    ignored = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "--ignore-checks", "E0003",
                   "configured.yaml")
    assert ignored.returncode == 0 and ignored.stdout == ""


def test_the_packs_options_in_cfnlintrc_are_accepted_by_plain_cfn_lint(capsys, monkeypatch, tmp_path):
    (tmp_path / "t.yaml").write_text((ROOT / "fixtures" / "W9801" / "bad.yaml").read_text())
    (tmp_path / ".cfnlintrc").write_text(
        "templates:\n  - t.yaml\nconfigure_rules:\n  cfn-lint-bestpractices:\n"
        "    jobs: 2\n    respect_gitignore: false\n    skip_non_templates: true\n    changed_since: HEAD\n")
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    plain = subprocess.run([str(cfn_lint), "--format", "parseable"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=300)
    assert plain.returncode == 0 and plain.stdout == "" and "Invalid configuration" not in plain.stderr, plain.stderr
    # the pack reads them: changed_since needs git here, and says where it came from
    proc = here(capsys, monkeypatch, tmp_path)
    assert proc.returncode == 1 and "--changed-since HEAD" in proc.stderr, proc.stderr


def test_the_command_line_wins_over_the_packs_options_in_cfnlintrc(capsys, monkeypatch, tmp_path):
    (tmp_path / "t.yaml").write_text((ROOT / "fixtures" / "W9801" / "bad.yaml").read_text())
    (tmp_path / ".cfnlintrc").write_text("templates:\n  - t.yaml\nconfigure_rules:\n"
                                         "  cfn-lint-bestpractices:\n    baseline: base.json\n")
    missing = here(capsys, monkeypatch, tmp_path)
    assert missing.returncode == 1 and "baseline base.json not found" in missing.stderr
    # --write-baseline on the command line replaces the file's baseline (it is how a baseline is refreshed)
    assert here(capsys, monkeypatch, tmp_path, "--write-baseline", "base.json").returncode == 0
    clean = here(capsys, monkeypatch, tmp_path)
    assert clean.returncode == 0 and clean.stdout == "", clean.stdout + clean.stderr
    assert "3 more hidden by the baseline" in clean.stderr
    (tmp_path / "empty.json").write_text((tmp_path / "base.json").read_text().replace("W9801", "W0000"))
    other = here(capsys, monkeypatch, tmp_path, "--baseline", "empty.json")
    assert other.returncode == 4 and other.stdout.count("W9801") == 3


@pytest.mark.parametrize("section,says", [
    ("    jbos: 2\n", "has no option 'jbos'; its options: jobs, changed_since, baseline"),
    ("    shard: 1/2\n", "(--shard is for the command line only: each runner of a matrix has its own share)"),
    ("    write_baseline: b.json\n", "(--write-baseline is for the command line only"),
    ("    jobs: 0\n", ".cfnlintrc configure_rules.cfn-lint-bestpractices.jobs takes a whole number of at least 1"),
    ("    respect_gitignore: no-thanks\n", "respect_gitignore takes true or false, not 'no-thanks'"),
])
def test_a_bad_pack_option_in_cfnlintrc_is_a_usage_error(capsys, monkeypatch, tmp_path, section, says):
    (tmp_path / "t.yaml").write_text(TABLE)
    (tmp_path / ".cfnlintrc").write_text("configure_rules:\n  cfn-lint-bestpractices:\n" + section)
    proc = here(capsys, monkeypatch, tmp_path, "t.yaml")
    assert proc.returncode == 1 and proc.stdout == "" and says in proc.stderr, proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_the_options_table_is_the_one_place():
    """--help and the .cfnlintrc keys come from PACK_OPTIONS; every option there is taken off the command
    line (none reaches cfn-lint), and every key of the file sets the option its flag sets."""
    from cfn_lint_bestpractices.options import FILE_SECTION, PACK_OPTIONS, PackOptions, apply_file_options, help_text

    text = help_text()
    for option in PACK_OPTIONS:
        assert option.flag in text
        args = [option.flag] + (["1/2" if option.dest == "shard" else "1"] if option.parse else []) + ["t.yaml"]
        rest, opts = prepare(args)
        assert rest == ["--", "t.yaml"] and option.dest in opts.given
        if option.file_key:
            assert option.file_key in text
            from_file = PackOptions()
            value = getattr(opts, option.dest) if option.parse else option.const
            apply_file_options(from_file, {"configure_rules": {FILE_SECTION: {option.file_key: value}}})
            assert getattr(from_file, option.dest) == getattr(opts, option.dest)
        else:
            assert option.why_not_in_file


def test_pack_only_and_the_cache_folder_can_live_in_cfnlintrc(capsys, monkeypatch, tmp_path):
    """Issue 23 item 18: pre-commit, CI and the editor share one .cfnlintrc, speed options included."""
    monkeypatch.delenv("CFN_LINT_BESTPRACTICES_NO_CACHE", raising=False)
    (tmp_path / "t.yaml").write_text(TABLE + "  Broken:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                                     "      NoSuchProperty: 1\n")
    full = here(capsys, monkeypatch, tmp_path, "--no-cache", "--format", "parseable", "t.yaml")
    assert "E3002" in full.stdout  # a stock finding, which --pack-only does not run
    (tmp_path / ".cfnlintrc").write_text("configure_rules:\n  cfn-lint-bestpractices:\n"
                                         "    pack_only: true\n    cache_dir: my-cache\n")
    first = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "t.yaml")
    pack = [line for line in full.stdout.splitlines() if ":W98" in line or ":E98" in line or ":W97" in line]
    assert "E3002" not in first.stdout and pack and all(line in first.stdout for line in pack), first.stdout
    assert any((tmp_path / "my-cache").rglob("*")), "the cache folder named in .cfnlintrc holds the entry"
    again = here(capsys, monkeypatch, tmp_path, "t.yaml")
    assert "1 template from the cache" in again.stderr, again.stderr
    # the command line wins: --no-cache reads nothing from the folder
    off = here(capsys, monkeypatch, tmp_path, "--no-cache", "t.yaml")
    assert "from the cache" not in off.stderr
