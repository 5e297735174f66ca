"""W9611: EventBridge targets that lose events: no dead-letter queue, or a FIFO queue without a group id."""

from __future__ import annotations

from typing import Any

from ...model import ABSENT, TemplateModel
from ...model.invocation import function_target, schedule_scenarios
from ...model.messaging import QUEUE_TYPE, fifo_kinds
from .._base import BestPracticeRule


class EventBridgeTargetResilience(BestPracticeRule):
    id = "W9611"
    shortdesc = "EventBridge target without a dead-letter queue"
    description = (
        "EventBridge retries a failing target for up to 24 hours (185 attempts by default) and then drops the "
        "event unless the target has a DeadLetterConfig. A FIFO queue target also needs "
        "SqsParameters.MessageGroupId. Rule targets, Scheduler schedules and SAM EventBridgeRule and Schedule "
        "events are checked. A Lambda function target is not asked for a dead-letter queue (check_lambda_targets): "
        "EventBridge hands the event to Lambda's asynchronous queue, which almost never fails, and the events "
        "lost after that are the function's own (W9508)."
    )
    tags = ["eventbridge", "dead-letter-queue"]
    resource_types = ("AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Serverless::Function", "AWS::Serverless::StateMachine")
    options = {
        "check_schedules": {
            "default": False, "type": "boolean",
            "description": ("Also report targets of schedules (rules with only a ScheduleExpression, Scheduler "
                            "schedules, SAM Schedule events): a lost tick is normally made good by the next one"),
        },
        "check_lambda_targets": {
            "default": False, "type": "boolean",
            "description": ("Also report Lambda function targets without a dead-letter queue (EventBridge hands "
                            "the event to Lambda's asynchronous queue; the function's own failures are W9508's)"),
        },
        "check_alerts": {
            "default": False, "type": "boolean",
            "description": ("Also report SNS topic targets of rules that forward AWS service events (every "
                            "source 'aws.*'): alert forwarding, where a dead-letter queue is rarely read"),
        },
    }

    def _alert_forwarding(self, model: TemplateModel, rule, target: dict) -> bool:
        """A rule that forwards AWS service events to an SNS topic (an alert)."""
        pattern = model.one(rule.props.get("EventPattern"))
        sources = model.one(pattern.get("source")) if isinstance(pattern, dict) else None
        sources = sources if isinstance(sources, list) else [sources]
        if not sources or not all(isinstance(s, str) and s.startswith("aws.") for s in sources):
            return False
        return model.lookup(model.one(target.get("Arn")), ("AWS::SNS::Topic",)) is not None or \
            str(model.one(target.get("Arn"))).startswith("arn:aws:sns:")

    @staticmethod
    def _lambda_target(model: TemplateModel, arns: list) -> bool:
        """Whether a target's Arn names a Lambda function in every branch (an in-template function,
        alias or version, or a literal Lambda ARN)."""
        if not arns:
            return False
        for br in arns:
            value = br.value
            if function_target(model, value) is not None:
                continue
            if not (isinstance(value, str) and value.startswith("arn:") and value.split(":")[2:3] == ["lambda"]):
                return False
        return True

    @staticmethod
    def _fifo_without_group(model: TemplateModel, target: dict) -> str | None:
        """The FIFO queue (as labelled) a target sends to without a message group id, else None."""
        params = target.get("SqsParameters")
        if isinstance(params, dict) and "MessageGroupId" in params:
            return None
        # (an Arn under Fn::If is one UNKNOWN value here: a target switched between queues stays silent)
        kinds = fifo_kinds(model, model.one(target.get("Arn")), QUEUE_TYPE)
        return next((k.label.strip("'") for k in kinds if k.fifo), None)

    def _target(self, model: TemplateModel, owner: str, target: Any, path: tuple, skip_dlq: bool = False,
                when: str = "", dlq_when: str | None = None):
        if not isinstance(target, dict):
            return
        queue = self._fifo_without_group(model, target)
        if queue:
            yield (path, f"{owner} sends to FIFO queue '{queue}' without SqsParameters.MessageGroupId{when}, which "
                         "EventBridge requires for FIFO queues, so delivery fails. Set SqsParameters.MessageGroupId.")
        if "DeadLetterConfig" not in target and not skip_dlq:
            yield (path, f"{owner} has no DeadLetterConfig"
                         f"{when if dlq_when is None else dlq_when}: when the target keeps failing, EventBridge drops the "
                         "event after its retries (up to 24 hours). Add DeadLetterConfig with a standard SQS queue "
                         "(and a RetryPolicy that fits the target).")

    def findings(self, model: TemplateModel):
        schedules = bool(self.config.get("check_schedules"))
        alerts = bool(self.config.get("check_alerts"))
        lambdas = bool(self.config.get("check_lambda_targets"))
        for rule in model.of_type("AWS::Events::Rule"):
            # the scenarios in which the rule is judged: not a schedule (unless check_schedules); a
            # ScheduleExpression or EventPattern under Fn::If makes it a schedule in some branches only
            judged = [where for scheduled, where in schedule_scenarios(model, rule) if schedules or not scheduled]
            for target in model.entries(rule, "Targets"):
                tid = target.value.get("Id")
                owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                    else f"A target of rule '{rule.logical_id}'"
                arns = model.within(target, "Arn")
                others = arns if lambdas else [a for a in arns if not self._lambda_target(model, [a])]
                # a target that is a Lambda function in some branches only: the finding is about the others
                places = others if others and len(others) < len(arns) else [target]
                holds = next((both for place in places for where in judged
                              if (both := model.together(place, where)) is not None), None)
                skip_dlq = holds is None or (not alerts and self._alert_forwarding(model, rule, target.value)) \
                    or (bool(arns) and not others)
                yield from self._target(model, owner, target.value, target.path, skip_dlq, places[0].describe(),
                                        holds.describe() if holds is not None else None)
        for schedule in model.of_type("AWS::Scheduler::Schedule"):
            lambda_target = not lambdas and self._lambda_target(model, model.prop(schedule, "Target", "Arn"))
            yield from self._target(model, f"Target of schedule '{schedule.logical_id}'",
                                    schedule.props.get("Target"), schedule.prop_path("Target"),
                                    not schedules or lambda_target)
        reported = set()
        for event in model.sam_event_branches:  # Events, an event or its Properties may be under Fn::If
            res, name, etype, props, path = event.resource, event.name, event.type, event.props, event.path
            if etype in ("Schedule", "ScheduleV2") and not schedules:
                continue
            if res.type == "AWS::Serverless::Function" and not lambdas:
                continue  # the event's target is the function itself
            if etype in ("EventBridgeRule", "Schedule", "CloudWatchEvent", "ScheduleV2") \
                    and isinstance(props, dict):
                for dlq in model.get(props, "DeadLetterConfig"):
                    both = model.together(dlq, event.scenario)
                    key = (res.logical_id, name, both.conditions, both.params) if both is not None else None
                    if both is None or dlq.value is not ABSENT or key in reported:
                        continue
                    reported.add(key)
                    yield (path[:-1], f"{etype} event '{name}' of '{res.logical_id}' has no DeadLetterConfig"
                                      f"{both.describe()}: when the target keeps failing, EventBridge drops the "
                                      "event after its retries (up to 24 hours). Add DeadLetterConfig (Type: SQS lets "
                                      "SAM create the queue).")
