"""Writing the findings: cfn-lint's formats, with the pack named in SARIF, and (with --sarif-file)
SARIF written from the same run as the main output, so that one lint gives both."""

from __future__ import annotations

import json
from typing import Any

from cfnlint.formatters import SARIFFormatter
from cfnlint.runner.cli import get_formatter
from cfnlint.version import __version__ as CFN_LINT_VERSION

from . import __version__, construct_paths

HOME = "https://github.com/cfn-lint-bestpractices/cfn-lint-bestpractices"


def name_the_pack(sarif_text: str, matches: list | None = None) -> str:
    """cfn-lint's SARIF log, with the pack as an extension of the tool (name, version, where it lives)
    and both versions in the driver's properties (and the matches' construct paths)."""
    log = construct_paths.add_to_sarif(json.loads(sarif_text), matches or [])
    for run in log.get("runs", []):
        tool = run.setdefault("tool", {})
        extensions = tool.setdefault("extensions", [])
        if not any(e.get("name") == "cfn-lint-bestpractices" for e in extensions):
            extensions.append({"name": "cfn-lint-bestpractices", "version": __version__,
                               "semanticVersion": __version__, "informationUri": HOME})
        driver = tool.setdefault("driver", {"name": "cfn-lint"})
        driver.setdefault("version", CFN_LINT_VERSION)
        driver.setdefault("properties", {}).update({"cfn-lint-bestpractices": __version__})
    return json.dumps(log, indent=2)


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
        output = name_the_pack(output, matches)
    if output:
        _write(output, config.output_file)
    sarif_file = getattr(config, "sarif_file", None)
    if sarif_file:
        _write(name_the_pack(SARIFFormatter().print_matches(matches, rules, config=config), matches), sarif_file)
