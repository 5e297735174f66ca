"""The scenario oracle (tests/oracle.py) over every fixture and every corpus template (`real`,
`real-rendered`) that has conditions or parameters to choose: 0 mismatches.

A mismatch is a bug in the model or a rule: fix that, never the oracle or the template."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import oracle
from corpus import CORPUS, corpus_rows
from helpers import FIXTURES, fixture_config

FIXTURE_TEMPLATES = sorted(p for p in FIXTURES.glob("*/*")
                           if p.suffix in (".yaml", ".yml", ".json") and p.parent.name != "snapshots")


def _varies(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return bool(re.search(r"Conditions|AllowedValues", text))


def _corpus_templates() -> list[Path]:
    rows = corpus_rows(("real", "real-rendered"))
    paths = [CORPUS / r["local_path"] for r in rows if r.get("parse_ok") in ("True", "true", "1") and not r.get("dup_of")]
    return [p for p in paths if p.exists() and _varies(p)]


CORPUS_TEMPLATES = _corpus_templates()


def _assert_matches(path: Path, result: oracle.Result) -> None:
    assert not result.broken, f"{path}: {result.broken}"
    assert not result.mismatches, f"{path}:\n" + "\n".join(result.mismatches)


@pytest.mark.parametrize("path", [p for p in FIXTURE_TEMPLATES if _varies(p)],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_are_the_union_of_its_scenarios(path):
    config = fixture_config().get(f"{path.parent.name}/{path.name}")
    result = oracle.check(path, config)
    assert not result.too_many, f"{path} has more than {oracle.MAX_SCENARIOS} scenarios: make it smaller"
    _assert_matches(path, result)


RESULTS: dict[str, oracle.Result] = {}


@pytest.mark.parametrize("path", CORPUS_TEMPLATES, ids=lambda p: str(p.relative_to(CORPUS / "templates")))
def test_corpus_findings_are_the_union_of_its_scenarios(path):
    result = RESULTS[str(path)] = oracle.check(path)
    _assert_matches(path, result)


def test_the_corpus_is_judged():
    """Past MAX_SCENARIOS a template is judged at its parameters' Defaults only (`partial`: the
    warnings), and past that not at all: both must stay a small part of the corpus (about 1 in 6 is
    partial today: templates with many independent switches, none unjudged), and most templates must
    have several scenarios (an oracle that found none would pass everything)."""
    results = [RESULTS.get(str(p)) or oracle.check(p) for p in CORPUS_TEMPLATES]
    assert len(results) >= 150
    too_many = [r.template for r in results if r.too_many]
    partial = [r.template for r in results if r.partial]
    judged = [r for r in results if r.scenarios > 1]
    assert len(too_many) <= 0.05 * len(results), json.dumps(too_many, indent=1)
    assert len(partial) <= 0.25 * len(results), json.dumps(partial, indent=1)
    assert len(judged) >= 0.6 * len(results)
    assert sum(r.scenarios for r in judged) >= 1500
