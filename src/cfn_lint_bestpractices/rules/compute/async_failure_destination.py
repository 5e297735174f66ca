"""W9508: a function invoked asynchronously whose failed events are dropped."""

from __future__ import annotations

from ...model import ABSENT, Branch, TemplateModel
from ...model.invocation import function_targets, invocations, uncovered

from ...model.values import is_literal
from .._base import TEST_CONDITIONS_OPTION, BestPracticeRule, TestResourcesAware


def _configured_qualifiers(model: TemplateModel) -> dict[str, list]:
    """function -> [(qualifier, scenario)]: the qualifiers ('$LATEST', alias names, None = unknown) of its
    AWS::Lambda::EventInvokeConfig resources that send failures somewhere, each in the scenario in which
    the config exists, names the function and has an on-failure destination."""
    out: dict[str, list] = {}
    for cfg in model.of_type("AWS::Lambda::EventInvokeConfig"):
        for fn_br in model.prop(cfg, "FunctionName"):
            for tgt, where in function_targets(model, fn_br.value):
                scenario = model.together(fn_br, where)
                for dest in model.prop(cfg, "DestinationConfig", "OnFailure", "Destination"):
                    both = model.together(scenario, dest) if scenario is not None and dest.value is not ABSENT \
                        else None
                    for qual in model.prop(cfg, "Qualifier") if both is not None else ():
                        whole = model.together(both, qual)
                        if whole is not None:
                            out.setdefault(tgt.function, []).append(
                                (qual.value if isinstance(qual.value, str) else None,
                                 Branch(None, whole.conditions, (), whole.params)))
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
            dlq_key = "DeadLetterQueue" if fn.is_sam else "DeadLetterConfig"
            dlq = [b for b in model.prop(fn.resource, dlq_key) if b.value is ABSENT]
            if fn.is_sam:
                dest = [b for b in model.prop(fn.resource, "EventInvokeConfig", "DestinationConfig", "OnFailure")
                        if b.value is ABSENT]
            else:  # plain functions configure destinations only in AWS::Lambda::EventInvokeConfig
                dest = [Branch(ABSENT)]
            # in which scenario an invoker exists and neither a dead-letter queue nor a destination does
            # (an EventInvokeConfig counts only where it exists)
            missing, names = None, []
            for inv in invokers:
                covers = [where for q, where in quals if _covers(q, inv.target.qualifier)]
                for (d, _, _), both in model.combine(dlq, [inv.scenario], dest):
                    found = uncovered(model, Branch(None, both.conditions, d.path, both.params), covers)
                    if found is None or self.test_only(model, found):
                        continue
                    if missing is None:
                        missing = found
                    if inv.label not in names and model.together(missing, found) is not None:
                        names.append(inv.label)
                    break
            if missing is None:
                continue
            names.sort()
            listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            yield (fn.resource.finding_path(missing.path),
                   f"Function '{fn.logical_id}' is invoked asynchronously by {listed} but has neither a "
                   f"dead-letter queue nor an on-failure destination{missing.describe()}: an event that still fails "
                   "after Lambda's retries is dropped without a trace. Add "
                   + ("DeadLetterQueue (SQS or SNS) or EventInvokeConfig.DestinationConfig.OnFailure."
                      if fn.is_sam else
                      "DeadLetterConfig.TargetArn (an SQS queue or SNS topic), or an AWS::Lambda::EventInvokeConfig "
                      "with DestinationConfig.OnFailure."))
