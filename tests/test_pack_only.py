"""`--pack-only` reports the pack's findings of a full run, and nothing else, in every format, with
every suppression and the same exit codes.

The comparison of findings runs both runners of the command (the full one: cfn-lint's rules and the
pack; the pack-only one) on the same templates: in CI on a deterministic sample of the corpus,
stratified by kind, format and SAM, plus the templates that take the unusual paths (cfn-lint's own
crashers, Metadata suppressions, YAML anchors, the language extensions); on the whole corpus with
`pytest --full-corpus tests/test_pack_only.py` (about five minutes of CPU). The decoding is compared
on the whole corpus in tests/test_decoding.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from cfn_lint_bestpractices import batch, options, packonly, progress
from cfn_lint_bestpractices.cli import main
from cfn_lint_bestpractices.rules import ALL_RULES
from corpus import CORPUS, corpus_rows
from helpers import ROOT

PACK_IDS = {cls.id for cls in ALL_RULES}
COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
CRASHERS = [line.strip() for line in (CORPUS / "cfn-lint-crashers.txt").read_text().splitlines() if line.strip()]
ARGS = ["--include-checks", "I"]


def runner(pack_only: bool, args: list[str] = ARGS):
    """The command's runner, as main() makes it (rules loaded, options checked)."""
    config = options.make_config(*options.prepare(list(args)))
    made = batch.runner_class(batch.SpeedOptions(pack_only=pack_only))(config, list(args))
    return made


def is_pack_finding(row: dict) -> bool:
    """A finding of the pack's, or a template the run could not lint at all (E0000 parse error or
    cfn-lint failure, E0001 transform error), or one of the pack's rules raising (E0002 naming it)."""
    rule = row["rule"]
    if rule in PACK_IDS or rule in ("E0000", "E0001"):
        return True
    return rule == "E0002" and any(pid in row["message"] for pid in PACK_IDS)


def sample(every: list[dict]) -> list[dict]:
    """Every `step`-th template of each (kind, format, SAM) stratum in sha1 order (at least two of
    each), and those that take the unusual paths."""
    rows = [r for r in every if not r.get("dup_of")]
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        strata[(row["kind"], row["format"], row["is_sam"])].append(row)
    chosen: dict[str, dict] = {}
    for (kind, _, _), members in sorted(strata.items()):
        members.sort(key=lambda r: r["sha1"])
        step = 15 if kind.startswith("real") else 50
        for row in members[::step] or members:
            chosen[row["local_path"]] = row
        for row in members[1:2]:
            chosen.setdefault(row["local_path"], row)
    special = {"cfn-lint": 10, "LanguageExtensions": 4, "&": 6}
    for row in sorted(rows, key=lambda r: r["sha1"]):
        text = (CORPUS / row["local_path"]).read_bytes()
        for marker, wanted in special.items():
            if wanted and marker.encode() in text and row["local_path"] not in chosen:
                if marker == "&" and row["format"] != "yaml":
                    continue
                chosen[row["local_path"]] = row
                special[marker] -= 1
    for row in every:
        if row["local_path"] in CRASHERS:
            chosen[row["local_path"]] = row
    return sorted(chosen.values(), key=lambda r: r["local_path"])


def differences(rows: list[dict]) -> tuple[list[str], int, int]:
    """(differences, templates compared, pack findings compared)."""
    full, pack = runner(False), runner(True)
    out = []
    findings = 0
    for row in rows:
        path = str(CORPUS / row["local_path"])
        expected = sorted((batch.row(m) for m in full.lint_file(path)), key=json.dumps)
        expected = [r for r in expected if is_pack_finding(r)]
        got = sorted((batch.row(m) for m in pack.lint_file(path)), key=json.dumps)
        findings += len(expected)
        if expected != got:
            missing = [r for r in expected if r not in got]
            extra = [r for r in got if r not in expected]
            out.append(f"{row['local_path']}: missing {missing[:3]} extra {extra[:3]}")
    return out, len(rows), findings


