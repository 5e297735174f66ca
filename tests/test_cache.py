"""The result cache (cache.py, batch.py): a hit gives the findings a lint would give, whatever changed
in between (the template, a template it depends on, a rule option, .cfnlintrc, the versions, the mode),
a broken entry is a miss, writes are atomic under --jobs and concurrent runs, and the folder is bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cfn_lint_bestpractices import batch, cache, cli
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
EXAMPLE = (ROOT / "examples" / "all-rules.yaml").read_text()

SMALL = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 120
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): return e"}
      Timeout: 60
      ReservedConcurrentExecutions: 10
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Queue.Arn
      FunctionName: !Ref Fn
"""


@pytest.fixture(autouse=True)
def cache_on(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(SMALL)
    (tmp_path / "all.yaml").write_text(EXAMPLE)


def lint(*args: str, cache_dir="store", pack_only=True, no_cache=False, jobs=1):
    """(rows, the run's cache) of the command's runner over `args`, as main() runs it."""
    speed = batch.SpeedOptions(pack_only=pack_only, cache_dir=str(cache_dir), no_cache=no_cache)
    config, code = cli.make_pack_config(list(args))
    assert config is not None, code
    runner = batch.runner_class(speed)(config, list(args), jobs)
    runner.speed = speed
    rows = [batch.row(m) for m in runner.run()]
    return rows, runner.result_cache


def fresh(*args: str, pack_only=True):
    return lint(*args, pack_only=pack_only, no_cache=True)[0]


@pytest.mark.parametrize("pack_only", [True, False], ids=["pack-only", "full"])
def test_a_rerun_is_served_from_the_cache_with_the_findings_of_a_lint(pack_only):
    files = ("t.yaml", "all.yaml") if pack_only else ("t.yaml",)  # the full run of the example is slow
    first, store = lint(*files, pack_only=pack_only)
    assert (store.hits, store.misses, store.writes) == (0, len(files), len(files))
    second, store = lint(*files, pack_only=pack_only)
    assert (store.hits, store.misses, store.writes) == (len(files), 0, 0)
    assert first == second == fresh(*files, pack_only=pack_only)
    assert any(r["rule"].startswith("W95") for r in second)


def test_pack_only_and_full_runs_have_entries_of_their_own():
    Path("t.yaml").write_text(SMALL.replace("VisibilityTimeout: 120", "VisibilityTimeout: 30"))
    full, _ = lint("t.yaml", pack_only=False)
    assert "E3505" in {r["rule"] for r in full}  # cfn-lint's own finding, cached too
    pack, store = lint("t.yaml")
    assert store.misses == 1
    assert pack == fresh("t.yaml") and "E3505" not in {r["rule"] for r in pack}
    again, store = lint("t.yaml", pack_only=False)
    assert store.hits == 1 and again == full == fresh("t.yaml", pack_only=False)


def test_a_changed_template_is_linted_again():
    before, _ = lint("t.yaml")
    assert "W9501" not in {r["rule"] for r in before}
    uncapped = SMALL.replace("      ReservedConcurrentExecutions: 10\n", "")
    Path("t.yaml").write_text(uncapped)
    rows, store = lint("t.yaml")
    assert store.misses == 1 and rows == fresh("t.yaml")
    assert "W9501" in {r["rule"] for r in rows}
    # the template's own Metadata configuration is part of its bytes
    Path("t.yaml").write_text("Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [W9501]\n" + uncapped)
    rows, store = lint("t.yaml")
    assert store.misses == 1 and "W9501" not in {r["rule"] for r in rows}


def test_a_rule_option_or_a_selection_changes_the_key():
    plain, _ = lint("t.yaml")
    assert "W9505" in {r["rule"] for r in plain}  # 120 s < 6 x 60 s
    relaxed, store = lint("-x", "W9505:multiplier=2", "t.yaml")
    assert store.misses == 1 and "W9505" not in {r["rule"] for r in relaxed}
    assert relaxed == fresh("-x", "W9505:multiplier=2", "t.yaml")
    ignored, store = lint("--ignore-checks", "W9505", "t.yaml")
    assert store.misses == 1 and "W9505" not in {r["rule"] for r in ignored}
    regions, store = lint("--regions", "eu-west-1", "t.yaml")
    assert store.misses == 1
    back, store = lint("t.yaml")
    assert store.hits == 1 and back == plain


def test_cfnlintrc_changes_the_key():
    plain, _ = lint("t.yaml")
    Path(".cfnlintrc").write_text("configure_rules:\n  W9505:\n    multiplier: 2\n")
    rows, store = lint("t.yaml")
    assert store.misses == 1 and "W9505" not in {r["rule"] for r in rows}
    Path(".cfnlintrc").write_text("include_checks: [I]\n")
    rows, store = lint("t.yaml")
    assert store.misses == 1 and rows == fresh("t.yaml")


def test_the_versions_change_the_key(monkeypatch):
    lint("t.yaml")
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    _, store = lint("t.yaml")
    assert store.misses == 1
    import cfnlint.version

    real = cfnlint.version.__version__
    monkeypatch.setattr(cfnlint.version, "__version__", "1.99.0")
    _, store = lint("t.yaml")
    assert store.misses == 1
    monkeypatch.setattr(cfnlint.version, "__version__", real)
    monkeypatch.setattr(cache, "__version__", cli.__version__)
    _, store = lint("t.yaml")
    assert store.hits == 1


def test_a_dependency_template_changes_the_key(monkeypatch):
    Path("child.yaml").write_text("Resources: {}\n")
    # what the run's application says a template depends on (batch._dependencies; test_applications.py runs the real one)
    monkeypatch.setattr(batch, "_dependencies", lambda filename: ["child.yaml"] if filename == "t.yaml" else [])
    lint("t.yaml", "all.yaml")
    Path("child.yaml").write_text("Resources:\n  Q: {Type: AWS::SQS::Queue}\n")
    _, store = lint("t.yaml", "all.yaml")
    assert (store.hits, store.misses) == (1, 1)  # all.yaml does not depend on it
    Path("child.yaml").unlink()
    _, store = lint("t.yaml", "all.yaml")
    assert (store.hits, store.misses) == (1, 1)


def entries(directory="store") -> list[Path]:
    return sorted(Path(directory).rglob("*.json"))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "checksum", "key", "shape", "empty"])
