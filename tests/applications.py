"""The application fixtures (fixtures/applications/<app>/) and how the tests lint them.

Each app folder holds templates (a CDK cloud assembly, a nested-stack family, or independent stacks
that export and import values) and `expect.json`:

- `inputs`: what the pack's command is given, relative to the folder (a cloud assembly folder, the root
  templates of a family, every template of independent stacks);
- `plain`: whether plain cfn-lint, one template at a time, finds the application from the template's
  location (cloud assemblies and nested-stack families do; independent stacks do not) and so reports
  the same pack findings for each template;
- `planted`: [rule, file, logical id] of the cross-stack problems the pack must report;
- `silent`: [rule, file, logical id] of the correct cross-stack relations it must not report.

`command_findings(app)` and `plain_findings(app, file)` give the pack's findings as plain rows, so that
other tests (a scenario oracle over applications, for one) can feed on the same fixtures.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from helpers import FIXTURES, PACK_IDS, command_here

APPS = FIXTURES / "applications"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def apps() -> list[str]:
    return sorted(p.name for p in APPS.iterdir() if (p / "expect.json").is_file())


def expectations(app: str) -> dict:
    return json.loads((APPS / app / "expect.json").read_text(encoding="utf-8"))


def templates(app: str) -> list[str]:
    """Every template of the app, relative to its folder (manifests and expectations left out)."""
    root = APPS / app
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.suffix in TEMPLATE_SUFFIXES and path.is_file() and path.name not in ("manifest.json", "expect.json") \
                and not rel.startswith("snapshots/"):
            out.append(rel)
    return out


@contextlib.contextmanager
def inside(folder: Path):
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_command(args: list[str], folder: Path) -> tuple[int, str, str]:
    """The pack's command in this process, in `folder`: (exit code, stdout, stderr)."""
    proc = command_here(folder, args)
    return proc.returncode, proc.stdout, proc.stderr


def command_findings(app: str, extra: list[str] | None = None) -> list[dict]:
    """The pack's findings of the command run over the app's inputs (JSON output), as rows."""
    return folder_findings(APPS / app, expectations(app)["inputs"], extra)


def folder_findings(folder: Path, inputs: list[str], extra: list[str] | None = None) -> list[dict]:
    """The pack's findings of the command run in `folder` over `inputs` (JSON output), as rows."""
    code, out, err = run_command(["--format", "json", "--include-checks", "I", *(extra or []), "--", *inputs],
                                 folder)
    assert code in (0, 2, 4, 6, 8, 10, 12, 14), err
    rows = []
    for item in json.loads(out or "[]"):
        rule = item["Rule"]["Id"]
        if rule not in PACK_IDS and rule != "E0002":
            continue
        path = item["Location"]["Path"] or []
        rows.append({"rule": rule, "file": Path(item["Filename"]).as_posix(),
                     "resource": path[1] if len(path) > 1 and path[0] == "Resources" else None,
                     "line": item["Location"]["Start"]["LineNumber"],
                     "construct": item.get("ConstructPath"), "message": item["Message"]})
    rows.sort(key=lambda r: (r["file"], r["line"], r["rule"], r["message"]))
    return rows


def plain_findings(app: str, file: str) -> list[dict]:
    """The pack's findings of plain cfn-lint on one template of the app, found from its location: the
    template decoded and built as cfn-lint does, the pack's rules run on it (stock cfn-lint's own rules,
    most of a run's time, cannot change the pack's findings), and resource Metadata suppressions applied
    as cfn-lint applies them."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.template.runner import _check_metadata_directives

    from cfn_lint_bestpractices.model import locate
    from corpus import lint_template

    locate.clear()
    with inside(APPS / app):
        matches, note, cfn = lint_template(Path(file))
        assert note is None, f"{file}: {note}"
        matches = list(_check_metadata_directives(iter(matches), cfn, ConfigMixIn([])))
    rows = []
    for m in matches:
        path = getattr(m, "path", None) or []
        rows.append({"rule": m.rule.id, "file": Path(file).as_posix(),
                     "resource": str(path[1]) if len(path) > 1 and path[0] == "Resources" else None,
                     "line": m.linenumber, "message": m.message})
    rows.sort(key=lambda r: (r["file"], r["line"], r["rule"], r["message"]))
    return rows
