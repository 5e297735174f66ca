"""W9501: a Lambda function without a reserved-concurrency cap."""

from __future__ import annotations

import re

from ...model import ABSENT, TemplateModel
from .._base import BestPracticeRule

# Resources that reference a handler without invoking it for anything but the stack itself.
_PASSIVE_REFERRERS = ("AWS::Logs::LogGroup",)


def _invoked_by_cloudformation(src_type: str, path: tuple) -> bool:
    """A reference through which only CloudFormation invokes the function: a custom resource's
    ServiceToken, or a macro's FunctionName (invoked while the template is transformed)."""
    prop = path[3] if len(path) > 3 else None
    if src_type == "AWS::CloudFormation::CustomResource" or src_type.startswith("Custom::"):
        return prop == "ServiceToken"
    return src_type == "AWS::CloudFormation::Macro" and prop == "FunctionName"


def _custom_resource_handlers(model: TemplateModel) -> set[str]:
    """Functions only CloudFormation invokes (custom resources, macros), otherwise referenced only
    from log groups."""
    handlers = set()
    for fn in model.functions:
        refs = model.references.get(fn.logical_id, [])
        service_token = False
        other = False
        for src, path in refs:
            src_type = model.resources[src].type
            if _invoked_by_cloudformation(src_type, path):
                service_token = True
            elif src_type not in _PASSIVE_REFERRERS:
                other = True
        if service_token and not other:
            handlers.add(fn.logical_id)
    return handlers


class ReservedConcurrency(BestPracticeRule):
    id = "W9501"
    shortdesc = "Lambda function without reserved concurrency"
    description = (
        "A Lambda function without ReservedConcurrentExecutions can scale until it uses the whole "
        "concurrency pool of the account and Region and throttles every other function. Plain and SAM "
        "functions (Globals included) are checked; custom-resource and macro handlers are exempt."
    )
    tags = ["lambda", "concurrency", "serverless"]
    options = {
        "exempt_functions": {
            "default": [],
            "type": "list",
            "itemtype": "string",
            "format": "regex",
            "description": "Regular expressions; functions whose logical id matches one are not checked",
        },
    }

    def findings(self, model: TemplateModel):
        patterns = [re.compile(p) for p in self.config.get("exempt_functions") or []]
        handlers = None
        for fn in model.functions:
            if any(p.fullmatch(fn.logical_id) for p in patterns):
                continue
            for br in model.prop(fn.resource, "ReservedConcurrentExecutions"):
                if br.value is not ABSENT:
                    continue
                if handlers is None:
                    handlers = _custom_resource_handlers(model)
                if fn.logical_id in handlers:
                    break
                yield (fn.resource.finding_path(br.path),
                       f"Lambda function '{fn.logical_id}' has no ReservedConcurrentExecutions{br.describe()}: "
                       "without a cap it can take the whole concurrency pool of the account and Region and "
                       "throttle every other function there. Set ReservedConcurrentExecutions to the most "
                       "this function should run at once.")
