"""What every rule of the pack shares: its page, its configuration, and a guard against crashes."""

from __future__ import annotations

import logging
import os
import re
from typing import Any, Iterable

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from .. import links
from ..model import TemplateModel, get_model

# Tests set this so that a bug in a rule fails loudly instead of being logged.
STRICT_ENV = "CFN_LINT_BESTPRACTICES_STRICT"

LOGGER = logging.getLogger("cfnlint")

Finding = tuple  # (path: tuple, message: str) or (path, message, Fix | NoFix)

# Every warning and informational rule takes this option (see the README's "Parameters" section).
EVERY_ALLOWED_VALUE = {
    "default": False, "type": "boolean",
    "description": ("Judge every allowed value of a parameter, not only its Default (errors always do)"),
}

# A condition whose name says it is the opposite of production: IsNonProd, NotProduction, IsNotProd.
_NEGATED = re.compile(r"(?i)(non|not)[-_]?prod")

# Condition names that mean a test: a word Test/TEST/E2E in CamelCase (CreateTestResources, IsTest,
# DeployIntegrationTests, EnableE2E), or test/e2e at the start or after a separator (test_stack); not
# Latest or Attestation, whose 'test' is inside a word.
TEST_CONDITIONS = r"(?:.*[^A-Za-z])?(?:[Tt]est|TEST|[Ee]2[Ee]).*|.*(?:Test|TEST|E2E).*"
# ...and one whose name says the opposite: SkipTests, NoE2E, IsNotTest, DisableTests.
# The negating word starts a word of its own (CasinoTest is not one).
_NEGATED_TEST = re.compile(r"(?:^|(?<=[^A-Za-z])|(?=[A-Z]))(?i:not?|skip|disable|without|exclude)[-_]?"
                           r"(?i:integration[-_]?)?(?i:test|e2e)")

TEST_CONDITIONS_OPTION = {
    "default": TEST_CONDITIONS, "type": "string", "format": "regex",
    "description": ("Regular expression for condition names that mean a test (CreateTestResources, IsTest, "
                    "EnableE2E): what exists only when such a condition is true is not reported; an empty "
                    "value reports test resources too"),
}


class BestPracticeRule(CloudFormationLintRule):
    """Base class: subclasses set id, shortdesc, description, tags and `options`, and implement
    `findings(model)` yielding (path, message), or (path, message, fix) where fix is a
    `fixes.Fix` (the edit that resolves this finding) or a `fixes.NoFix` (why there is none).
    The fix travels on cfn-lint's match as `match.fix`, for `cfn-lint-bestpractices fix`."""

    # whether findings carry a fix: "" (none), "safe", "unsafe" (it replaces a resource or changes
    # what the stack does) or "sometimes unsafe"; the page says the same on its "**Automatic fix:**" line
    fixable: str = ""

    # name -> {"default": ..., "type": "integer"|"string"|"boolean"|"list", "itemtype": ..., "description": ...}
    options: dict[str, dict[str, Any]] = {}

    # Whether the rule judges a condition that compares a parameter at the parameter's Default, like a
    # `Ref` to it, instead of in both branches: for practices about opt-in exposure (a bucket made public
    # only when a deployer sets MakePublic=true is the deployer's choice). Errors, and the option
    # every_allowed_value, judge every branch.
    conditions_at_defaults: bool = False

    @property
    def source_url(self) -> str:  # type: ignore[override]
        """The rule's page, from the one place the project's address is kept (links.py); "" while the
        project has no public home (the page ships in the package: `cfn-lint-bestpractices rule ID`)."""
        return links.page_url(self.id)

    def __init__(self) -> None:
        super().__init__()
        self.config_definition = {k: dict(v) for k, v in self.options.items()}
        if self.id[:1] in ("W", "I"):
            self.config_definition.setdefault("every_allowed_value", dict(EVERY_ALLOWED_VALUE))
        self.configure()

    def judges_every_value(self) -> bool:
        """The judgement policy: an error holds for every value a deployer may choose (each allowed
        value of a parameter), a warning for the template as written (a parameter at its Default);
        a team can ask a warning rule to judge every allowed value too."""
        return self.id[:1] == "E" or bool(self.config.get("every_allowed_value"))

    def findings(self, model: TemplateModel) -> Iterable[Finding]:
        raise NotImplementedError

    def match(self, cfn: Any) -> list[RuleMatch]:
        try:
            model = get_model(cfn)
            model.every_value = self.judges_every_value()
            model.conditions_at_defaults = self.conditions_at_defaults
            matches = []
            for found in self.findings(model):
                path, message = found[0], found[1]
                fix = found[2] if len(found) > 2 else None
                matches.append(RuleMatch(list(path), message, fix=fix) if fix is not None
                               else RuleMatch(list(path), message))
            return matches
        except Exception as err:  # pylint: disable=broad-except
            # A raising rule would turn into E0002 and fail the user's whole run; a rule pack must
            # never be the reason a run fails for the wrong reason. Tests run strict and see it.
            if os.environ.get(STRICT_ENV):
                raise
            LOGGER.warning("cfn-lint-bestpractices: rule %s skipped %s: %r", self.id,
                           getattr(cfn, "filename", None) or "template", err)
            return []