def test_a_broken_entry_is_a_miss(damage):
    expected, _ = lint("all.yaml")
    (entry,) = entries()
    text = entry.read_text()
    data = json.loads(text)
    if damage == "truncated":
        entry.write_text(text[: len(text) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(64))
    elif damage == "checksum":
        data["body"]["rows"] = data["body"]["rows"][1:]
        entry.write_text(json.dumps(data))
    elif damage == "key":
        data["key"] = "0" * 64
        entry.write_text(json.dumps(data))
    elif damage == "shape":
        data["body"] = {"rows": "x", "used_rules": []}
        data["checksum"] = cache.digest(data["body"])
        entry.write_text(json.dumps(data))
    else:
        entry.write_text("")
    rows, store = lint("all.yaml")
    assert store.misses == 1 and rows == expected
    rows, store = lint("all.yaml")  # rewritten whole
    assert store.hits == 1 and rows == expected


def test_no_cache_reads_and_writes_nothing(monkeypatch):
    lint("t.yaml", no_cache=True)
    assert not Path("store").exists()
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    rows, store = lint("t.yaml")
    assert store is None and not Path("store").exists()


def test_the_default_folder_is_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache.default_directory() == tmp_path / "xdg" / "cfn-lint-bestpractices"
    assert cli.main(["--pack-only", "--format", "parseable", "t.yaml"]) == 4
    assert cli.main(["--pack-only", "--format", "parseable", "t.yaml"]) == 4
    assert len(list(cache.default_directory().rglob("*.json"))) == 1


def test_an_unwritable_folder_only_turns_the_cache_off(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rows, store = lint("t.yaml", cache_dir=blocker / "sub")
    assert rows == fresh("t.yaml") and store.writes == 0 and not store.usable


def test_the_folder_stays_within_its_bounds(tmp_path):
    store = cache.ResultCache(tmp_path / "c", "config")
    keys = []
    for number in range(6):
        key = cache.digest(number)
        store.put(key, [{"n": number}], [])
        os.utime(store._path(key), (1000 + number, 1000 + number))
        keys.append(key)
    stale = store.directory / keys[0][:2] / ".x.tmp"
    stale.write_text("{")
    os.utime(stale, (1, 1))
    assert store.get(keys[1]) is not None  # a hit makes it the most recently used
    assert store.evict(max_entries=3) == 4  # three entries and the stale temporary file
    assert [k for k in keys if store._path(k).exists()] == [keys[1], keys[4], keys[5]]
    size = store._path(keys[5]).stat().st_size
    store.evict(max_entries=100, max_bytes=2 * size)
    assert [k for k in keys if store._path(k).exists()] == [keys[1], keys[5]]


def test_jobs_write_every_entry_once_and_read_them_back():
    for number in range(4):
        Path(f"n{number}.yaml").write_text(SMALL.replace("120", str(100 + number)))
    files = ["all.yaml", "t.yaml"] + [f"n{n}.yaml" for n in range(4)]
    rows, store = lint(*files, jobs=2)
    assert store.writes == 6 and len(entries()) == 6
    again, store = lint(*files, jobs=2)
    assert store.hits == 6 and again == rows == fresh(*files)


def test_concurrent_runs_never_leave_a_broken_entry():
    files = ["all.yaml", "t.yaml"]
    env = dict(os.environ)
    procs = [subprocess.Popen([str(COMMAND), "--pack-only", "--cache-dir", "store", "--jobs", "2", "--format", "json",
                               *files],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert outputs[0][0] == outputs[1][0] and not outputs[0][1]
    store = cache.ResultCache("store", "unused")
    for entry in entries():
        data = json.loads(entry.read_text())
        assert data["checksum"] == cache.digest(data["body"]) and data["key"] == entry.stem
    assert not list(Path("store").rglob("*.tmp"))
    assert store is not None


def test_a_cached_run_prints_what_a_lint_prints(capsys):
    outputs = []
    for _ in range(2):
        assert cli.main(["--pack-only", "--cache-dir", "store", "--format", "pretty", "t.yaml", "all.yaml"]) == 6
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert cli.main(["--pack-only", "--no-cache", "--format", "pretty", "t.yaml", "all.yaml"]) == 6
    assert capsys.readouterr().out == outputs[0]
    assert "rules" in outputs[0]  # the summary counts the rules that ran, from the cache too
