"""Where the project lives, read from one place: `[project.urls]` in pyproject.toml, as the installed
package's metadata carries it (`Project-URL`). Every address the pack prints comes from here: a rule's
`source_url` (cfn-lint's JSON `Source`, SARIF `helpUri`), the SARIF extension's `informationUri` and the
`--help` header.

The project has no public home yet, so pyproject.toml names none and the pack prints no address: a
rule's page ships inside the package (`cfn-lint-bestpractices rule W9501`), and SARIF carries the page
itself as the rule's help. RELEASING.md says what to set when the project is published.
"""

from __future__ import annotations

import functools
from importlib import metadata

from . import __version__

DISTRIBUTION = "cfn-lint-bestpractices"
# the [project.urls] labels that name the repository, in order of preference
REPOSITORY_LABELS = ("Repository", "Source", "Homepage")


@functools.lru_cache(maxsize=None)
def project_urls() -> dict[str, str]:
    """[project.urls] of the installed package (an editable install has it too); nothing when the
    package is not installed (run from a source tree), which means no links rather than wrong ones."""
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip()] = url.strip()
    return urls


def repository(urls: dict[str, str] | None = None) -> str | None:
    """The repository's address, or None while the project has none."""
    urls = project_urls() if urls is None else urls
    for label in REPOSITORY_LABELS:
        if urls.get(label):
            return urls[label].rstrip("/")
    return None


def page_url(rule_id: str, urls: dict[str, str] | None = None, version: str = __version__) -> str:
    """The address of a rule's page at this version's tag (`v0.1.0`), or "" without a repository.
    The `/blob/<ref>/` form is GitHub's (GitLab redirects it too)."""
    home = repository(urls)
    return f"{home}/blob/v{version}/rules/{rule_id}.md" if home else ""


def page_hint(rule_id: str) -> str:
    """How to read a rule's page on any machine with the pack installed."""
    return f"cfn-lint-bestpractices rule {rule_id}"