class TestResourcesAware:
    """A rule that leaves out what exists only for tests: resources (and `Fn::If` branches) that exist
    only when a condition named like a test is true (option `test_conditions`)."""

    def test_only(self, model: TemplateModel, scenario) -> bool:
        """Whether the scenario makes a test condition true (`CreateTestResources`, also through `Not`
        and `And` as the solver derives it), or makes false one whose name says the opposite
        (`SkipTests`)."""
        pattern = self.config.get("test_conditions") or ""  # type: ignore[attr-defined]
        if not pattern:
            return False
        names = model.scenarios.names | {n for n, _ in scenario.conditions}
        for name in sorted(names):
            if not re.fullmatch(pattern, name):
                continue
            if _NEGATED_TEST.search(name):
                if model.scenarios.implies_false(scenario.conditions, scenario.params, name):
                    return True
            elif model.scenarios.implies_true(scenario.conditions, scenario.params, name):
                return True
        return False


class EnvironmentDependentRule(TestResourcesAware, BestPracticeRule):
    """A practice that production needs and a test stack may skip on purpose (Multi-AZ, point-in-time
    recovery). Besides cfn-lint's own suppressions, two options switch it off for parts of a template:
    resources by logical id, and the branches of conditions that mark a non-production environment."""

    options = {
        "exempt_resources": {
            "default": [], "type": "list", "itemtype": "string", "format": "regex",
            "description": "Regular expressions; resources whose logical id matches one are not checked",
        },
        "production_conditions": {
            "default": "(?i).*prod.*", "type": "string", "format": "regex",
            "description": ("Regular expression for condition names that mean 'production': a value chosen when "
                            "such a condition is false (a test or dev stack) is not reported"),
        },
        "test_conditions": TEST_CONDITIONS_OPTION,
    }

    def exempt(self, logical_id: str) -> bool:
        return any(re.fullmatch(p, logical_id) for p in self.config.get("exempt_resources") or [])

    def non_production(self, model: TemplateModel, scenario) -> bool:
        """Whether the scenario is a non-production one: it rules out a condition whose name means
        production (`IsProd` false, or `IsNotProd` true, which the solver knows is `!Not IsProd`), or
        it makes a condition whose name means the opposite (`IsNonProd`, `IsNotProd`) true, or it
        exists only for tests (`test_only`)."""
        if self.test_only(model, scenario):
            return True
        pattern = self.config.get("production_conditions") or ""
        if not pattern:
            return False
        names = model.scenarios.names | {n for n, _ in scenario.conditions}
        for name in names:
            if not re.fullmatch(pattern, name):
                continue
            if _NEGATED.search(name):
                if model.scenarios.implies_true(scenario.conditions, scenario.params, name):
                    return True
            elif model.scenarios.implies_false(scenario.conditions, scenario.params, name):
                return True
        return False
