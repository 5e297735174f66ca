"""Where the project says it lives: one place (`[project.urls]` in pyproject.toml, read from the installed
metadata by links.py), and no address anywhere else; the Python versions and the version number."""

from __future__ import annotations

import json
import re
from importlib import metadata

import pytest
from cfnlint.formatters import SARIFFormatter

from cfn_lint_bestpractices import __version__, links, options, output
from cfn_lint_bestpractices.page_render import page_text
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import FIXTURES, ROOT, _rules, lint

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
# the project's own address, in any form but the README's marked placeholders
OWN_ADDRESS = re.compile(r"https?://(?![^\s\"')]*(your-org|<owner>|<host>))[^\s\"')]*cfn-lint-bestpractices")


def _pyproject_urls() -> dict[str, str]:
    table = re.search(r"^\[project\.urls\]\n(.*?)(?=^\[|\Z)", PYPROJECT, re.M | re.S)
    if not table:
        return {}
    return dict(re.findall(r'^"?([\w .-]+?)"?\s*=\s*"([^"]+)"', table.group(1), re.M))


def test_the_installed_metadata_carries_pyprojects_urls():
    """links.py reads [project.urls] from the installed metadata: the same table (reinstall after
    changing it: `pip install -e .`)."""
    assert links.project_urls() == _pyproject_urls()


def test_no_other_file_names_an_address_of_the_project():
    files = [ROOT / "README.md", ROOT / "RELEASING.md", ROOT / "action.yml", ROOT / ".pre-commit-hooks.yaml",
             ROOT / "CHANGELOG.md", *sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "rules").glob("*.md"))]
    found = [(f.relative_to(ROOT), m.group(0)) for f in files for m in OWN_ADDRESS.finditer(f.read_text("utf-8"))]
    assert found == []


def _sarif(rule_id: str) -> dict:
    matches = [m for m in lint(FIXTURES / rule_id / "bad.yaml") if m.rule.id == rule_id]
    assert matches
    config = type("Config", (), {"format": "sarif"})()
    text = SARIFFormatter().print_matches(matches, _rules_for_sarif(), config=config)
    return json.loads(output.name_the_pack(text, root=str(ROOT)))


def _rules_for_sarif():
    from cfnlint.config import ConfigMixIn
    return _rules(ConfigMixIn(["--append-rules", "cfn_lint_bestpractices.rules", "--", "x.yaml"]))


@pytest.fixture()
def published(monkeypatch):
    """The project as it will be once published: an address in [project.urls]."""
    monkeypatch.setattr(links, "project_urls", lambda: {"Repository": "https://git.example.org/team/cfn-lint-bestpractices"})
    return "https://git.example.org/team/cfn-lint-bestpractices"


def test_every_link_comes_from_project_urls(published):
    page = f"{published}/blob/v{__version__}/rules/W9801.md"
    assert {cls.id: cls().source_url for cls in ALL_RULES}["W9801"] == page
    assert all(cls().source_url == links.page_url(cls.id) for cls in ALL_RULES)
    run = _sarif("W9801")["runs"][0]
    (rule,) = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "W9801"]
    assert rule["helpUri"] == page
    assert run["tool"]["extensions"][0]["informationUri"] == published
    assert options.help_text().splitlines()[0].endswith(f"({published})")


def test_without_an_address_the_pages_travel_with_the_findings(monkeypatch):
    monkeypatch.setattr(links, "project_urls", lambda: {})
    assert {cls().source_url for cls in ALL_RULES} == {""}
    run = _sarif("W9801")["runs"][0]
    (rule,) = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "W9801"]
    assert "helpUri" not in rule and "informationUri" not in run["tool"]["extensions"][0]
    assert rule["help"] == {"text": "The rule's page: cfn-lint-bestpractices rule W9801", "markdown": page_text("W9801")}
    assert "(" not in options.help_text().splitlines()[0]


def test_python_and_version():
    """cfn-lint 1.54+ needs Python 3.10; the version is written in two places and they agree."""
    assert re.search(r'^requires-python = ">=3\.10"$', PYPROJECT, re.M)
    assert ">=3.10" in metadata.metadata("cfn-lint")["Requires-Python"]
    assert re.search(rf'^version = "{re.escape(__version__)}"$', PYPROJECT, re.M)
