"""E9601: a dead-letter queue of the wrong type (FIFO where standard is needed, or the reverse)."""

from __future__ import annotations

from typing import Any

from ...model import ABSENT, Branch, TemplateModel, as_bool
from ...model.messaging import QUEUE, QUEUE_TYPE, TOPIC_TYPE, FifoKind, fifo_kinds, redrive_targets
from ...model.values import intrinsic
from .._base import BestPracticeRule



_NOVALUE = object()


def _stock_first(node: Any) -> Any:
    """The FifoQueue value stock E3502 (cfn-lint 1.x) compares: under `Fn::If`, the first branch that
    has a value (depth first, the true branch before the false one, `AWS::NoValue` skipped), not each
    scenario; `_NOVALUE` when no branch has one, None when it is not a literal (a parameter)."""
    if isinstance(node, dict) and len(node) == 1:
        key, value = next(iter(node.items()))
        if key == "Fn::If" and isinstance(value, list) and len(value) == 3:
            for branch in value[1:]:
                found = _stock_first(branch)
                if found is not _NOVALUE:
                    return found
            return _NOVALUE
        if key == "Ref" and value == "AWS::NoValue":
            return _NOVALUE
        return None
    return as_bool(node)


def _stock_fifo(queue) -> bool | None:
    """Whether stock E3502 reads the queue as FIFO (None: it cannot tell)."""
    if "FifoQueue" not in queue.props:
        return False
    found = _stock_first(queue.props.get("FifoQueue"))
    return False if found is _NOVALUE else found


def _stock_reports(model: TemplateModel, queue, target: Branch) -> bool:
    """Whether stock E3502 reports the pair of `queue` and the in-template dead-letter queue that the
    branch `target` of its deadLetterTargetArn names (by Ref or GetAtt): it compares one FifoQueue value
    of each (`_stock_first`), so a mismatch in another scenario is left to this rule."""
    src = _stock_fifo(queue)
    for name in model.refers_to(target.value):
        dlq = model.resources[name]
        if dlq.type == QUEUE_TYPE:
            other = _stock_fifo(dlq)
            return src is not None and other is not None and src != other
    return False


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
    resource_types = ("AWS::SQS::Queue", "AWS::SNS::Subscription", "AWS::Events::Rule", "AWS::Serverless::Function", "AWS::Serverless::StateMachine")

    # -- the checks ---------------------------------------------------------------------------
    def findings(self, model: TemplateModel):
        yield from self._queues(model)
        yield from self._subscriptions(model)
        yield from self._event_rules(model)
        yield from self._sam_events(model)

    def _queues(self, model: TemplateModel):
        for queue in model.of_type(*QUEUE):
            for target_br, raw in redrive_targets(model, queue, "RedrivePolicy"):
                targets = fifo_kinds(model, target_br.value, QUEUE_TYPE)
                if not targets:
                    continue
                # E3502 judges a Ref/GetAtt to an in-template queue (in every branch of deadLetterTargetArn),
                # but reads one FifoQueue value of each queue (`_stock_first`): a pair it reports is left to
                # it (a pair is never reported twice); any other is this rule's, in every scenario
                direct = intrinsic(raw)[0] in ("Ref", "Fn::GetAtt") and not target_br.params
                if direct and _stock_reports(model, queue, target_br):
                    continue
                for src in model.prop(queue, "FifoQueue"):
                    src_fifo = False if src.value is ABSENT else as_bool(src.value)
                    if src_fifo is None:
                        continue
                    for tgt in targets:
                        if tgt.fifo == src_fifo:
                            continue
                        both = model.together(src, target_br, tgt.branch)
                        if both is None:
                            continue
                        when = both.describe()
                        yield (target_br.path,
                               f"Queue '{queue.logical_id}' is a {_kind(src_fifo)} queue but its dead-letter queue "
                               f"{tgt.label} is {_kind(tgt.fifo)}{when}: a queue's dead-letter queue must be of "
                               "the same type (FIFO for FIFO, standard for standard). Point deadLetterTargetArn "
                               f"at a {_kind(src_fifo)} queue.")

    def _topic_types(self, model: TemplateModel, node: Any) -> list[tuple[FifoKind, Branch]]:
        out = []
        for br in model.branches(node):
            for t in fifo_kinds(model, br.value, TOPIC_TYPE) or []:
                out.append((t, br))
        return out

    def _subscription_mismatch(self, model, owner: str, topics, target_br: Branch):
        targets = fifo_kinds(model, target_br.value, QUEUE_TYPE) or []
        for topic, topic_br in topics:
            for tgt in targets:
                if tgt.fifo == topic.fifo:
                    continue
                both = model.together(topic_br, topic.branch, target_br, tgt.branch)
                if both is None:
                    continue
                when = both.describe()
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
        for tgt in fifo_kinds(model, arn_br.value, QUEUE_TYPE) or []:
            if not tgt.fifo:
                continue
            both = model.together(arn_br, tgt.branch)
            if both is None:
                continue
            when = both.describe()
            return (arn_br.path,
                    f"{owner} uses FIFO queue {tgt.label} as its dead-letter queue{when}, but EventBridge "
                    "accepts only standard queues as dead-letter queues and rejects the target. Use a standard "
                    "queue.")
        return None

    def _event_rules(self, model: TemplateModel):
        for rule in model.of_type("AWS::Events::Rule"):
            for tb in model.entries(rule, "Targets"):
                tid = tb.value.get("Id")
                owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                    else f"A target of rule '{rule.logical_id}'"
                for arn in model.get(tb.value, "DeadLetterConfig", "Arn"):
                    both = model.together(arn, tb)
                    if both is None:
                        continue
                    full = Branch(arn.value, both.conditions, tb.path + arn.path, both.params)
                    finding = self._fifo_dlq(model, owner, full)
                    if finding:
                        yield finding

    def _sam_events(self, model: TemplateModel):
        for event in model.sam_event_branches:  # Events, an event or its Properties may be under Fn::If
            res, name, etype, props, path = event.resource, event.name, event.type, event.props, event.path
            if not isinstance(props, dict):
                continue
            exists = event.scenario
            if etype in ("EventBridgeRule", "Schedule", "CloudWatchEvent"):
                owner = f"{etype} event '{name}' of '{res.logical_id}'"
                for arn in model.get(props, "DeadLetterConfig", "Arn"):
                    arn = model.together(Branch(arn.value, arn.conditions, path + arn.path, arn.params), exists)
                    finding = self._fifo_dlq(model, owner, arn) if arn is not None else None
                    if finding:
                        yield finding
            elif etype == "SNS" and "RedrivePolicy" in props:
                topics = self._topic_types(model, props.get("Topic"))
                for rp in model.get(props, "RedrivePolicy", "deadLetterTargetArn"):
                    owner = f"SNS event '{name}' of '{res.logical_id}' (a subscription to {{topic}})"
                    rp = model.together(Branch(rp.value, rp.conditions, path + rp.path, rp.params), exists)
                    finding = self._subscription_mismatch(model, owner, topics, rp) if rp is not None else None
                    if finding:
                        yield finding
