"""Lint corpus templates with the pack alone, as cfn-lint would run it, in strict mode.

Only the pack's rules run (stock rules are not ours to test), but through cfn-lint's own decoding,
template object, SAM Globals merge and match-to-line machinery, so a path that cannot be located or a
rule that raises shows up here exactly as it would for a user.
"""

from __future__ import annotations

import os
from pathlib import Path

from cfnlint.decode import decode
from cfnlint.template.template import Template

from cfn_lint_bestpractices.rules import ALL_RULES
from cfn_lint_bestpractices.rules._base import STRICT_ENV

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("CORPUS_DIR", ROOT.parent / "shared" / "corpus"))


def corpus_rows(kinds: tuple[str, ...] | None = None) -> list[dict]:
    manifest = CORPUS / "manifest.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
    return [r for r in rows if kinds is None or r["kind"] in kinds]


def lint_with_pack(path: Path, rules=None):
    """(findings, note): the pack's matches for one file; note says why nothing ran (parse error,
    cfn-lint's own failure), in which case the pack was never reached."""
    matches, note, _ = lint_template(path, rules)
    return matches, note


def lint_template(path: Path, rules=None):
    """(findings, note, cfn-lint's template object or None) for one file, as lint_with_pack."""
    os.environ[STRICT_ENV] = "1"
    rules = rules or [cls() for cls in ALL_RULES]
    template, errors = decode(str(path))
    if errors or not isinstance(template, dict):
        return [], "not parsed", None
    try:
        cfn = Template(str(path), template, ["us-east-1"])
        if cfn.transform():
            return [], "transform error", None
    except Exception as err:  # cfn-lint itself fails on some inputs; not the pack's doing
        return [], f"cfn-lint failed: {type(err).__name__}", None
    matches = []
    for rule in rules:
        matches.extend(rule.matchall(str(path), cfn))
    return matches, None, cfn