def test_pack_only_findings_equal_a_full_runs_on_a_corpus_sample():
    rows = sample(corpus_rows())
    assert len(rows) > 100
    assert {r["local_path"] for r in rows} >= set(CRASHERS)
    found, templates, findings = differences(rows)
    assert not found, "\n".join(found[:20])
    assert findings > 100  # the sample exercises the rules, not only parse errors


@pytest.mark.full_corpus
def test_pack_only_findings_equal_a_full_runs_on_the_whole_corpus():
    rows = [r for r in corpus_rows() if not r.get("dup_of")]
    found, templates, findings = differences(rows)
    print(f"\nwhole corpus: {templates} templates, {findings} pack findings, {len(found)} differences")
    assert not found, "\n".join(found[:50])


# --- the command ----------------------------------------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  cfn-lint:
    config:
      ignore_checks: [W9708]
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): return e"}
      Timeout: 60
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Queue.Arn
      FunctionName: !Ref Fn
  Quiet:
    Type: AWS::Lambda::Function
    Metadata:
      cfn-lint:
        config:
          ignore_checks: [W9501]
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): return e"}
      Events: {}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '3'
      MaxSize: '1'
      AvailabilityZones: [us-east-1a]
"""


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=cwd, timeout=600, env=env)


def in_process(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the command run in this process (no interpreter start-up)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "t.yaml").write_text(TEMPLATE)
    (root / "bad.yaml").write_text("Resources:\n  A: [\n")
    (root / "other.yaml").write_text(TEMPLATE.replace("ignore_checks: [W9708]", "ignore_checks: [W9505]"))
    (root / "plain.yaml").write_text(TEMPLATE.replace("Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [W9708]\n", ""))
    # a .cfnlintrc shared with full runs: it configures a stock rule too, and ignores one of the pack's
    (root / ".cfnlintrc").write_text("configure_rules:\n  E3012:\n    strict: false\n  W9505:\n    multiplier: 2\n"
                                     "ignore_checks:\n  - W9602\n")
    return root


def exit_code(findings: list[dict]) -> int:
    """cfn-lint's exit code for these findings: bit 2 errors, 4 warnings, 8 informational."""
    levels = {f["Level"] for f in findings}
    return (2 if "Error" in levels else 0) | (4 if "Warning" in levels else 0) | (8 if "Informational" in levels else 0)


def pack_part(findings: list[dict]) -> list:
    return sorted((f["Rule"]["Id"], f["Filename"], f["Location"]["Start"]["LineNumber"], f["Message"])
                  for f in findings if f["Rule"]["Id"] in PACK_IDS or f["Rule"]["Id"].startswith("E000"))


@pytest.mark.parametrize("extra", [[], ["-x", "W9505:multiplier=1", "--ignore-checks", "W9604", "--include-checks", "I"]],
                         ids=["plain", "options"])
def test_the_command_reports_the_pack_part_of_a_full_run(project, extra):
    """Same findings (suppressions in template and resource Metadata, .cfnlintrc, -x, --ignore-checks
    applied alike), and the exit code those findings give; a stock rule's setting in .cfnlintrc is no
    error for --pack-only."""
    files = ["t.yaml", "other.yaml", "plain.yaml", "bad.yaml"]
    full = command("--no-cache", "--format", "json", *extra, *files, cwd=project)
    jobs = ["--jobs", "2"] if extra else []  # and in worker processes
    pack = command("--no-cache", "--pack-only", "--format", "json", *jobs, *extra, *files, cwd=project)
    assert full.stderr == "" and pack.stderr == "", pack.stderr
    full_findings, pack_findings = json.loads(full.stdout), json.loads(pack.stdout)
    assert pack_part(full_findings) == pack_part(pack_findings)
    assert {f["Rule"]["Id"] for f in pack_findings} <= PACK_IDS | {"E0000"}
    assert pack.returncode == exit_code(pack_findings)
    ids = {(f["Filename"], f["Rule"]["Id"]) for f in pack_findings}
    assert ("bad.yaml", "E0000") in ids
    if extra:  # cfn-lint's --ignore-checks replaces the template's and .cfnlintrc's lists
        return
    assert ("t.yaml", "W9708") not in ids and ("other.yaml", "W9708") in ids  # template Metadata
    assert ("plain.yaml", "W9602") not in ids and ("t.yaml", "W9602") in ids  # .cfnlintrc (Metadata wins)
    assert not any(f["Rule"]["Id"] == "W9501" and "'Quiet'" in f["Message"] for f in pack_findings)  # resource



