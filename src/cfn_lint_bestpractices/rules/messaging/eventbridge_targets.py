"""W9611: EventBridge targets that lose events: no dead-letter queue, or a FIFO queue without a group id."""

from __future__ import annotations

from typing import Any

from ...model import TemplateModel
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

    @staticmethod
    def _fifo_without_group(model: TemplateModel, target: dict) -> str | None:
        """The FIFO queue (as labelled) a target sends to without a message group id, else None."""
        params = target.get("SqsParameters")
        if isinstance(params, dict) and "MessageGroupId" in params:
            return None
        kinds = fifo_kinds(model, model.resolver.one(target.get("Arn")), QUEUE_TYPE)
        return next((k.label.strip("'") for k in kinds if k.fifo), None)

    def _target(self, model: TemplateModel, owner: str, target: Any, path: tuple):
        if not isinstance(target, dict):
            return
        queue = self._fifo_without_group(model, target)
        if queue:
            yield (path, f"{owner} sends to FIFO queue '{queue}' without SqsParameters.MessageGroupId, which "
                         "EventBridge requires for FIFO queues, so delivery fails. Set SqsParameters.MessageGroupId.")
        if "DeadLetterConfig" not in target:
            yield (path, f"{owner} has no DeadLetterConfig: when the target keeps failing, EventBridge drops the "
                         "event after its retries (up to 24 hours). Add DeadLetterConfig with a standard SQS queue "
                         "(and a RetryPolicy that fits the target).")

    def findings(self, model: TemplateModel):
        for rule in model.of_type("AWS::Events::Rule"):
            for targets in model.prop(rule, "Targets"):
                if not isinstance(targets.value, list):
                    continue
                for i, target in enumerate(targets.value):
                    tid = target.get("Id") if isinstance(target, dict) else None
                    owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                        else f"A target of rule '{rule.logical_id}'"
                    yield from self._target(model, owner, target, targets.path + (i,))
        for schedule in model.of_type("AWS::Scheduler::Schedule"):
            target = schedule.props.get("Target")
            yield from self._target(model, f"Target of schedule '{schedule.logical_id}'", target,
                                    schedule.prop_path("Target"))
        for res, name, etype, props, path in model.sam_events:
            if etype in ("EventBridgeRule", "Schedule", "CloudWatchEvent", "ScheduleV2") \
                    and isinstance(props, dict) and "DeadLetterConfig" not in props:
                yield (path[:-1], f"{etype} event '{name}' of '{res.logical_id}' has no DeadLetterConfig: when "
                                  "the target keeps failing, EventBridge drops the event after its retries (up to "
                                  "24 hours). Add DeadLetterConfig (Type: SQS lets SAM create the queue).")
