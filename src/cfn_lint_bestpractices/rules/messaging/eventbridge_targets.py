"""W9611: EventBridge targets that lose events: no dead-letter queue, or a FIFO queue without a group id."""

from __future__ import annotations

from typing import Any

from ...model import TemplateModel
from ...model.invocation import is_schedule_rule
from ...model.messaging import QUEUE_TYPE, fifo_kinds
from .._base import BestPracticeRule


class EventBridgeTargetResilience(BestPracticeRule):
    id = "W9611"
    shortdesc = "EventBridge target without a dead-letter queue"
    description = (
        "EventBridge retries a failing target for up to 24 hours (185 attempts by default) and then drops the "
        "event unless the target has a DeadLetterConfig. A FIFO queue target also needs "
        "SqsParameters.MessageGroupId. Rule targets, Scheduler schedules and SAM EventBridgeRule and Schedule "
        "events are checked."
    )
    tags = ["eventbridge", "dead-letter-queue"]
    resource_types = ("AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Serverless::Function", "AWS::Serverless::StateMachine")
    options = {
        "check_schedules": {
            "default": False, "type": "boolean",
            "description": ("Also report targets of schedules (rules with only a ScheduleExpression, Scheduler "
                            "schedules, SAM Schedule events): a lost tick is normally made good by the next one"),
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
    def _fifo_without_group(model: TemplateModel, target: dict) -> str | None:
        """The FIFO queue (as labelled) a target sends to without a message group id, else None."""
        params = target.get("SqsParameters")
        if isinstance(params, dict) and "MessageGroupId" in params:
            return None
        kinds = fifo_kinds(model, model.one(target.get("Arn")), QUEUE_TYPE)
        return next((k.label.strip("'") for k in kinds if k.fifo), None)

    def _target(self, model: TemplateModel, owner: str, target: Any, path: tuple, skip_dlq: bool = False,
                when: str = ""):
        if not isinstance(target, dict):
            return
        queue = self._fifo_without_group(model, target)
        if queue:
            yield (path, f"{owner} sends to FIFO queue '{queue}' without SqsParameters.MessageGroupId{when}, which "
                         "EventBridge requires for FIFO queues, so delivery fails. Set SqsParameters.MessageGroupId.")
        if "DeadLetterConfig" not in target and not skip_dlq:
            yield (path, f"{owner} has no DeadLetterConfig{when}: when the target keeps failing, EventBridge drops the "
                         "event after its retries (up to 24 hours). Add DeadLetterConfig with a standard SQS queue "
                         "(and a RetryPolicy that fits the target).")

    def findings(self, model: TemplateModel):
        schedules = bool(self.config.get("check_schedules"))
        alerts = bool(self.config.get("check_alerts"))
        for rule in model.of_type("AWS::Events::Rule"):
            scheduled = is_schedule_rule(model, rule)
            for target in model.entries(rule, "Targets"):
                tid = target.value.get("Id")
                owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                    else f"A target of rule '{rule.logical_id}'"
                skip_dlq = (scheduled and not schedules) or (not alerts and self._alert_forwarding(model, rule, target.value))
                yield from self._target(model, owner, target.value, target.path, skip_dlq, target.describe())
        for schedule in model.of_type("AWS::Scheduler::Schedule"):
            yield from self._target(model, f"Target of schedule '{schedule.logical_id}'",
                                    schedule.props.get("Target"), schedule.prop_path("Target"), not schedules)
        for res, name, etype, props, path in model.sam_events:
            if etype in ("Schedule", "ScheduleV2") and not schedules:
                continue
            if etype in ("EventBridgeRule", "Schedule", "CloudWatchEvent", "ScheduleV2") \
                    and isinstance(props, dict) and "DeadLetterConfig" not in props:
                yield (path[:-1], f"{etype} event '{name}' of '{res.logical_id}' has no DeadLetterConfig: when "
                                  "the target keeps failing, EventBridge drops the event after its retries (up to "
                                  "24 hours). Add DeadLetterConfig (Type: SQS lets SAM create the queue).")
