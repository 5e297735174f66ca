"""E9614: an EventBridge target's dead-letter queue whose queue policy does not let EventBridge send."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import uncovered
from ...model.queue_policies import DELIVERY_ACTIONS, QUEUE_TYPE, destination_policies, policy_allows
from .._base import BestPracticeRule

SERVICE = "events.amazonaws.com"
# SAM event types that become an AWS::Events::Rule target (ScheduleV2 becomes a Scheduler schedule,
# which sends to its dead-letter queue with the schedule's role instead)
SAM_RULE_EVENTS = ("EventBridgeRule", "CloudWatchEvent", "Schedule")


class EventBridgeDlqPolicy(BestPracticeRule):
    id = "E9614"
    shortdesc = "EventBridge dead-letter queue not allowed by its queue policy"
    description = (
        "EventBridge sends an event that a rule target could not take to the target's dead-letter queue with "
        "its service principal, so the queue's resource policy must allow events.amazonaws.com sqs:SendMessage; "
        "a target's RoleArn does not apply to the dead-letter queue. Without such a policy the events that "
        "failed are lost after all (InvocationsFailedToBeSentToDLQ). Rule targets and SAM EventBridgeRule, "
        "CloudWatchEvent and Schedule events with DeadLetterConfig.Arn are checked."
    )
    tags = ["eventbridge", "sqs", "dead-letter-queue", "policy"]
    resource_types = ("AWS::Events::Rule", "AWS::Serverless::Function", "AWS::Serverless::StateMachine")

    def _dead_letter_queues(self, model: TemplateModel):
        """(owner label, queue logical id, path of DeadLetterConfig.Arn, scenario) for each target."""
        for rule in model.of_type("AWS::Events::Rule"):
            for target in model.entries(rule, "Targets"):
                tid = model.one(target.value.get("Id"))
                owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                    else f"A target of rule '{rule.logical_id}'"
                for arn in model.within(target, "DeadLetterConfig", "Arn"):
                    queue = model.lookup(arn.value, (QUEUE_TYPE,))
                    if queue:
                        yield owner, queue, arn.path, arn
        for event in model.sam_event_branches:  # Events, an event or its Properties may be under Fn::If
            res, name, etype, props, path = event.resource, event.name, event.type, event.props, event.path
            if etype not in SAM_RULE_EVENTS or not isinstance(props, dict):
                continue
            config = props.get("DeadLetterConfig")
            if not isinstance(config, dict) or "Arn" not in config:
                continue  # with Type: SQS, SAM creates the queue and its policy
            for arn in model.get(config, "Arn"):
                queue = model.lookup(arn.value, (QUEUE_TYPE,))
                if queue:
                    both = model.together(arn, event.scenario)
                    if both is not None:
                        yield (f"{etype} event '{name}' of '{res.logical_id}'", queue,
                               path + ("DeadLetterConfig", "Arn") + tuple(arn.path), both)

    def findings(self, model: TemplateModel):
        found = list(self._dead_letter_queues(model))
        if not found:
            return
        connected = model.connector_destinations
        if "*" in connected:
            return  # a connector to a destination we cannot name might grant it
        policies, unresolved = destination_policies(model)
        if unresolved:
            return  # a policy on a queue we cannot name might be the one that allows it
        reported = set()
        for owner, queue, path, scenario in found:
            if queue in connected or (owner, queue) in reported:
                continue
            # a policy that allows it (or may: one we cannot read) counts where it exists
            covers = [model.exists(p) for p in policies.get(queue, [])
                      if policy_allows(model, p, SERVICE, DELIVERY_ACTIONS[QUEUE_TYPE]) is not False]
            scenario = uncovered(model, scenario, covers)
            if scenario is None:
                continue
            reported.add((owner, queue))
            there = [p for p in policies.get(queue, []) if model.together(scenario, model.exists(p)) is not None]
            have = (f"the queue policies naming it ({', '.join(p.logical_id for p in there)}) do not "
                    f"allow {SERVICE} sqs:SendMessage" if there
                    else "no AWS::SQS::QueuePolicy allows events.amazonaws.com sqs:SendMessage to it")
            yield (path,
                   f"{owner} has dead-letter queue '{queue}'{scenario.describe()}, but {have}: EventBridge "
                   "cannot move a failed event there, and the event is lost after all. Add a queue policy "
                   "statement that allows Principal {Service: events.amazonaws.com} sqs:SendMessage on the "
                   "queue, with an aws:SourceArn condition naming the rule.")