def test_every_format_names_the_same_findings(project):
    full = command("--no-cache", "--format", "json", "t.yaml", cwd=project)
    expected = [f for f in json.loads(full.stdout) if f["Rule"]["Id"] in PACK_IDS]
    assert expected
    for fmt in ("parseable", "sarif", "pretty"):
        code, out, _ = in_process(["--no-cache", "--pack-only", "--format", fmt, "t.yaml"], project)
        assert code == exit_code(expected)
        for finding in expected:
            assert finding["Rule"]["Id"] in out
        if fmt == "sarif":
            results = json.loads(out)["runs"][0]["results"]
            assert sorted(r["ruleId"] for r in results) == sorted(f["Rule"]["Id"] for f in expected)
        if fmt == "parseable":
            assert len(out.splitlines()) == len(expected)


def test_baselines_and_changed_since_work_alike(project, tmp_path):
    baseline = tmp_path / "baseline.json"
    assert in_process(["--no-cache", "--pack-only", "--write-baseline", str(baseline), "t.yaml"], project)[0] == 0
    assert baseline.exists()
    assert in_process(["--no-cache", "--pack-only", "--baseline", str(baseline), "t.yaml"], project)[:2] == (0, "")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "old.yaml").write_text(TEMPLATE)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   check=True)
    (repo / "new.yaml").write_text(TEMPLATE)
    _, out, _ = in_process(["--no-cache", "--pack-only", "--format", "parseable", "--changed-since", "HEAD",
                            "*.yaml"], repo)
    assert {line.split(":")[0] for line in out.splitlines()} == {"new.yaml"}


def test_pack_only_is_a_usage_error_for_a_bad_setting_of_the_packs_own(project):
    code, _, err = in_process(["--pack-only", "-x", "W9505:multiplier=lots", "t.yaml"], project)
    assert code == 1 and "W9505:multiplier" in err


def test_a_huge_template_says_what_it_is_doing(tmp_path, capsys, monkeypatch):
    """A template that takes long shows, on a terminal, which step and which rule it is at."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import synthetic_template

    big = tmp_path / "big.json"
    big.write_text(json.dumps(synthetic_template(400), indent=2))
    monkeypatch.setattr(progress, "wanted", lambda stream=None: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    monkeypatch.setattr(progress, "_size", lambda name: "4.6 MB")
    assert main(["--no-cache", "--pack-only", "--format", "parseable", str(big)]) == 6
    err = capsys.readouterr().err
    assert "big.json (4.6 MB): decoding" in err
    assert "building the template object" in err
    assert "rule W9501 (" in err


def test_nothing_is_shown_on_a_pipe_or_in_ci(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert progress.wanted(Terminal())
    assert not progress.wanted(sys.stdout) or sys.stdout.isatty()
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(Terminal())
    proc = command("--no-cache", "--pack-only", "--format", "parseable", "examples/all-rules.yaml", cwd=ROOT)
    assert proc.stderr == "" and proc.stdout


def test_the_fast_path_is_what_the_sample_tested():
    assert packonly.fast_path()
    made = runner(True)
    assert set(made.rules.data) == PACK_IDS
    assert made.run_template is packonly.run_template_by_file_path
