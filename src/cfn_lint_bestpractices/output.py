"""Writing the findings: cfn-lint's formats, with the pack named in SARIF, and (with --sarif-file)
SARIF written from the same run as the main output, so that one lint gives both. Then, for the text
formats, a closing summary on stderr.

SARIF locations are relative to the repository root (`%SRCROOT%`, the git top level, or the current
directory outside git: the root baselines use too), so that code scanning finds the files whatever
directory of a monorepo the command ran in.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from cfnlint.formatters import SARIFFormatter
from cfnlint.runner.cli import get_formatter
from cfnlint.version import __version__ as CFN_LINT_VERSION

from . import __version__, construct_paths, links
from .baseline import relative_file, repository_root

SRCROOT = "%SRCROOT%"
# the formats a person reads; the others (json, sarif, junit, parseable, quiet) are for programs
TEXT_FORMATS = (None, "pretty")


def _pack_ids() -> set[str]:
    from .rules import ALL_RULES
    return {cls.id for cls in ALL_RULES}


def _location_uri(location: dict, root: str) -> None:
    """A SARIF artifactLocation made relative to the repository root (%SRCROOT%), or an absolute file
    URI (without a base) for a file outside it."""
    uri = location.get("uri")
    if not uri or uri == "-":  # standard input: no file to point at
        location.pop("uriBaseId", None)
        return
    rel = relative_file(uri, root)
    if rel.startswith("../") or os.path.isabs(rel):
        location["uri"] = Path(os.path.abspath(uri)).as_uri()
        location.pop("uriBaseId", None)
    else:
        location["uri"] = quote(rel)
        location["uriBaseId"] = SRCROOT


def name_the_pack(sarif_text: str, root: str | None = None, matches: list | None = None) -> str:
    """cfn-lint's SARIF log, with the pack as an extension of the tool (name, version, and its address
    when the project has one), both versions in the driver's properties, locations relative to the
    repository root, each pack rule's page as its help, and the matches' construct paths as logical
    locations (construct_paths.py)."""
    from .page_render import page_text

    root = root or repository_root()
    log = construct_paths.add_to_sarif(json.loads(sarif_text), matches or [])
    pack_ids = _pack_ids()
    for run in log.get("runs", []):
        tool = run.setdefault("tool", {})
        extensions = tool.setdefault("extensions", [])
        if not any(e.get("name") == "cfn-lint-bestpractices" for e in extensions):
            extension = {"name": "cfn-lint-bestpractices", "version": __version__, "semanticVersion": __version__}
            if links.repository():
                extension["informationUri"] = links.repository()
            extensions.append(extension)
        driver = tool.setdefault("driver", {"name": "cfn-lint"})
        driver.setdefault("version", CFN_LINT_VERSION)
        driver.setdefault("properties", {}).update({"cfn-lint-bestpractices": __version__})
        for rule in driver.get("rules", []):
            if rule.get("id") not in pack_ids:
                continue
            url = links.page_url(rule["id"])
            if url:
                rule["helpUri"] = url
            else:
                rule.pop("helpUri", None)
            rule["help"] = {"text": f"The rule's page: {links.page_hint(rule['id'])}",
                            "markdown": page_text(rule["id"])}
        for result in run.get("results", []):
            for location in result.get("locations", []):
                artifact = location.get("physicalLocation", {}).get("artifactLocation")
                if isinstance(artifact, dict):
                    _location_uri(artifact, root)
        run["originalUriBaseIds"] = {SRCROOT: {
            "uri": Path(root).as_uri().rstrip("/") + "/",
            "description": {"text": "The repository root: the git top level, or the directory the command ran "
                                    "in outside git"}}}
    return json.dumps(log, indent=2)


def check_destination(path: str | None, option: str) -> None:
    """Before linting: a file the run will write must be writable where it is named (an existing
    folder the process may create files in). Raises ValueError saying why not."""
    if not path:
        return
    target = Path(path)
    folder = target.absolute().parent
    if target.is_dir():
        raise ValueError(f"{option} {path}: that is a folder; name a file")
    if not folder.is_dir():
        raise ValueError(f"{option} {path}: no folder {folder} (create it first)")
    # os.access is not enough (root, ACLs, read-only or immutable places): create a file there and
    # remove it, without touching the destination itself
    probe = folder / f".{target.name}.{os.getpid()}.probe"
    try:
        probe.open("x").close()
        probe.unlink()
    except OSError as err:
        raise ValueError(f"{option} {path}: cannot write in {folder} ({err.strerror or err})") from None
    if target.exists() and not os.access(target, os.W_OK):
        raise ValueError(f"{option} {path}: the file is not writable")


def _write(text: str, path: str | None) -> None:
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text)


def emit(config: Any, rules: Any, matches: list) -> None:
    """Print (or write to --output-file) the findings in the chosen format; with --sarif-file, also
    write them as SARIF."""
    matches.sort(key=lambda x: (x.filename or "", x.linenumber, x.rule.id))
    # construct paths of CDK resources (construct_paths.py): in the text, a JSON field, a SARIF location
    output = get_formatter(config).print_matches(construct_paths.for_text(matches, config.format), rules,
                                                 config=config)
    if output and config.format == "json":
        output = construct_paths.add_to_json(output, matches)
    if output and config.format == "sarif":
        output = name_the_pack(output, matches=matches)
    if output:
        _write(output, config.output_file)
    sarif_file = getattr(config, "sarif_file", None)
    if sarif_file:
        _write(name_the_pack(SARIFFormatter().print_matches(matches, rules, config=config), matches=matches),
               sarif_file)


# --- the closing summary ---------------------------------------------------------------------------

SEVERITIES = (("error", "errors"), ("warning", "warnings"), ("informational", "informational"))


@dataclass
class Summary:
    """What the closing summary says. `cache_hits` stays None until the run has a cache (then the
    number of templates whose findings came from it, and the summary says so)."""

    started: float = field(default_factory=time.monotonic)
    templates: int = 0
    hidden_by_baseline: int = 0
    cache_hits: int | None = None

    def text(self, matches: list, now: float | None = None) -> list[str]:
        severities = Counter(str(getattr(m.rule, "severity", "")).lower() for m in matches)
        fixable = sum(1 for m in matches if _has_fix(m))
        elapsed = (time.monotonic() if now is None else now) - self.started
        templates = f"{self.templates} template{'s' if self.templates != 1 else ''}"
        found = ", ".join(f"{severities[key]} {plural if severities[key] != 1 else key}"
                          for key, plural in SEVERITIES if severities[key])
        line = f"Linted {templates} in {elapsed:.1f} s: {found or 'no findings'}"
        if fixable:
            line += f"; {fixable} with an automatic fix (`cfn-lint-bestpractices fix`)"
        if self.hidden_by_baseline:
            line += f"; {self.hidden_by_baseline} more hidden by the baseline"
        if self.cache_hits is not None:
            line += f"; {self.cache_hits} template{'s' if self.cache_hits != 1 else ''} from the cache"
        lines = [line + "."]
        pack_ids = _pack_ids()
        ours = Counter(str(m.rule.id) for m in matches if str(m.rule.id) in pack_ids)
        if ours:
            rule_id = sorted(ours.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            lines.append(f"Read a rule's page: {links.page_hint(rule_id)}")
        return lines


def _has_fix(match: Any) -> bool:
    """Whether the finding's rule offers an automatic fix (a worker's match says so as `fixable`)."""
    if hasattr(match, "fixable"):
        return bool(match.fixable)
    from .fixes.edits import Fix
    return isinstance(getattr(match, "fix", None), Fix)


def print_summary(config: Any, summary: Summary, matches: list, err: IO[str] | None = None) -> None:
    """The closing summary on stderr, for the text formats only: stdout keeps only the findings."""
    if config.format not in TEXT_FORMATS:
        return
    sys.stdout.flush()
    for line in summary.text(matches):
        print(line, file=err or sys.stderr)
