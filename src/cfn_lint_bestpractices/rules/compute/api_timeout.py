"""W9513: a function that runs longer than the API Gateway integration waits for it."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import invocations, uncovered
from ...model.lambda_config import timeouts
from ...model.values import Branch, as_int
from .._base import BestPracticeRule

HTTP_API_LIMIT_MS = 30000  # HTTP APIs: default and maximum
WEBSOCKET_LIMIT_MS = 29000  # fixed


class ApiIntegrationTimeout(BestPracticeRule):
    id = "W9513"
    shortdesc = "Function timeout longer than its API Gateway integration timeout"
    description = (
        "API Gateway stops waiting for a Lambda integration after its integration timeout (REST APIs: "
        "TimeoutInMillis, 29 s by default; HTTP APIs: TimeoutInMillis, at most 30 s; WebSocket APIs: 29 s). A "
        "function whose Timeout is longer keeps running, and costing, after the client got a 504. Plain "
        "methods and integrations and SAM Api/HttpApi events. A REST integration that streams its response "
        "(responseTransferMode STREAM) may run up to 15 minutes and is not reported."
    )
    tags = ["lambda", "apigateway", "timeout", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "tolerance_seconds": {
            "default": 1,
            "type": "integer",
            "description": ("Seconds a function's Timeout may exceed the integration timeout before it is reported "
                            "(1: the common Timeout of 30 s behind a REST API's 29 s runs at most one second "
                            "after the 504 and is not reported; 0 reports it)"),
        },
        "rest_timeout_ms": {
            "default": 29000,
            "type": "integer",
            "description": "Integration timeout assumed for REST APIs that do not set TimeoutInMillis (29000; "
                           "Regional and private APIs can have a raised quota)",
        },
    }

    def _limits(self, model: TemplateModel, details: dict) -> list[Branch]:
        api = details.get("api")
        if api == "WEBSOCKET":
            return [Branch(WEBSOCKET_LIMIT_MS)]
        if api == "HTTP":
            default = HTTP_API_LIMIT_MS
        elif api == "REST":
            default = int(self.config.get("rest_timeout_ms", 29000))
        else:
            return []  # protocol unknown
        node = details.get("timeout")
        if node is None:
            return [Branch(default)]
        out = []
        for br in model.branches(node):
            value = as_int(br.value)
            if value is not None:
                out.append(Branch(min(value, HTTP_API_LIMIT_MS) if api == "HTTP" else value, br.conditions,
                                  details["timeout_path"] + br.path, br.params))
        return out

    @staticmethod
    def _buffered(model: TemplateModel, details: dict, limits: list[Branch]) -> list[Branch]:
        """The limits in the scenarios where the integration buffers its response: an Fn::If may choose
        ResponseTransferMode STREAM in some (a streamed response may run up to 15 minutes)."""
        node = details.get("transfer_mode")
        if node is None:
            return limits
        out = []
        for (limit, mode), both in model.combine(limits, model.branches(node)):
            if mode.value != "STREAM":
                out.append(Branch(limit.value, both.conditions, limit.path, both.params))
        return out

    def findings(self, model: TemplateModel):
        # function -> {(timeout branch, limit) -> [invoker labels]}: one finding per function and timeout
        over: dict[str, dict] = {}
        tolerance = 1000 * int(self.config.get("tolerance_seconds", 1))
        for inv in invocations(model).invocations:
            if inv.service != "apigateway" or "api" not in inv.details:
                continue
            if inv.details.get("streaming"):
                continue  # a streamed response may run up to 15 minutes, Lambda's own longest Timeout
            fn = model.resources[inv.target.function]
            limits = self._buffered(model, inv.details, self._limits(model, inv.details))
            for (timeout, limit, _), both in model.combine(timeouts(model, fn), limits, [inv.scenario]):
                if timeout.value * 1000 > limit.value + tolerance:
                    # not where the route streams its response (a SAM API's DefinitionBody per branch)
                    both = uncovered(model, both, inv.details.get("stream_scenarios") or [])
                    if both is None:
                        continue
                    key = (timeout.path, timeout.value, both.conditions, both.params)
                    entry = over.setdefault(fn.logical_id, {}).setdefault(key, [both, limit.value, []])
                    entry[1] = min(entry[1], limit.value)
                    if inv.label not in entry[2]:
                        entry[2].append(inv.label)
        for function, cases in over.items():
            fn = model.resources[function]
            for (path, timeout, _, _), (both, limit, labels) in cases.items():
                listed = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
                yield (fn.finding_path(path),
                       f"Function '{function}' has a Timeout of {timeout} s but API Gateway waits at most "
                       f"{limit / 1000:g} s for it ({listed}){both.describe()}: a slow request gets a 504 while the "
                       "function keeps running and billing, and a client that retries runs it twice. Lower the "
                       f"Timeout to {limit // 1000} s or less, or make the work asynchronous.")
