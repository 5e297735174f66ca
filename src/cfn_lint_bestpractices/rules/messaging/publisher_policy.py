"""E9606: an AWS service publishes to a queue or topic whose resource policy does not let it."""

from __future__ import annotations


from ...fixes import Append, Fix, NoFix
from ...model import TemplateModel
from ...model.messaging import QUEUE_TYPE as QUEUE, publisher_edges
from ...model.queue_policies import DELIVERY_ACTIONS, destination_policies, policy_allows
from ...model.template import Resource
from .._base import BestPracticeRule

# the policies read: an AWS::SQS::QueueInlinePolicy is not (yet) taken as granting delivery here
POLICY_TYPES = ("AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy")


class PublisherResourcePolicy(BestPracticeRule):
    id = "E9606"
    shortdesc = "Service publisher not allowed by the queue or topic policy"
    description = (
        "SNS subscriptions to SQS, S3 event notifications to SQS or SNS, and EventBridge targets on SQS or SNS "
        "deliver only when the queue's or topic's resource policy lets that service principal send (or "
        "publish). An S3 bucket must also be created after that policy, or S3 cannot validate the destination. "
        "SAM connectors and EventBridge targets with a RoleArn are taken as granting it."
    )
    tags = ["sqs", "sns", "s3", "eventbridge", "policy"]
    resource_types = ("AWS::SNS::Subscription", "AWS::S3::Bucket", "AWS::Events::Rule")
    fixable = "safe"

    def findings(self, model: TemplateModel):
        edges = list(publisher_edges(model))
        if not edges:
            return
        connected = model.connector_destinations
        if "*" in connected:
            return  # a connector to a destination we cannot name might be the one that grants it
        edges = [e for e in edges if e.dest not in connected]
        policies, unresolved = destination_policies(model, POLICY_TYPES)
        if unresolved:
            return  # a policy for a queue or topic we cannot name might be the one that allows it
        for edge in edges:
            dest = model.resources[edge.dest]
            service = edge.service
            verdicts = [policy_allows(model, p, service, DELIVERY_ACTIONS[dest.type]) for p in policies.get(edge.dest, [])]
            if None in verdicts:
                continue
            kind = "queue" if dest.type == QUEUE else "topic"
            action = "sqs:SendMessage" if dest.type == QUEUE else "sns:Publish"
            if True not in verdicts:
                policy_type = "AWS::SQS::QueuePolicy" if dest.type == QUEUE else "AWS::SNS::TopicPolicy"
                effect = ("S3 cannot validate the destination and the bucket's notification fails to create"
                          if edge.publisher == "s3" else "every delivery is refused")
                yield (edge.path,
                       f"{edge.label[0].upper() + edge.label[1:]} delivers to {kind} '{edge.dest}', but no "
                       f"{policy_type} lets {service} {action} to it, so {effect}. Add a policy "
                       f"statement that allows Principal {{Service: {service}}} {action} on the {kind}, with an "
                       "aws:SourceArn condition naming the sender.",
                       NoFix("a policy statement (and its aws:SourceArn condition) is left to you"))
                continue
            if edge.publisher == "s3":
                allowing = [p.logical_id for p, v in zip(policies[edge.dest], verdicts) if v]
                if not any(model.created_after(edge.source.logical_id, p) for p in allowing):
                    fix = self._order_fix(model, edge.source, [model.resources[p] for p in allowing])
                    yield (edge.path,
                           f"{edge.label[0].upper() + edge.label[1:]} notifies {kind} '{edge.dest}', whose policy "
                           f"'{allowing[0]}' allows it, but '{edge.source.logical_id}' does not wait for that policy: "
                           "S3 checks the destination when the notification is created and fails with 'Unable to "
                           f"validate the following destination configurations'. Add DependsOn: {allowing[0]} "
                           f"to '{edge.source.logical_id}'.", fix)

    @staticmethod
    def _order_fix(model: TemplateModel, bucket: Resource, allowing: list):
        """DependsOn the one allowing policy that does not refer to the bucket (a DependsOn on a policy that
        refers to it makes a cycle) and exists whenever the bucket does."""
        usable = [p for p in allowing if not model.created_after(p.logical_id, bucket.logical_id)
                  and (not p.condition or p.condition == bucket.condition)]
        if len(usable) != 1 or len(allowing) != 1:
            return NoFix("the allowing policy refers to the bucket (a DependsOn would make a cycle), has a "
                         "condition of its own, or is one of several")
        return Fix(f"add DependsOn: {usable[0].logical_id}",
                   [Append(bucket.path + ("DependsOn",), str(usable[0].logical_id))])
