"""W9501: a Lambda function without a reserved-concurrency cap."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.invocation import cloudformation_handlers, drivers
from ...model.report import exempted
from .._base import TEST_CONDITIONS_OPTION, BestPracticeRule, TestResourcesAware


class ReservedConcurrency(TestResourcesAware, BestPracticeRule):
    id = "W9501"
    shortdesc = "Lambda function that can scale without limit has no reserved concurrency"
    description = (
        "A function that an API, a load balancer, a function URL, S3, SNS, an event pattern or an SQS "
        "mapping without MaximumConcurrency invokes scales with that traffic, up to the unreserved "
        "concurrency of the account and Region; without ReservedConcurrentExecutions a burst can use that "
        "whole pool and throttle every other function there. Functions only a schedule, a capped mapping, "
        "CloudFormation (custom resources, macros) or Amazon Cognito user pool triggers invoke are not "
        "reported, nor functions the template shows no invoker for (option every_function reports them all), "
        "nor functions that exist only for tests (test_conditions)."
    )
    tags = ["lambda", "concurrency", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "exempt_functions": {
            "default": [],
            "type": "list",
            "itemtype": "string",
            "format": "regex",
            "description": "Regular expressions; functions whose logical id or CDK construct path matches one are not checked",
        },
        "every_function": {
            "default": False,
            "type": "boolean",
            "description": ("Report every function without reserved concurrency, not only those an unbounded "
                            "invoker drives (the behaviour before 0.2)"),
        },
        "report_cognito_triggers": {
            "default": False,
            "type": "boolean",
            "description": ("Also report functions that only Amazon Cognito user pool triggers invoke (a cap turns "
                            "a sign-in burst into failed sign-ins, so they are left out by default)"),
        },
        "test_conditions": TEST_CONDITIONS_OPTION,
    }

    def findings(self, model: TemplateModel):
        patterns = self.config.get("exempt_functions") or []
        every = bool(self.config.get("every_function"))
        handlers = None
        for fn in model.functions:
            if exempted(patterns, model, fn.logical_id):  # by logical id or construct path
                continue
            uncapped = [b for b in model.prop(fn.resource, "ReservedConcurrentExecutions")
                        if b.value is ABSENT and not self.test_only(model, b)]
            if not uncapped:
                continue
            if handlers is None:
                handlers = cloudformation_handlers(model)
            if fn.logical_id in handlers:
                continue
            cognito = bool(self.config.get("report_cognito_triggers"))
            unbounded = sorted({d.label for d in drivers(model, fn.logical_id)
                                if not d.bounded and (cognito or d.service != "cognito-idp")})
            if not unbounded and not every:
                continue
            br = uncapped[0]
            if unbounded:
                listed = ", ".join(unbounded[:3]) + (f" and {len(unbounded) - 3} more" if len(unbounded) > 3 else "")
                why = (f"is invoked by {listed}, which can scale it up to the account's unreserved concurrency; "
                       "without a cap a burst can use that whole pool and throttle the other functions of the "
                       "account and Region")
            else:
                why = ("has no cap: whatever invokes it can scale it up to the account's unreserved concurrency "
                       "and throttle the other functions of the account and Region")
            yield (fn.resource.finding_path(br.path),
                   f"Lambda function '{fn.logical_id}' has no ReservedConcurrentExecutions{br.describe()} and {why}. "
                   "Set ReservedConcurrentExecutions to the most this function should run at once (it comes out "
                   "of the pool the other functions share), or exempt the function.")
