"""The npm package integrations/cdk (the CDK validation plugin for TypeScript/JavaScript apps): its own
tests, run with node's test runner after `npm ci` (which compiles it), so that the README's one test
command covers them. Its synth tests use the pack of this checkout (this Python's bin folder) and the
tarball `npm pack` makes; they are described in integrations/cdk/test/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "integrations" / "cdk"


def _run(argv: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=PACKAGE, capture_output=True, text=True, env=env, timeout=900, check=False)


def test_npm_package_builds_and_passes_its_tests():
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "node and npm are needed for the CDK plugin's tests (integrations/cdk)"
    installed = _run([npm, "ci", "--no-audit", "--no-fund"])  # the lockfile's versions; `prepare` compiles
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert (PACKAGE / "lib" / "index.js").is_file() and (PACKAGE / "lib" / "index.d.ts").is_file()
    env = {**os.environ, "CFN_LINT_BESTPRACTICES_BIN": str(Path(sys.executable).parent)}
    tested = _run([npm, "test"], env)
    out = tested.stdout + tested.stderr
    assert tested.returncode == 0, out[-6000:]
    # every test file ran and nothing was skipped
    assert "# fail 0" in out and "# skipped 0" in out and "# todo 0" in out, out[-3000:]
    assert int(out.split("# pass ")[1].split()[0]) >= 30, out[-3000:]
