"""What every rule of the pack shares: its page, its configuration, and a guard against crashes."""

from __future__ import annotations

import logging
import os
import re
from typing import Any, Iterable

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from .. import links
from ..model import TemplateModel, get_models
from ..model.report import exempted, keep_finding

# Tests set this so that a bug in a rule fails loudly instead of being logged.
STRICT_ENV = "CFN_LINT_BESTPRACTICES_STRICT"

LOGGER = logging.getLogger("cfnlint")

Finding = tuple  # (path: tuple, message: str) or (path, message, Fix | NoFix)

# Every warning and informational rule takes this option (see the README's "Parameters" section).
EVERY_ALLOWED_VALUE = {
    "default": False, "type": "boolean",
    "description": ("Judge every allowed value of a parameter, not only its Default (errors always do)"),
}

# The rules that relate resources to each other (see `BestPracticeRule.across_stacks`). The others judge
# one resource at a time, or add up a template on purpose (E9502: "in this template").
ACROSS_STACKS = frozenset({
    # compute
    "W9501", "E9503", "E9504", "W9505", "E9506", "W9507", "W9508", "E9509", "W9510", "W9511", "W9512",
    "W9513", "E9514", "W9515", "I9517", "E9518", "E9519", "W9520",
    # messaging
    "E9601", "W9602", "W9603", "W9604", "E9605", "E9606", "E9607", "E9608", "E9610", "W9611", "E9612",
    "W9613", "E9614", "W9615", "E9616",
    # networking
    "W9701", "W9702", "E9703", "W9704", "W9705", "W9706", "E9707", "W9708", "W9709", "I9710", "E9711",
    "E9712", "E9713", "E9714", "E9715", "E9717", "W9718", "W9720", "W9721", "W9723", "W9724", "W9725",
    "W9726", "E9728", "W9731", "I9723",
    # storage
    "W9801", "E9803", "W9807", "W9811", "W9814", "W9815", "W9816", "W9818", "W9819",
})

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

    # the model `findings` is reading (set by `match`), for the options that exempt resources
    model: TemplateModel | None = None

    # whether findings carry a fix: "" (none), "safe", "unsafe" (it replaces a resource or changes
    # what the stack does) or "sometimes unsafe"; the page says the same on its "**Automatic fix:**" line
    fixable: str = ""

    # name -> {"default": ..., "type": "integer"|"string"|"boolean"|"list", "itemtype": ..., "description": ...}
    options: dict[str, dict[str, Any]] = {}

    # Whether the rule judges a condition that compares a parameter at the parameter's Default, like a
    # `Ref` to it, instead of in both branches: for practices about opt-in exposure (a bucket made public
    # only when a deployer sets MakePublic=true is the deployer's choice). Errors, and the option
    # every_allowed_value, judge every branch.
    conditions_at_defaults: bool = True

    @property
    def across_stacks(self) -> bool:
        """Whether the rule relates resources to each other: in an application it then also sees the
        resources of the stacks connected to the linted one (a queue in another stack, the permission
        there); its findings about those are theirs to report, and only findings about the linted
        template's own resources are kept (model/report.py). Every rule reads values across stacks."""
        return self.id in ACROSS_STACKS

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
            matches, seen = [], set()
            models = get_models(cfn, wide=self.across_stacks)
            for model in models:
                model.every_value = self.judges_every_value()
                model.conditions_at_defaults = self.conditions_at_defaults
                self.model = model  # what `exempt` reads construct paths from
                for found in self.findings(model):
                    kept = keep_finding(self, model, found)
                    if kept is None:
                        continue
                    if len(models) > 1:  # a template deployed by several parents: each finding once
                        if (kept[0], kept[1]) in seen:
                            continue
                        seen.add((kept[0], kept[1]))
                    path, message, fix = kept
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
            "description": "Regular expressions; resources whose logical id or CDK construct path matches one are not checked",
        },
        "production_conditions": {
            "default": "(?i).*prod.*", "type": "string", "format": "regex",
            "description": ("Regular expression for condition names that mean 'production': a value chosen when "
                            "such a condition is false (a test or dev stack) is not reported"),
        },
        "test_conditions": TEST_CONDITIONS_OPTION,
    }

    def exempt(self, logical_id: str) -> bool:
        """Whether `exempt_resources` names the resource by its logical id or its construct path."""
        return exempted(self.config.get("exempt_resources"), getattr(self, "model", None), logical_id)

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
