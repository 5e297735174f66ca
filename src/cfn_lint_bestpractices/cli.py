"""`cfn-lint-bestpractices`: cfn-lint with the pack appended, one template at a time.

    cfn-lint-bestpractices [cfn-lint options] [--] templates...   lint (every cfn-lint option passes through)
    cfn-lint-bestpractices rules [--markdown]                     list the pack's rules
    cfn-lint-bestpractices rule W9501                             print a rule's page

Each template is linted on its own: when cfn-lint itself fails on one, that file gets an error finding
and every other file keeps its findings. Output formats and exit codes are cfn-lint's.
"""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path
from typing import Iterator, Sequence

from cfnlint.config import _DEFAULT_RULESDIR, ConfigFileError, ConfigMixIn
from cfnlint.rules import Match, Rules
from cfnlint.rules.errors import ConfigError, ParseError
from cfnlint.runner.cli import Runner, get_formatter
from cfnlint.runner.template.runner import run_template_by_file_path

from . import __version__
from .rules import ALL_RULES

MODULE = "cfn_lint_bestpractices.rules"
LOGGER = logging.getLogger("cfnlint")


class IsolatingRunner(Runner):
    """cfn-lint's runner, but a template on which cfn-lint raises costs only that template."""

    def _get_rules(self) -> None:
        # Keep what the user appends (command line or .cfnlintrc, whichever cfn-lint takes) and add the
        # pack once: appending it twice would be a duplicate-rule error.
        current = [r for r in self.config.append_rules if r != _DEFAULT_RULESDIR]
        if MODULE not in current:
            self.config.cli_args.append_rules = current + [MODULE]
        super()._get_rules()

    def _ignore_bad_template(self) -> bool:
        if self.config.ignore_bad_template:
            return True
        return not ParseError().is_enabled(
            include_experimental=False,
            ignore_rules=self.config.ignore_checks,
            include_rules=self.config.include_checks,
            mandatory_rules=self.config.mandatory_checks,
        )

    def lint_file(self, filename: str) -> list[Match]:
        try:
            return list(run_template_by_file_path(filename, self.config, self.rules, self._ignore_bad_template()))
        except Exception as err:  # pylint: disable=broad-except
            return [Match.create(
                filename=filename,
                rule=ParseError(),
                message=f"cfn-lint failed on this template and could not lint it ({type(err).__name__}: {err}); "
                        "the other templates were linted",
            )]

    def run(self) -> Iterator[Match]:
        if self.config.deployment_files or self.config.parameter_files or not self.config.templates:
            yield from super().run()
            return
        for filename in self.config.templates:
            yield from self.lint_file(filename)


def rules_table() -> str:
    """The README's rule table, made from the rules themselves (tests/test_docs.py keeps them equal)."""
    lines = ["| id | severity | rule | options |", "|---|---|---|---|"]
    for cls in sorted(ALL_RULES, key=lambda c: (c.id[1:], c.id)):
        rule = cls()
        options = ", ".join(f"`{name}`" for name in rule.options) or "none"
        lines.append(f"| [{rule.id}](rules/{rule.id}.md) | {rule.severity} | {rule.shortdesc} | {options} |")
    return "\n".join(lines)


def _list_rules(markdown: bool = False) -> int:
    if markdown:
        print(rules_table())
        return 0
    for cls in sorted(ALL_RULES, key=lambda c: c.id):
        rule = cls()
        print(f"{rule.id}  {rule.severity:<13} {rule.shortdesc}")
    return 0


def _page(rule_id: str) -> int:
    known = {cls.id.upper(): cls.id for cls in ALL_RULES}
    rid = known.get(rule_id.upper())
    if rid is None:
        print(f"cfn-lint-bestpractices: no rule {rule_id!r}; `cfn-lint-bestpractices rules` lists them",
              file=sys.stderr)
        return 1
    print(page_text(rid))
    return 0


def page_text(rule_id: str) -> str:
    """A rule's page: shipped in the package (cfn_lint_bestpractices.pages), or, in an editable
    install that does not map that package, read from the checkout's rules/ folder."""
    try:
        return resources.files("cfn_lint_bestpractices.pages").joinpath(f"{rule_id}.md").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parents[2] / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["rules"]:
        return _list_rules(markdown=args[1:] == ["--markdown"])
    if args[:1] == ["rule"]:
        if len(args) != 2:
            print("usage: cfn-lint-bestpractices rule RULE_ID", file=sys.stderr)
            return 1
        return _page(args[1])
    if args[:1] in (["--version"], ["-v"]):
        print(f"cfn-lint-bestpractices {__version__}")
        return 0
    try:
        config = ConfigMixIn(args)
    except ConfigFileError as err:
        if err.config is not None:
            output = get_formatter(err.config).print_matches([Match(str(err), ConfigError(), None)], Rules(),
                                                             config=err.config)
            print(output or str(err))
        else:
            print(str(err))
        return 1
    except SystemExit as exit_:  # argparse: --help, or a bad option (it has printed why)
        return int(exit_.code or 0)
    except Exception as err:  # pylint: disable=broad-except
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return 1
    try:
        IsolatingRunner(config).cli()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except ImportError as err:  # an output format whose optional dependency is missing
        print(f"cfn-lint-bestpractices: {err}; for SARIF install 'cfn-lint-bestpractices[sarif]'", file=sys.stderr)
        return 1
    except Exception as err:  # pylint: disable=broad-except
        print(f"cfn-lint-bestpractices: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


def entry() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `cfn-lint-bestpractices rule W9501 | head`
        sys.stderr.close()
        code = 0
    sys.exit(code)
