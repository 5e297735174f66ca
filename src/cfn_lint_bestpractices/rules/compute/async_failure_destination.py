"""W9508: a function invoked asynchronously whose failed events are dropped."""

from __future__ import annotations

from ...model import ABSENT, Branch, TemplateModel
from ...model.invocation import function_target, invocations

from ...model.values import is_literal
from .._base import TEST_CONDITIONS_OPTION, BestPracticeRule, TestResourcesAware


def _configured_qualifiers(model: TemplateModel) -> dict[str, list]:
    """function -> qualifiers ('$LATEST', alias names, None = unknown) of its AWS::Lambda::EventInvokeConfig
    resources that send failures somewhere."""
    out: dict[str, list] = {}
    for cfg in model.of_type("AWS::Lambda::EventInvokeConfig"):
        tgt = function_target(model, model.one(cfg.props.get("FunctionName")))
        if tgt is None:
            continue
        dests = model.prop(cfg, "DestinationConfig", "OnFailure", "Destination")
        if all(d.value is ABSENT for d in dests):
            continue
        qualifier = model.one(cfg.props.get("Qualifier"))
        out.setdefault(tgt.function, []).append(qualifier if isinstance(qualifier, str) else None)
    return out


def _covers(configured: str | None, invoked: str | None) -> bool:
    if configured is None or (invoked and not is_literal(invoked)):
        return True  # cannot tell which: assume it is the one
    return configured == (invoked or "$LATEST")


class AsyncFailureDestination(TestResourcesAware, BestPracticeRule):
    id = "W9508"
    shortdesc = "Asynchronously invoked function without a dead-letter queue or on-failure destination"
    description = (
        "S3, SNS, EventBridge, EventBridge Scheduler, CloudWatch Logs and IoT invoke functions asynchronously: "
        "after Lambda's retries a failed event is dropped unless the function has a dead-letter queue "
        "(DeadLetterConfig, SAM DeadLetterQueue) or an on-failure destination (AWS::Lambda::EventInvokeConfig, "
        "SAM EventInvokeConfig). Functions invoked only synchronously or through mappings are not checked."
    )
    tags = ["lambda", "async", "dead-letter-queue", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "check_schedules": {
            "default": False, "type": "boolean",
            "description": ("Also report functions that only schedules invoke (a failed scheduled run is "
                            "normally retried by the next tick, so they are left out by default)"),
        },
        "test_conditions": TEST_CONDITIONS_OPTION,
    }

    def findings(self, model: TemplateModel):
        graph = invocations(model)
        configured = None
        for fn in model.functions:
            invokers = [inv for inv in graph.of_function(fn.logical_id) if inv.asynchronous]
            if not self.config.get("check_schedules"):
                invokers = [inv for inv in invokers if not inv.details.get("schedule")]
            if not invokers:
                continue
            if configured is None:
                configured = _configured_qualifiers(model)
            quals = configured.get(fn.logical_id, [])
            uncovered = [inv for inv in invokers if not any(_covers(q, inv.target.qualifier) for q in quals)]
            if not uncovered:
                continue
            dlq_key = "DeadLetterQueue" if fn.is_sam else "DeadLetterConfig"
            dlq = [b for b in model.prop(fn.resource, dlq_key) if b.value is ABSENT]
            if fn.is_sam:
                dest = [b for b in model.prop(fn.resource, "EventInvokeConfig", "DestinationConfig", "OnFailure")
                        if b.value is ABSENT]
            else:  # plain functions configure destinations only in AWS::Lambda::EventInvokeConfig
                dest = [Branch(ABSENT)]
            names = sorted({inv.label for inv in uncovered})
            listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            for _, both in model.combine(dlq, dest):
                if self.test_only(model, both):
                    continue
                yield (fn.resource.finding_path(both.path),
                       f"Function '{fn.logical_id}' is invoked asynchronously by {listed} but has neither a "
                       f"dead-letter queue nor an on-failure destination{both.describe()}: an event that still fails "
                       "after Lambda's retries is dropped without a trace. Add "
                       + ("DeadLetterQueue (SQS or SNS) or EventInvokeConfig.DestinationConfig.OnFailure."
                          if fn.is_sam else
                          "DeadLetterConfig.TargetArn (an SQS queue or SNS topic), or an AWS::Lambda::EventInvokeConfig "
                          "with DestinationConfig.OnFailure."))
                break
