"""E9601: a dead-letter queue of the wrong type (FIFO where standard is needed, or the reverse)."""

from __future__ import annotations

from typing import Any

from ...model import ABSENT, UNKNOWN, Branch, TemplateModel, as_bool, show
from ...model.messaging import QUEUE, redrive_targets
from ...model.template import arn_resource_name
from ...model.values import intrinsic, merge_conditions, tokens_in
from .._base import BestPracticeRule

TOPIC = ("AWS::SNS::Topic",)


class _Target:
    """One thing a queue/topic reference can be: its FIFO-ness in one branch, and how to name it."""

    def __init__(self, fifo: bool, label: str, branch: Branch, parametrised: bool) -> None:
        self.fifo = fifo
        self.label = label
        self.branch = branch
        self.parametrised = parametrised


def _kind(fifo: bool) -> str:
    return "FIFO" if fifo else "standard"


class DeadLetterQueueType(BestPracticeRule):
    id = "E9601"
    shortdesc = "Dead-letter queue of the wrong type"
    description = (
        "A dead-letter queue must match what sends to it: an SQS queue's dead-letter queue has the queue's "
        "own type, an SNS subscription's dead-letter queue has its topic's type, and an EventBridge target's "
        "dead-letter queue must be a standard queue. Covers string ARNs and parameters, which stock E3502 "
        "does not follow."
    )
    tags = ["sqs", "sns", "eventbridge", "dead-letter-queue"]

    # -- what a value names -------------------------------------------------------------------
    def _types(self, model: TemplateModel, value: Any, kinds: tuple, flag: str) -> list[_Target] | None:
        """Every FIFO-ness the queue or topic named by `value` can have; None when unknown."""
        if value is UNKNOWN or value is ABSENT or not isinstance(value, str):
            return None
        logical = model.lookup(value, kinds)
        if logical:
            res = model.resources[logical]
            out = []
            for br in model.prop(res, flag, every_param_value=True):
                if br.value is ABSENT:
                    fifo = False
                else:
                    fifo = as_bool(br.value)
                    if fifo is None:
                        continue
                out.append(_Target(fifo, f"'{logical}'", br, bool(br.params)))
            return out
        # A queue or topic outside the template: its name says its type (FIFO names end in .fifo).
        if not value.startswith("arn:") or any(not t.startswith("AWS::") for t in tokens_in(value)):
            return None
        return [_Target(arn_resource_name(value).endswith(".fifo"), f"'{show(value)}'", Branch(value), False)]

    # -- the checks ---------------------------------------------------------------------------
    def findings(self, model: TemplateModel):
        yield from self._queues(model)
        yield from self._subscriptions(model)
        yield from self._event_rules(model)
        yield from self._sam_events(model)

    def _queues(self, model: TemplateModel):
        for queue in model.of_type(*QUEUE):
            for target_br, raw in redrive_targets(model, queue, "RedrivePolicy"):
                targets = self._types(model, target_br.value, QUEUE, "FifoQueue")
                if not targets:
                    continue
                # E3502 already judges a Ref/GetAtt to a queue whose types are written out.
                direct = intrinsic(raw)[0] in ("Ref", "Fn::GetAtt")
                for src in model.prop(queue, "FifoQueue", every_param_value=True):
                    src_fifo = False if src.value is ABSENT else as_bool(src.value)
                    if src_fifo is None:
                        continue
                    for tgt in targets:
                        if tgt.fifo == src_fifo:
                            continue
                        if direct and not src.params and not tgt.parametrised:
                            continue
                        conds = merge_conditions(merge_conditions(src.conditions, target_br.conditions) or (),
                                                 tgt.branch.conditions)
                        if conds is None:
                            continue
                        when = Branch(None, conds, (), src.params + target_br.params + tgt.branch.params).describe()
                        yield (target_br.path,
                               f"Queue '{queue.logical_id}' is a {_kind(src_fifo)} queue but its dead-letter queue "
                               f"{tgt.label} is {_kind(tgt.fifo)}{when}: a queue's dead-letter queue must be of "
                               "the same type (FIFO for FIFO, standard for standard). Point deadLetterTargetArn "
                               f"at a {_kind(src_fifo)} queue.")

    def _topic_types(self, model: TemplateModel, node: Any) -> list[tuple[_Target, Branch]]:
        out = []
        for br in model.branches(node, every_param_value=True):
            for t in self._types(model, br.value, TOPIC, "FifoTopic") or []:
                out.append((t, br))
        return out

    def _subscription_mismatch(self, model, owner: str, topics, target_br: Branch):
        targets = self._types(model, target_br.value, QUEUE, "FifoQueue") or []
        for topic, topic_br in topics:
            for tgt in targets:
                if tgt.fifo == topic.fifo:
                    continue
                conds = merge_conditions(topic_br.conditions, topic.branch.conditions)
                conds = merge_conditions(conds or (), target_br.conditions)
                conds = merge_conditions(conds or (), tgt.branch.conditions) if conds is not None else None
                if conds is None:
                    continue
                params = topic_br.params + topic.branch.params + target_br.params + tgt.branch.params
                when = Branch(None, conds, (), params).describe()
                subject = owner.replace("{topic}", f"{_kind(topic.fifo)} topic {topic.label}")
                return (target_br.path,
                        f"{subject} has a {_kind(tgt.fifo)} dead-letter queue {tgt.label}{when}: subscriptions of a FIFO topic need a FIFO dead-letter queue and "
                        "subscriptions of a standard topic a standard one. Point deadLetterTargetArn at a "
                        f"{_kind(topic.fifo)} queue.")
        return None

    def _subscriptions(self, model: TemplateModel):
        for sub in model.of_type("AWS::SNS::Subscription"):
            topics = None
            for target_br, _ in redrive_targets(model, sub, "RedrivePolicy"):
                if topics is None:
                    topics = self._topic_types(model, sub.props.get("TopicArn"))
                finding = self._subscription_mismatch(model, f"Subscription '{sub.logical_id}' to {{topic}}", topics, target_br)
                if finding:
                    yield finding

    def _fifo_dlq(self, model: TemplateModel, owner: str, arn_br: Branch):
        for tgt in self._types(model, arn_br.value, QUEUE, "FifoQueue") or []:
            if not tgt.fifo:
                continue
            conds = merge_conditions(arn_br.conditions, tgt.branch.conditions)
            if conds is None:
                continue
            when = Branch(None, conds, (), arn_br.params + tgt.branch.params).describe()
            return (arn_br.path,
                    f"{owner} uses FIFO queue {tgt.label} as its dead-letter queue{when}, but EventBridge "
                    "accepts only standard queues as dead-letter queues and rejects the target. Use a standard "
                    "queue.")
        return None

    def _event_rules(self, model: TemplateModel):
        for rule in model.of_type("AWS::Events::Rule"):
            for targets in model.prop(rule, "Targets"):
                if not isinstance(targets.value, list):
                    continue
                for i, node in enumerate(targets.value):
                    for tb in model.branches(node):
                        if not isinstance(tb.value, dict):
                            continue
                        tid = tb.value.get("Id")
                        owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                            else f"A target of rule '{rule.logical_id}'"
                        for arn in model.get(tb.value, "DeadLetterConfig", "Arn"):
                            conds = merge_conditions(merge_conditions(targets.conditions, tb.conditions) or (),
                                                     arn.conditions)
                            if conds is None:
                                continue
                            full = Branch(arn.value, conds, targets.path + (i,) + tb.path + arn.path, arn.params)
                            finding = self._fifo_dlq(model, owner, full)
                            if finding:
                                yield finding

    def _sam_events(self, model: TemplateModel):
        owners = [(fn.resource, fn.events()) for fn in model.functions if fn.is_sam]
        for sm in model.of_type("AWS::Serverless::StateMachine"):
            events = sm.props.get("Events")
            if isinstance(events, dict):
                owners.append((sm, {n: (e.get("Type"), e.get("Properties"), sm.prop_path("Events", n, "Properties"))
                                    for n, e in events.items() if isinstance(e, dict)}))
        for res, events in owners:
            for name, (etype, props, path) in events.items():
                if not isinstance(props, dict):
                    continue
                if etype in ("EventBridgeRule", "Schedule", "CloudWatchEvent"):
                    owner = f"{etype} event '{name}' of '{res.logical_id}'"
                    for arn in model.get(props, "DeadLetterConfig", "Arn"):
                        finding = self._fifo_dlq(model, owner, Branch(arn.value, arn.conditions, path + arn.path, arn.params))
                        if finding:
                            yield finding
                elif etype == "SNS" and "RedrivePolicy" in props:
                    topics = self._topic_types(model, props.get("Topic"))
                    for rp in model.get(props, "RedrivePolicy", "deadLetterTargetArn"):
                        owner = f"SNS event '{name}' of '{res.logical_id}' (a subscription to {{topic}})"
                        finding = self._subscription_mismatch(
                            model, owner, topics, Branch(rp.value, rp.conditions, path + rp.path, rp.params))
                        if finding:
                            yield finding
