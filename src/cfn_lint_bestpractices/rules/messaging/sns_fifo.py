"""E9605: SNS FIFO topics used where AWS does not allow them, and standard topics feeding FIFO queues."""

from __future__ import annotations

from typing import Any, Iterator

from ...model import TemplateModel, as_bool, show
from ...model.messaging import TOPIC_TYPE, fifo_kinds
from ...model.s3 import s3_notifications
from ...model.values import Branch
from .._base import BestPracticeRule



class SnsFifoCompatibility(BestPracticeRule):
    id = "E9605"
    shortdesc = "SNS FIFO topic used where it is not allowed"
    description = (
        "A FIFO topic delivers only to SQS queues (FIFO or standard) and needs a name ending in .fifo, and S3 "
        "cannot send event notifications to it. Plain subscriptions, S3 notifications and SAM SNS events are "
        "checked."
    )
    tags = ["sns", "sqs", "fifo", "s3"]
    resource_types = ("AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::S3::Bucket", "AWS::Serverless::Function")

    def _topics(self, model: TemplateModel, node: Any) -> Iterator[tuple[bool, str, Branch]]:
        for br in model.branches(node):
            for fifo, label, tb in ((k.fifo, k.label, k.branch) for k in fifo_kinds(model, br.value, TOPIC_TYPE)):
                both = model.together(br, tb)
                if both is not None:
                    yield fifo, label, both

    def findings(self, model: TemplateModel):
        yield from self._names(model)
        yield from self._subscriptions(model)
        yield from self._sam_events(model)
        yield from self._bucket_notifications(model)

    def _names(self, model: TemplateModel):
        for topic in model.of_type(TOPIC_TYPE):
            if "TopicName" not in topic.props:
                continue
            for fifo in model.prop(topic, "FifoTopic"):
                if as_bool(fifo.value) is not True:
                    continue
                for name in model.prop(topic, "TopicName"):
                    both = model.together(fifo, name)
                    if both is None or not isinstance(name.value, str) or name.value.endswith(".fifo"):
                        continue
                    yield (name.path,
                           f"SNS topic '{topic.logical_id}' is a FIFO topic but its TopicName '{show(name.value)}' "
                           f"does not end in .fifo{both.describe()}, so SNS refuses to create it. Add the .fifo "
                           "suffix.")
                    return

    def _subscription(self, model, owner: str, topics, protocols: list[Branch], endpoint: Any, path: tuple):
        """`protocols`: the protocol's branches (in the scenarios where the subscription exists); a
        finding holds where a branch that is not SQS and a FIFO topic branch hold together."""
        for topic_fifo, topic_label, tb in topics:
            if not topic_fifo:
                continue
            for pb in protocols:
                protocol = pb.value
                if not isinstance(protocol, str) or protocol.lower() == "sqs":
                    continue
                both = model.together(tb, pb)
                if both is None:
                    continue
                return (path, f"{owner} subscribes protocol '{protocol}' to FIFO topic {topic_label}{both.describe()}, "
                              "but FIFO topics deliver only to SQS queues. Subscribe an SQS queue, or use a standard "
                              "topic.")
        return None

    def _subscriptions(self, model: TemplateModel):
        for sub in model.of_type("AWS::SNS::Subscription"):
            protocols = model.prop(sub, "Protocol")
            topics = list(self._topics(model, sub.props.get("TopicArn")))
            finding = self._subscription(model, f"Subscription '{sub.logical_id}'", topics, protocols,
                                         sub.props.get("Endpoint"), sub.prop_path("Protocol"))
            if finding:
                yield finding

    def _sam_events(self, model: TemplateModel):
        for event in model.sam_event_branches:  # Events, an event or its Properties may be under Fn::If
            name, etype, props, path = event.name, event.type, event.props, event.path
            if event.resource.type != "AWS::Serverless::Function" or etype != "SNS" or not isinstance(props, dict):
                continue
            via_queue = as_bool(model.one(props.get("SqsSubscription", False)))
            if via_queue is None:
                via_queue = isinstance(props.get("SqsSubscription"), dict)
            topics = []
            for fifo, label, tb in self._topics(model, props.get("Topic")):
                both = model.together(tb, event.scenario)
                if both is not None:
                    topics.append((fifo, label, both))
            protocol = "sqs" if via_queue else "lambda"
            endpoint = props["SqsSubscription"].get("QueueArn") if isinstance(props.get("SqsSubscription"), dict) else None
            finding = self._subscription(model, f"SNS event '{name}' of '{event.resource.logical_id}'", topics,
                                         [Branch(protocol)], endpoint, path + ("Topic",))
            if finding:
                yield finding

    def _bucket_notifications(self, model: TemplateModel):
        for note in s3_notifications(model):
            if note.kind != "topic":
                continue
            for fifo, label, tb in self._topics(model, note.dest):
                both = model.together(tb, note.scenario)
                if fifo and both is not None:
                    yield (note.path,
                           f"{note.label[0].upper() + note.label[1:]} sends event notifications to FIFO topic "
                           f"{label}{both.describe()}, but S3 can notify only standard topics. Use a standard topic.")
                    break
