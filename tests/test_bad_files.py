"""Bad files through the command: each gets a clear message (or its findings), the other files in the
same run keep theirs, and the exit code says what happened. Never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
GOOD_NEIGHBOUR = ROOT / "examples" / "all-rules.yaml"


def big_template(resources: int, padding: int = 0) -> str:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for i in range(resources):
        lines += [f"  Bucket{i}:", "    Type: AWS::S3::Bucket"]
        if padding:
            lines += ["    Metadata:", f"      Note: '{'x' * padding}'"]
    return "\n".join(lines) + "\n"


BAD = {
    "empty.yaml": b"",
    "invalid.yaml": b"Resources:\n  A: [unclosed\n",
    "list.yaml": b"- just\n- a list\n",
    "scalar.yaml": b"hello\n",
    "binary.yaml": bytes(range(256)) * 8,
    "huge.yaml": big_template(300, padding=4000).encode(),  # over 1 MB
    "many.yaml": big_template(500).encode(),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_beside_a_good_one(tmp_path, name):
    bad = tmp_path / name
    bad.write_bytes(BAD[name])
    proc = subprocess.run([str(COMMAND), "--format", "json", "--", str(bad), str(GOOD_NEIGHBOUR)],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)
    mine = [f for f in findings if f["Filename"] == str(bad)]
    neighbour = {f["Rule"]["Id"] for f in findings if f["Filename"] == str(GOOD_NEIGHBOUR)}
    assert {"W9501", "E9502", "W9510", "E9601", "W9701", "W9801"} <= neighbour
    assert proc.returncode & 2  # errors (the neighbour has some)
    if name in ("huge.yaml", "many.yaml"):
        assert sum(f["Rule"]["Id"] == "W9801" for f in mine) == (300 if name == "huge.yaml" else 500)
    else:
        assert mine, "the bad file must be named in a finding"
        # a parse error (E0000), or for an empty file the missing Resources section (E1001)
        assert all(f["Rule"]["Id"].startswith(("E0", "E1001")) for f in mine)
        assert all(f["Message"] for f in mine)


def test_unreadable_file(tmp_path):
    locked = tmp_path / "locked.yaml"
    locked.write_text("Resources: {}\n")
    locked.chmod(0)
    proc = subprocess.run([str(COMMAND), "--format", "json", "--", str(locked), str(GOOD_NEIGHBOUR)],
                          capture_output=True, text=True, timeout=600)
    locked.chmod(0o600)
    assert "Traceback" not in proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)
    assert any(f["Filename"] == str(GOOD_NEIGHBOUR) for f in findings)
    if any(f["Filename"] == str(locked) for f in findings):  # as root the file is readable after all
        assert all(f["Rule"]["Id"].startswith("E0") for f in findings if f["Filename"] == str(locked))
