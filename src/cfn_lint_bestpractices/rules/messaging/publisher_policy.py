"""E9606: an AWS service publishes to a queue or topic whose resource policy does not let it."""

from __future__ import annotations


from ...fixes import Append, Fix, NoFix
from ...model import TemplateModel
from ...model.messaging import QUEUE_TYPE as QUEUE, publisher_edges
from ...model.policies import uncovered
from ...model.queue_policies import DELIVERY_ACTIONS, destination_policy_scenarios, policy_grants
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
        policies, unresolved = destination_policy_scenarios(model, POLICY_TYPES)
        if unresolved:
            return  # a policy for a queue or topic we cannot name might be the one that allows it
        for edge in edges:
            dest = model.resources[edge.dest]
            service = edge.service
            # the delivery is needed where its source value names the destination and the destination exists
            need = model.together(edge.scenario, model.exists(dest))
            if need is None:
                continue
            named = policies.get(edge.dest, [])
            grants, allowing = [], []
            for policy, applies in named:
                found = policy_grants(model, policy, service, DELIVERY_ACTIONS[dest.type])
                if found is None:
                    break
                here = [w for g in found if (w := model.together(g, applies)) is not None]
                grants += here
                if any(model.together(w, need) is not None for w in here) and policy not in allowing:
                    allowing.append(policy)
            else:
                yield from self._judge(model, edge, dest, need, grants, [a for _, a in named], allowing)

    def _judge(self, model: TemplateModel, edge, dest, need, grants: list, applies: list, allowing: list):
        service = edge.service
        kind = "queue" if dest.type == QUEUE else "topic"
        action = "sqs:SendMessage" if dest.type == QUEUE else "sns:Publish"
        scenario = uncovered(model, need, grants, applies)
        if scenario is not None:
            policy_type = "AWS::SQS::QueuePolicy" if dest.type == QUEUE else "AWS::SNS::TopicPolicy"
            effect = ("S3 cannot validate the destination and the bucket's notification fails to create"
                      if edge.publisher == "s3" else "every delivery is refused")
            yield (edge.path,
                   f"{edge.label[0].upper() + edge.label[1:]} delivers to {kind} '{edge.dest}', but no "
                   f"{policy_type} lets {service} {action} to it{scenario.describe()}, so {effect}. Add a policy "
                   f"statement that allows Principal {{Service: {service}}} {action} on the {kind}, with an "
                   "aws:SourceArn condition naming the sender.",
                   NoFix("a policy statement (and its aws:SourceArn condition) is left to you"))
            return
        if edge.publisher == "s3" and allowing:
            if not any(model.created_after(edge.source.logical_id, p.logical_id) for p in allowing):
                fix = self._order_fix(model, edge.source, allowing)
                yield (edge.path,
                       f"{edge.label[0].upper() + edge.label[1:]} notifies {kind} '{edge.dest}', whose policy "
                       f"'{allowing[0].logical_id}' allows it, but '{edge.source.logical_id}' does not wait for that "
                       "policy: S3 checks the destination when the notification is created and fails with 'Unable "
                       f"to validate the following destination configurations'. Add DependsOn: "
                       f"{allowing[0].logical_id} to '{edge.source.logical_id}'.", fix)

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
